package io.consentkit.web.console;

import java.time.Instant;
import java.util.Objects;

/**
 * Hears every console action with the operator who took it: viewing a number, revealing it, revoking,
 * exporting. The default ({@link #LOG}) writes one SLF4J line per action to the logger
 * {@code io.consentkit.web.console.audit}, numbers masked. A listener's exception is logged and never
 * breaks the page. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface ConsoleAudit {
    /**
     * One console action.
     *
     * @param at       when
     * @param operator who
     * @param action   what: {@code view}, {@code search}, {@code reveal}, {@code revoke}, {@code export_audit},
     *                 {@code export_evidence}, {@code dashboard}, {@code sends}, {@code pending}, {@code revocations}
     * @param number   the number it was about, masked ({@code +*********01}), or empty
     * @param detail   more for people (rows written, a count), or empty
     */
    record Action(Instant at, String operator, String action, String number, String detail) {
        public Action {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(action, "action");
            number = number == null ? "" : number;
            detail = detail == null ? "" : detail;
        }
    }

    /** Writes each action to the SLF4J logger {@code io.consentkit.web.console.audit} at INFO. */
    ConsoleAudit LOG = new ConsoleAudit() {
        private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("io.consentkit.web.console.audit");

        @Override
        public void onAction(Action a) {
            log.info("console {} by operator {}{}{}", a.action(), io.consentkit.support.Masking.printable(a.operator()),
                    a.number().isEmpty() ? "" : " for " + a.number(), a.detail().isEmpty() ? "" : ": " + a.detail());
        }
    };

    /** One action was taken. */
    void onAction(Action action);
}
