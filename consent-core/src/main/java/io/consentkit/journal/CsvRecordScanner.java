package io.consentkit.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The structure-only pass behind {@link CsvRecordReader#scanRecords}: a state machine over the bytes
 * with {@link CsvRecordReader}'s rules, one tight loop per state, building nothing. One instance per
 * scan; not thread-safe.
 */
final class CsvRecordScanner {
    private final CsvRecordReader reader;
    private final String source;
    private final byte[] buf;
    private final int maxRead;

    CsvRecordScanner(CsvRecordReader reader, String source, byte[] buf, int maxRead) {
        this.reader = reader;
        this.source = source;
        this.buf = buf;
        this.maxRead = maxRead;
    }

    private static final int CELL_START = 0;
    private static final int UNQUOTED = 1;
    private static final int QUOTED = 2;
    private static final int QUOTE_IN_QUOTED = 3; // a quote inside a quoted cell: "" or the closing one
    private static final int CR_AFTER_QUOTE = 4;

    // the UTF-8 check of scanRecords: continuation bytes still expected, their range, a bad sequence seen
    private int utfNeed;
    private int utfLo;
    private int utfHi;
    private boolean utfBad;

    /** Scans [start, end); see {@link CsvRecordReader#scanRecords}. */
    void scan(FileChannel ch, long start, long end, CsvRecordReader.RecordBoundaryConsumer consumer) throws IOException {
        long maxRecord = buf.length; // read() refuses a record when its buffer, doubling, is full at this size
        while (maxRecord < maxRead) {
            maxRecord *= 2;
        }
        byte[] b = buf;
        int state = CELL_START;
        int cells = 0;
        long line = 1;
        long recordLine = 1;
        long recordStart = start;
        utfNeed = 0;
        utfBad = false;
        long pos = start;
        while (pos < end) {
            int n = ch.read(ByteBuffer.wrap(b, 0, (int) Math.min(b.length, end - pos)), pos);
            if (n < 0) {
                throw new IOException("file shorter than expected");
            }
            if (utfNeed != 0 && n > 0 && b[0] >= 0) {
                utfBad = true; // a sequence cut at the end of the last read
                utfNeed = 0;
            }
            int i = 0;
            byte c = 0;
            while (i < n) {
                switch (state) {
                    case CELL_START:
                        if (b[i] == '"') {
                            state = QUOTED;
                            i++;
                            break;
                        }
                        state = UNQUOTED; // the same byte again, as the start of an unquoted cell
                        break;
                    case UNQUOTED:
                        while (i < n && (c = b[i]) != ',' && c != '\n' && c >= 0) {
                            i++;
                        }
                        if (i == n) {
                            break;
                        }
                        if (c < 0) {
                            i = utfRun(b, i, n);
                        } else if (c == ',') {
                            cells++;
                            state = CELL_START;
                            i++;
                        } else {
                            line++;
                            i++;
                            endRecord(ch, recordStart, pos + i, maxRecord, recordLine, cells + 1, consumer);
                            cells = 0;
                            state = CELL_START;
                            recordStart = pos + i;
                            recordLine = line;
                        }
                        break;
                    case QUOTED:
                        while (i < n && (c = b[i]) != '"' && c != '\n' && c >= 0) {
                            i++;
                        }
                        if (i == n) {
                            break;
                        }
                        if (c < 0) {
                            i = utfRun(b, i, n);
                        } else {
                            if (c == '\n') {
                                line++;
                            } else {
                                state = QUOTE_IN_QUOTED;
                            }
                            i++;
                        }
                        break;
                    default: // QUOTE_IN_QUOTED or CR_AFTER_QUOTE
                        c = b[i];
                        if (state == QUOTE_IN_QUOTED && c == '"') {
                            state = QUOTED;
                        } else if (state == QUOTE_IN_QUOTED && c == ',') {
                            cells++;
                            state = CELL_START;
                        } else if (state == QUOTE_IN_QUOTED && c == '\r') {
                            state = CR_AFTER_QUOTE;
                        } else if (c == '\n') {
                            line++;
                            endRecord(ch, recordStart, pos + i + 1, maxRecord, recordLine, cells + 1, consumer);
                            cells = 0;
                            state = CELL_START;
                            recordStart = pos + i + 1;
                            recordLine = line;
                        } else {
                            throw afterQuote(pos + i, recordStart, maxRecord, recordLine, cells);
                        }
                        i++;
                        break;
                }
            }
            pos += n;
        }
        if (recordStart >= end) {
            return;
        }
        if (end - recordStart > maxRecord) {
            throw tooLong(recordLine);
        }
        if (state == QUOTED) {
            throw new JournalFormatException(source, recordLine, "row", "is cut short (unterminated quoted cell)");
        }
        if (state == CR_AFTER_QUOTE) {
            throw afterQuote(end, recordStart, maxRecord, recordLine, cells);
        }
        endRecord(ch, recordStart, end, maxRecord, recordLine, cells + 1, consumer);
    }

    /**
     * Feeds the run of bytes of 0x80 or above from {@code i} to the UTF-8 check; returns where it
     * ends. A sequence the run leaves unfinished before an ASCII byte is bad.
     */
    private int utfRun(byte[] b, int i, int n) {
        while (i < n && b[i] < 0) {
            utfByte(b[i] & 0xff);
            i++;
        }
        if (i < n && utfNeed != 0) {
            utfBad = true;
            utfNeed = 0;
        }
        return i;
    }

    /** Feeds one byte of 0x80 or above to the UTF-8 check (Unicode table 3-7, as the JDK's decoder). */
    private void utfByte(int u) {
        if (utfNeed > 0) {
            if (u < utfLo || u > utfHi) {
                utfBad = true;
                utfNeed = 0;
                return;
            }
            utfNeed--;
            utfLo = 0x80;
            utfHi = 0xBF;
            return;
        }
        utfLo = 0x80;
        utfHi = 0xBF;
        if (u >= 0xC2 && u <= 0xDF) {
            utfNeed = 1;
        } else if (u >= 0xE0 && u <= 0xEF) {
            utfNeed = 2;
            utfLo = u == 0xE0 ? 0xA0 : 0x80;
            utfHi = u == 0xED ? 0x9F : 0xBF;
        } else if (u >= 0xF0 && u <= 0xF4) {
            utfNeed = 3;
            utfLo = u == 0xF0 ? 0x90 : 0x80;
            utfHi = u == 0xF4 ? 0x8F : 0xBF;
        } else {
            utfBad = true;
        }
    }

    /** A record [start, end) is complete: the checks {@link #read} makes on one, then the consumer. */
    private void endRecord(FileChannel ch, long start, long end, long maxRecord, long line, int cells,
                           CsvRecordReader.RecordBoundaryConsumer consumer) throws IOException {
        if (end - start > maxRecord) {
            throw tooLong(line);
        }
        if (utfBad || utfNeed != 0) {
            byte[] record = new byte[(int) (end - start)];
            ByteBuffer bb = ByteBuffer.wrap(record);
            while (bb.hasRemaining()) {
                if (ch.read(bb, start + bb.position()) < 0) {
                    throw new IOException("file shorter than expected");
                }
            }
            reader.checkUtf8(record, 0, record.length, line);
            utfBad = false;
            utfNeed = 0;
        }
        consumer.accept(line, end, cells);
    }

    /** Text after a closing quote at {@code at}, unless {@link #read} gives up on the record's length first. */
    private JournalFormatException afterQuote(long at, long recordStart, long maxRecord, long line, int cells) {
        if (at - recordStart >= maxRecord) {
            return tooLong(line);
        }
        return new JournalFormatException(source, line, "row",
                "has text after a quoted cell's closing quote (cell " + (cells + 1) + ")");
    }

    private JournalFormatException tooLong(long line) {
        return new JournalFormatException(source, line, "row", "is longer than " + maxRead + " bytes");
    }
}
