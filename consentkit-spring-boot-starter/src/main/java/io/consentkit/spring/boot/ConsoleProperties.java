package io.consentkit.spring.boot;

/**
 * {@code consentkit.console.*}: the web pages' keys. {@code consent serve} reads them all; the starter reads
 * {@code enabled} (mount the operator console and the front desk, behind Spring Security) and binds the others,
 * which name consent-web's own login, so that one vocabulary holds everywhere.
 */
public class ConsoleProperties {
    /** Mount the web pages in consent serve: the opt-in page, the front desk and the operator console. */
    private boolean enabled = false;
    /** Login name of the console's operator (recorded with every console action). */
    private String user = "operator";
    /** Console password: a secret, from the environment only; without it or password-hash there is no console. */
    private String password;
    /** Console password as pbkdf2-sha256$iterations$salt$hash (consent console-password prints one). */
    private String passwordHash;
    /** Mark the console's session cookie Secure even on plain HTTP (behind a TLS proxy). */
    private boolean secureCookies = false;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getUser() {
        return user;
    }

    public void setUser(String user) {
        this.user = user;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getPasswordHash() {
        return passwordHash;
    }

    public void setPasswordHash(String passwordHash) {
        this.passwordHash = passwordHash;
    }

    public boolean isSecureCookies() {
        return secureCookies;
    }

    public void setSecureCookies(boolean secureCookies) {
        this.secureCookies = secureCookies;
    }
}
