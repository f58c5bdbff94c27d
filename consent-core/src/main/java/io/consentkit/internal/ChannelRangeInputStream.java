package io.consentkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads [start, end) of a channel with positional reads, leaving the channel's position alone, so
 * it may run while other threads append. Not thread-safe (one reader per stream).
 */
final class ChannelRangeInputStream extends InputStream {
    private final FileChannel ch;
    private long pos;
    private final long end;

    ChannelRangeInputStream(FileChannel ch, long start, long end) {
        this.ch = ch;
        this.pos = start;
        this.end = end;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
            return -1;
        }
        int want = (int) Math.min(len, end - pos);
        int n = ch.read(ByteBuffer.wrap(b, off, want), pos);
        if (n > 0) {
            pos += n;
        }
        return n;
    }
}
