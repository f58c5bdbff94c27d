package io.consentkit.cli;

import io.consentkit.consent.Programs;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.support.Json;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints records as text or JSON lines. JSON field names are stable (documented in docs/cli.md):
 * consentId, timestamp, phoneNumber, optInMethod, consentMessage, customerId, customerName,
 * customerEmail, ipAddress, screenshotUrl, metadata, status, revokedAt, revokedMethod, program, brand,
 * channel. {@code program} and {@code brand} are names, the default program's and brand's too (an empty
 * journal cell shown by name); a suppression of every program of a brand has program null, one of
 * everything has program and brand null. {@code channel} is null when the row names none.
 */
final class Output {
    private Output() {
    }

    static Map<String, Object> fields(ConsentRecord r, Programs programs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("consentId", r.consentId());
        m.put("timestamp", r.timestamp().toString());
        m.put("phoneNumber", r.phoneNumber().e164());
        m.put("optInMethod", r.optInMethod());
        m.put("consentMessage", r.consentMessage());
        m.put("customerId", r.customerId());
        m.put("customerName", r.customerName());
        m.put("customerEmail", r.customerEmail());
        m.put("ipAddress", r.ipAddress());
        m.put("screenshotUrl", r.screenshotUrl());
        m.put("metadata", r.metadata());
        m.put("status", r.status().journalName());
        m.put("revokedAt", r.revokedAt() == null ? null : r.revokedAt().toString());
        m.put("revokedMethod", r.revokedMethod());
        m.put("program", ProgramsOption.programOf(r, programs));
        m.put("brand", ProgramsOption.brandOf(r, programs));
        m.put("channel", r.channel().isEmpty() ? null : r.channel());
        return m;
    }

    /** One JSON object; values may be strings, numbers, booleans, null, string maps or lists. */
    static String json(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.quote(sb, e.getKey()).append(':');
            value(sb, e.getValue());
        }
        return sb.append('}').toString();
    }

    @SuppressWarnings("unchecked")
    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map<?, ?> m) {
            sb.append(json((Map<String, ?>) m));
        } else if (v instanceof Iterable<?> it) {
            sb.append('[');
            boolean first = true;
            for (Object o : it) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                value(sb, o);
            }
            sb.append(']');
        } else {
            Json.quote(sb, v.toString());
        }
    }

    static void record(PrintWriter out, OutputFormat format, ConsentRecord r, Programs programs) {
        if (format == OutputFormat.json) {
            out.println(json(fields(r, programs)));
        } else {
            out.println(text(r, programs));
        }
    }

    /** {@link #text(ConsentRecord, Programs)} for a tracker without programs. */
    static String text(ConsentRecord r) {
        return text(r, Programs.defaults());
    }

    /**
     * One line: status, number, method, time, id, the revocation, and the scope ({@code brand/program},
     * {@code brand/*} or {@code all}) when the row names one or programs are configured.
     */
    static String text(ConsentRecord r, Programs programs) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.status().journalName().toUpperCase(java.util.Locale.ROOT)).append("  ")
                .append(r.phoneNumber().e164()).append("  ")
                .append(r.optInMethod().isEmpty() ? "(suppression)" : r.optInMethod()).append("  ")
                .append(r.timestamp()).append("  id=").append(r.consentId());
        if (r.revokedAt() != null) {
            sb.append("  revoked ").append(r.revokedAt()).append(" via ").append(r.revokedMethod());
        }
        if (!r.program().isEmpty() || !r.brand().isEmpty() || programs != Programs.defaults()) {
            String program = ProgramsOption.programOf(r, programs);
            String brand = ProgramsOption.brandOf(r, programs);
            sb.append("  scope=").append(brand == null ? "all" : brand + "/" + (program == null ? "*" : program));
        }
        return sb.toString();
    }
}
