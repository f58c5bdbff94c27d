package io.consentkit.spring.boot;

/** {@code consentkit.retention.*}: how long consent proof is kept (read by {@code consent retention}). */
public class RetentionProperties {
    /** How long proof is kept after a consent ended or was last relied on for a send (ISO-8601 period: P5Y, P18M). */
    private String keep = "P5Y";
    /** Programs with their own retention period: program=period, comma-separated (alerts=P2Y). */
    private String programs;

    public String getKeep() {
        return keep;
    }

    public void setKeep(String keep) {
        this.keep = keep;
    }

    public String getPrograms() {
        return programs;
    }

    public void setPrograms(String programs) {
        this.programs = programs;
    }
}
