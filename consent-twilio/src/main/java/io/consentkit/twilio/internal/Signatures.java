package io.consentkit.twilio.internal;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Twilio's request signature, for the case twilio-java's {@code RequestValidator} cannot take:
 * form posts with a repeated parameter name (its {@code Map<String,String>} keeps one value).
 * Base64(HMAC-SHA1(authToken, url + name + value for each parameter, names sorted)).
 * Stateless and thread-safe. Not public API.
 */
public final class Signatures {
    private Signatures() {
    }

    /** The signature over {@code url} followed by each pair's name and value, in the given order. */
    public static String sign(String authToken, String url, List<Map.Entry<String, String>> orderedPairs) {
        StringBuilder data = new StringBuilder(url);
        for (Map.Entry<String, String> p : orderedPairs) {
            data.append(p.getKey()).append(p.getValue());
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    /**
     * The orders Twilio's SDKs put parameters in when a name repeats: names sorted, and each
     * name's values (1) as received, (2) sorted, (3) sorted without duplicates (twilio-python).
     */
    public static List<List<Map.Entry<String, String>>> candidateOrders(Map<String, List<String>> params) {
        List<String> names = new ArrayList<>(params.keySet());
        names.sort(null);
        List<List<Map.Entry<String, String>>> orders = new ArrayList<>();
        for (int variant = 0; variant < 3; variant++) {
            List<Map.Entry<String, String>> order = new ArrayList<>();
            for (String name : names) {
                List<String> values = new ArrayList<>(params.get(name));
                if (variant >= 1) {
                    values.sort(null);
                }
                if (variant == 2) {
                    values = new ArrayList<>(new java.util.LinkedHashSet<>(values));
                }
                for (String v : values) {
                    order.add(Map.entry(name, v));
                }
            }
            if (!orders.contains(order)) {
                orders.add(order);
            }
        }
        return orders;
    }

    /**
     * The URL as given and with its port toggled, as twilio-java does: a URL without a port is
     * also tried with the scheme's default (443 or 80); a URL with a port also without it.
     * Raw (still percent-encoded) path and query are kept exactly.
     */
    public static List<String> portVariants(String url) {
        List<String> out = new ArrayList<>(2);
        out.add(url);
        try {
            URI u = new URI(url);
            if (u.getHost() == null || u.getScheme() == null) {
                return out;
            }
            int port = u.getPort();
            String newPort = port == -1 ? ":" + ("https".equalsIgnoreCase(u.getScheme()) ? 443 : 80) : "";
            String host = u.getHost();
            String rebuilt = u.getScheme() + "://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@") + host + newPort
                    + (u.getRawPath() == null ? "" : u.getRawPath()) + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())
                    + (u.getRawFragment() == null ? "" : "#" + u.getRawFragment());
            out.add(rebuilt);
        } catch (URISyntaxException e) {
            return out;
        }
        return out;
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Compares without an early exit, so timing does not reveal how much matched. */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
