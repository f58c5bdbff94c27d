package io.consentkit.spring.boot;

/**
 * {@code consentkit.erasure.*}: the key of erased numbers' keyed hashes. The tracker the starter builds
 * takes it, so an erased number stays opted out (and a journal holding erasures opens).
 */
public class ErasureProperties {
    /** File with the key (hex or base64, 32 bytes or more) of erased numbers' keyed hashes; needed over a journal with erasures. */
    private String keyFile;

    public String getKeyFile() {
        return keyFile;
    }

    public void setKeyFile(String keyFile) {
        this.keyFile = keyFile;
    }
}
