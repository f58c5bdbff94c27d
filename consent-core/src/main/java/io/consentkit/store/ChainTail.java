package io.consentkit.store;

import io.consentkit.internal.AppendOnlyFile;
import io.consentkit.internal.HashChain;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Where a version 3 journal's chain continues: the last complete row's {@code chain_link}, read from the
 * file's last bytes. The chain cells are the last two of a row and, written by this library, are never
 * quoted, so a chained row ends with exactly {@code ,<64 hex>,<64 hex>\n} and an unchained one with
 * {@code ,,\n}; anything else in that place is refused (the file was edited: run {@code consent verify}).
 * Stateless.
 */
final class ChainTail {
    private static final int TAIL = JournalChain.TAIL_BYTES;

    private ChainTail() {
    }

    /**
     * The link the next row links from: the last row's, or the genesis if it is unchained or there is none.
     *
     * @throws JournalFormatException if the last row's chain cells are not where this library writes them
     */
    static byte[] lastLink(AppendOnlyFile journal) {
        byte[][] out = new byte[1][];
        String source = journal.file().toString();
        try {
            journal.read((ch, start, end) -> {
                int headerBytes = (journal.headerLine() + "\n").getBytes(StandardCharsets.UTF_8).length;
                long len = end - start;
                if (len <= headerBytes) {
                    out[0] = HashChain.genesis(); // the header only
                    return;
                }
                int n = (int) Math.min(TAIL, len);
                ByteBuffer b = ByteBuffer.allocate(n);
                while (b.hasRemaining() && ch.read(b, end - n + b.position()) > 0) {
                    continue;
                }
                byte[] link = JournalChain.trailingLink(b.array(), 0, b.position());
                if (link == null) {
                    throw new JournalFormatException(source, 0, "chain_link", "of the last row is not where a version 3 "
                            + "row keeps it (the last cell, 64 lower-case hex digits, unquoted, LF line end): the file "
                            + "was edited, so this writer cannot continue its chain and appends nothing. Run "
                            + "`consent verify` to find the first broken row");
                }
                out[0] = link;
            });
        } catch (IOException e) {
            throw journal.readFailure(e);
        }
        return out[0];
    }
}
