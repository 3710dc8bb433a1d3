package io.squall.http;

import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Cross-site request forgery protection by double submission (Tornado's {@code xsrf_cookies}): the
 * {@code _xsrf} cookie holds a random token; a form or script sends the same token back in an
 * {@code _xsrf} argument or an {@code X-XSRFToken}/{@code X-CSRFToken} header, which another site's page
 * cannot read and so cannot forge.
 *
 * <p>The token is sent masked, in Tornado's format version 2 ({@code 2|mask|masked token|time}, hex):
 * each page gets a fresh random mask, so a compressed HTTPS response never repeats the token's bytes
 * (the BREACH attack). Tokens are compared unmasked, in constant time. Tornado's unmasked version 1
 * tokens (32 hex digits) are accepted too, so a service moved from Tornado keeps its users' cookies.
 */
public final class Xsrf {
    /** The cookie and argument name. */
    public static final String NAME = "_xsrf";
    private static final int TOKEN_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Xsrf() {
        throw new AssertionError("no instances");
    }

    /** A decoded token: its raw bytes and when it was made. */
    static final class Token {
        final byte[] raw;
        final long timestamp;

        Token(byte[] raw, long timestamp) {
            this.raw = raw;
            this.timestamp = timestamp;
        }
    }

    /** @return a new random token made now */
    static Token newToken(long nowSeconds) {
        byte[] raw = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(raw);
        return new Token(raw, nowSeconds);
    }

    /** Encodes {@code t} with a fresh random mask (version 2). */
    static String encode(Token t) {
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        return "2|" + SecureCookies.hex(mask) + "|" + SecureCookies.hex(mask(mask, t.raw)) + "|" + t.timestamp;
    }

    /**
     * Decodes a token from a cookie, argument or header.
     *
     * @param s the encoded token, may be null
     * @return the token, or null if absent or malformed
     */
    static Token decode(String s) {
        if (s == null || s.isEmpty() || s.length() > 256) {
            return null;
        }
        if (s.startsWith("2|")) {
            String[] parts = s.split("\\|", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] mask = unhex(parts[1]);
            byte[] masked = unhex(parts[2]);
            if (mask == null || mask.length != 4 || masked == null || masked.length == 0) {
                return null;
            }
            long ts;
            try {
                ts = Long.parseLong(parts[3]);
            } catch (NumberFormatException e) {
                return null;
            }
            return new Token(mask(mask, masked), ts);
        }
        byte[] raw = unhex(s);
        if (raw == null || raw.length != TOKEN_BYTES) {
            return null;
        }
        return new Token(raw, 0);
    }

    /**
     * Checks the token a request carries against its {@code _xsrf} cookie.
     *
     * @param sent the token from the argument or header, may be null
     * @param cookie the cookie's value, may be null
     * @param method the request method, for the message
     * @throws HTTPError 403 when the token is missing, malformed or does not match the cookie
     */
    static void check(String sent, String cookie, String method) {
        if (sent == null) {
            throw new HTTPError(403, "'_xsrf' argument missing from " + method);
        }
        Token given = decode(sent);
        if (given == null) {
            throw new HTTPError(403, "'_xsrf' argument has invalid format");
        }
        Token expected = decode(cookie);
        if (expected == null || !MessageDigest.isEqual(given.raw, expected.raw)) {
            throw new HTTPError(403, "XSRF cookie does not match " + method + " argument");
        }
    }

    /** XORs {@code data} with the repeated 4-byte {@code mask} (as a WebSocket mask). */
    private static byte[] mask(byte[] mask, byte[] data) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) (data[i] ^ mask[i & 3]);
        }
        return out;
    }

    private static byte[] unhex(String s) {
        if ((s.length() & 1) != 0) {
            return null;
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = hexDigit(s.charAt(2 * i));
            int lo = hexDigit(s.charAt(2 * i + 1));
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static int hexDigit(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }
}
