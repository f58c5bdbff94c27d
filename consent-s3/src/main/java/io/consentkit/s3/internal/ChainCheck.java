package io.consentkit.s3.internal;

import io.consentkit.journal.JournalFormatException;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.Redaction;

import java.util.ArrayList;
import java.util.List;

/**
 * The S3 store's tamper-evidence check (chain per object, with the manifest): the snapshot is verified
 * as one chain and must end at the manifest's {@code chain_head} after its {@code rows}; every journal
 * object after it is verified on its own, from the genesis. Rows of the snapshot that an erasure redacted
 * are linked by their recorded digests when an erasure row after them in the snapshot vouches for them
 * ({@link Redaction.Vouched}). Reads only. Not public API. Stateless.
 */
public final class ChainCheck {
    private ChainCheck() {
    }

    /** One result per object read, the snapshot's first (if there is one), then the journal objects in key order. */
    public static List<JournalVerifier.Result> run(JournalLoader loader, S3Calls calls) {
        JournalLoader.Loaded l = loader.load();
        List<JournalVerifier.Result> out = new ArrayList<>();
        Manifest m = l.manifest();
        if (m != null && l.snapshot() != null) {
            String source = calls.uri(m.snapshotKey());
            Redaction.Vouched vouched = new Redaction.Vouched();
            try {
                loader.decode(m.snapshotKey(), l.snapshot()).forEach(vouched);
            } catch (JournalFormatException e) {
                // a row that does not parse: the chain check names it
            }
            JournalVerifier.Result r = JournalVerifier.verify(l.snapshot(), source,
                    JournalVerifier.Options.DEFAULTS.withRedactedRows(vouched.redactedRows()));
            if (r.ok() && m.chainHead() != null && (r.rows() != m.rows() || !r.head().equals(m.chainHead()))) {
                boolean shorter = r.rows() < m.rows();
                r = new JournalVerifier.Result(source, r.schemaVersion(), r.rows(), r.legacyRows(), r.chainedRows(),
                        r.redactedRows(), r.head(), new JournalVerifier.Break(shorter ? r.rows() + 1 : m.rows(), 0, "",
                        shorter ? JournalVerifier.Problem.TRUNCATED : JournalVerifier.Problem.HEAD,
                        "the manifest records " + m.rows() + " rows ending at link " + m.chainHead() + ", but the "
                                + "snapshot has " + r.rows() + " rows ending at " + r.head()));
            }
            out.add(r);
        }
        for (String key : l.journalKeys()) {
            out.add(JournalVerifier.verify(l.bodies().get(key), calls.uri(key), JournalVerifier.Options.DEFAULTS));
        }
        return out;
    }
}
