package io.consentkit.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes strict UTF-8 from a stream, keeping count of lines and byte columns, so that a byte that is
 * not UTF-8 fails with a {@link JournalFormatException} naming its line and column instead of an
 * anonymous {@code MalformedInputException} (or, with a lenient decoder, a silent U+FFFD). Not
 * thread-safe (one reader per stream).
 */
final class Utf8Reader extends Reader {
    private final InputStream in;
    private final String source;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16).flip();
    private final CharBuffer chars = CharBuffer.allocate(1 << 16).flip();
    private boolean eof;
    private boolean flushed;
    private long line = 1;
    private long column = 1;
    private long offset;

    Utf8Reader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (flushed) {
                return -1;
            }
            fill();
        }
        int n = Math.min(len, chars.remaining());
        chars.get(cbuf, off, n);
        return n;
    }

    /** Decodes at least one more char into {@code chars}, or reaches the end. */
    private void fill() throws IOException {
        chars.clear();
        try {
            while (chars.position() == 0) {
                if (!eof && bytes.remaining() < 4) {
                    bytes.compact();
                    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    if (n < 0) {
                        eof = true;
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                    bytes.flip();
                }
                int start = bytes.position();
                CoderResult r = decoder.decode(bytes, chars, eof);
                track(start, bytes.position());
                if (r.isError()) {
                    throw new JournalFormatException(source, line, "encoding", String.format(
                            "is not valid UTF-8: byte 0x%02X at column %d (byte offset %d of the file)",
                            bytes.get(bytes.position()) & 0xff, column, offset));
                }
                if (eof && r.isUnderflow()) {
                    decoder.flush(chars);
                    flushed = true;
                    return;
                }
            }
        } finally {
            chars.flip();
        }
    }

    private void track(int from, int to) {
        byte[] a = bytes.array();
        for (int i = from; i < to; i++) {
            if (a[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        offset += to - from;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
