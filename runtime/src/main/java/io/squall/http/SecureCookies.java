package io.squall.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.squall.internal.Log;

/**
 * Signed values for cookies (Tornado's {@code create_signed_value} / {@code decode_signed_value}, format
 * version 2, so Squall and Tornado services sharing a secret read each other's cookies):
 *
 * <pre>
 *   2|1:&lt;key version&gt;|10:&lt;unix time&gt;|&lt;n&gt;:&lt;name&gt;|&lt;n&gt;:&lt;base64 value&gt;|&lt;hex HMAC-SHA256 of all before it&gt;
 * </pre>
 *
 * The value is signed, not encrypted: the client can read it but not change it. The signature covers
 * the cookie's name (a value signed for one cookie is refused for another) and the time it was signed
 * (old values expire). Signatures are compared in constant time. Thread-safe.
 */
public final class SecureCookies {
    /** Tornado's default for how long a signed value is accepted: 31 days. */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(31);
    /** Values signed further in the future than this are refused (clock skew allowance, as Tornado). */
    private static final long MAX_FUTURE_SECONDS = 31L * 86400;
    /** Values longer than this are not even parsed (browsers cap a cookie at 4096 bytes). */
    private static final int MAX_LENGTH = 8192;

    private SecureCookies() {
        throw new AssertionError("no instances");
    }

    /**
     * Signs {@code value} for the cookie {@code name} with the current secret of {@code settings}.
     *
     * @param settings the application's settings, with a cookie secret
     * @param name the cookie name
     * @param value the value (any text; it is base64-encoded)
     * @param nowSeconds the signing time, Unix seconds
     * @return the signed value, safe as a cookie value
     * @throws IllegalStateException if no cookie secret is set
     */
    public static String create(WebSettings settings, String name, String value, long nowSeconds) {
        Map<Integer, byte[]> secrets = settings.cookieSecrets();
        if (secrets.isEmpty()) {
            throw new IllegalStateException("Signed cookies need a secret: call"
                    + " application.settings().cookieSecret(...) before using setSecureCookie/getSecureCookie");
        }
        int version = settings.cookieKeyVersion();
        String b64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
        String toSign = "2|" + field(Integer.toString(version)) + "|" + field(Long.toString(nowSeconds)) + "|"
                + field(name) + "|" + field(b64) + "|";
        return toSign + hmacHex(secrets.get(version), toSign);
    }

    /**
     * Checks a signed value and returns what was signed, or null if it is not valid: malformed, signed
     * with an unknown key version or a wrong secret, signed for another cookie name, older than
     * {@code maxAge}, or dated more than 31 days in the future.
     *
     * @param settings the application's settings, with the cookie secrets
     * @param name the cookie name the value must have been signed for
     * @param signed the value from the client, may be null
     * @param maxAge how old the signature may be
     * @param nowSeconds the current time, Unix seconds
     * @return the value, or null
     * @throws IllegalStateException if no cookie secret is set
     */
    public static String decode(WebSettings settings, String name, String signed, Duration maxAge, long nowSeconds) {
        Map<Integer, byte[]> secrets = settings.cookieSecrets();
        if (secrets.isEmpty()) {
            throw new IllegalStateException("Signed cookies need a secret: call"
                    + " application.settings().cookieSecret(...) before using setSecureCookie/getSecureCookie");
        }
        if (signed == null) {
            return null;
        }
        if (signed.length() > MAX_LENGTH || !signed.startsWith("2|")) {
            return reject(name, signed.length() > MAX_LENGTH ? "longer than " + MAX_LENGTH + " characters"
                    : "not a signed value (a signed value starts with \"2|\"; was it set with setCookie?)");
        }
        int[] pos = {2};
        String version = readField(signed, pos);
        String timestamp = readField(signed, pos);
        String signedName = readField(signed, pos);
        String b64 = readField(signed, pos);
        if (b64 == null) {
            return reject(name, "malformed (its fields do not parse)");
        }
        String toSign = signed.substring(0, pos[0]);
        String signature = signed.substring(pos[0]);
        int keyVersion;
        long time;
        try {
            keyVersion = Integer.parseInt(version);
            time = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return reject(name, "malformed (its key version or timestamp is not a number)");
        }
        byte[] secret = secrets.get(keyVersion);
        if (secret == null) {
            return reject(name, "signed with key version " + keyVersion + ", which the application's cookie secrets"
                    + " do not hold");
        }
        byte[] expected = hmacHex(secret, toSign).getBytes(StandardCharsets.ISO_8859_1);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.ISO_8859_1))) {
            return reject(name, "its signature does not match (signed with another cookie secret, or tampered with)");
        }
        if (!signedName.equals(name)) {
            return reject(name, "it was signed for another cookie name");
        }
        if (time < nowSeconds - maxAge.getSeconds()) {
            return reject(name, "expired: signed " + (nowSeconds - time) + " s ago, more than its maximum age of "
                    + maxAge);
        }
        if (time > nowSeconds + MAX_FUTURE_SECONDS) {
            return reject(name, "dated " + (time - nowSeconds) + " s in the future (a clock far off, or tampering)");
        }
        try {
            return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return reject(name, "its value is not valid base64");
        }
    }

    /**
     * Logs at debug level why a signed cookie was refused (Tornado warns; here a hostile client must not be able
     * to flood the log), and returns null. The client's value is not logged.
     */
    private static String reject(String name, String why) {
        Log.debug("Signed cookie \"" + name + "\" rejected: " + why + "; getSecureCookie returns null");
        return null;
    }

    /** {@code <length in UTF-8 bytes>:<text>}. */
    private static String field(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length + ":" + s;
    }

    /** Reads one {@code n:text|} field at pos[0] and moves past its "|"; null when malformed. */
    private static String readField(String s, int[] pos) {
        if (pos[0] < 0) {
            return null;
        }
        int colon = s.indexOf(':', pos[0]);
        if (colon < 0 || colon - pos[0] > 6 || colon == pos[0]) {
            pos[0] = -1;
            return null;
        }
        int n;
        try {
            n = Integer.parseInt(s.substring(pos[0], colon));
        } catch (NumberFormatException e) {
            pos[0] = -1;
            return null;
        }
        // Lengths count UTF-8 bytes; fields of a valid value are ASCII except the name, which we compare
        // afterwards, so a character count that differs from the byte count only makes it fail.
        int end = colon + 1 + n;
        if (n < 0 || end >= s.length() || s.charAt(end) != '|') {
            pos[0] = -1;
            return null;
        }
        String text = s.substring(colon + 1, end);
        if (text.getBytes(StandardCharsets.UTF_8).length != n) {
            pos[0] = -1;
            return null;
        }
        pos[0] = end + 1;
        return text;
    }

    static String hmacHex(byte[] secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] sig = mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
            return hex(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    static String hex(byte[] b) {
        StringBuilder out = new StringBuilder(b.length * 2);
        for (byte x : b) {
            out.append(Character.forDigit((x >> 4) & 15, 16)).append(Character.forDigit(x & 15, 16));
        }
        return out.toString();
    }
}
