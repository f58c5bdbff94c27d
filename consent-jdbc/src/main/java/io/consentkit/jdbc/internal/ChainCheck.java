package io.consentkit.jdbc.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalVerifier;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDBC store's tamper-evidence check (chain per writer, by its sequence): rows without a writer
 * (written before schema version 3) are legacy and must be unchained; each writer's rows, in
 * {@code writer_seq} order, must form one chain from the genesis. A row an erasure row vouches for (its
 * consent listed by an erasure row with a larger id: redacted in place by {@code JdbcConsentStore.rewrite},
 * digest and link kept) is linked by its recorded digest instead of being rehashed. Reads only. Not public API. Stateless.
 */
public final class ChainCheck {
    private static final List<String> HEADER = header();

    private ChainCheck() {
    }

    private static List<String> header() {
        List<String> h = new ArrayList<>(ConsentRecord.COLUMNS);
        h.addAll(JournalChain.COLUMNS);
        return List.copyOf(h);
    }

    /** One result per writer (legacy rows first, as writer ""), the line of a break being the row's id. */
    public static List<JournalVerifier.Result> run(Connection c, JournalTable table, String location)
            throws SQLException {
        List<JournalVerifier.Result> out = new ArrayList<>();
        JournalVerifier.Feed[] feed = {null};
        String[] writer = {null};
        java.util.Map<String, Long> vouched = new java.util.HashMap<>();
        long[] current = {0}; // the id of the row being fed: the hook below is asked about it
        JournalVerifier.Options options = JournalVerifier.Options.DEFAULTS.withRedactedRows((row, consentId) -> {
            Long erasure = vouched.get(consentId);
            return erasure != null && current[0] < erasure;
        });
        table.readChain(c, vouched, (id, writerId, cells) -> {
            if (!writerId.equals(writer[0])) {
                if (feed[0] != null) {
                    out.add(feed[0].result());
                }
                writer[0] = writerId;
                feed[0] = new JournalVerifier.Feed(HEADER, "jdbc " + location + (writerId.isEmpty() ? " legacy rows"
                        : " writer " + writerId), options);
            }
            if (writerId.isEmpty() && !(cells[cells.length - 2].isEmpty() && cells[cells.length - 1].isEmpty())) {
                cells = cells.clone();
                cells[cells.length - 1] = "not-a-writer-row"; // chain cells without a writer: refused as FORMAT
            }
            current[0] = id;
            feed[0].row(cells, id);
        });
        if (feed[0] != null) {
            out.add(feed[0].result());
        }
        return out;
    }
}
