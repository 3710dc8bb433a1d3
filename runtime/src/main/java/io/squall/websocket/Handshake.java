package io.squall.websocket;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.squall.http.HTTPHeaders;

/** The opening handshake's keys and header checks (RFC 6455 section 4). Any thread. */
final class Handshake {
    /** The GUID of section 1.3, appended to the key before hashing. */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {}

    /** @return the {@code Sec-WebSocket-Accept} value for {@code key}: base64(SHA-1(key + GUID)) */
    static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK; the WebSocket handshake needs it", e);
        }
    }

    /** @return a new {@code Sec-WebSocket-Key}: 16 random bytes, base64 */
    static String newKey() {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** @return true if {@code key} is base64 of exactly 16 bytes (section 4.2.1, item 5) */
    static boolean isValidKey(String key) {
        if (key == null || key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @return the comma-separated tokens of every value of {@code name}, trimmed, empty ones dropped */
    static List<String> tokens(HTTPHeaders headers, String name) {
        List<String> out = new ArrayList<>();
        for (String v : headers.getAll(name)) {
            for (String t : v.split(",")) {
                String s = t.trim();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
