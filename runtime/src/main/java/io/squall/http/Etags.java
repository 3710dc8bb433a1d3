package io.squall.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** Conditional GET for dynamic responses: ETags of buffered bodies and If-None-Match (RFC 9110 13.1.2). */
final class Etags {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** One digest per loop thread: MessageDigest.getInstance's provider lookup would cost more than the hash. */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    });

    private Etags() {
        throw new AssertionError("no instances");
    }

    /**
     * Called by {@code finish()} before the headers go out: a 200 answer to GET or HEAD with no ETag yet gets
     * one, and becomes a 304 with no body if the client's If-None-Match matches it (as Tornado's finish).
     */
    static void beforeFinish(RequestHandler h) {
        String method = h.request().method();
        if (h.getStatus() != 200 || !(method.equals("GET") || method.equals("HEAD"))
                || h.responseHeaders().contains("ETag")) {
            return;
        }
        h.setEtagHeader();
        if (h.checkEtagHeader()) {
            h.discardBuffer();
            h.setStatus(304);
        }
    }

    /** A 304 describes no representation of its own (RFC 9110 15.4.5; Tornado clears the same ones). */
    static void clearRepresentationHeaders(HTTPHeaders headers) {
        headers.remove("Content-Encoding");
        headers.remove("Content-Language");
        headers.remove("Content-Type");
    }

    /** @return the quoted hex SHA-1 of the chunks, a strong ETag */
    static String sha1(List<byte[]> chunks) {
        MessageDigest md = SHA1.get();
        for (byte[] c : chunks) {
            md.update(c);
        }
        byte[] d = md.digest();
        char[] out = new char[d.length * 2 + 2];
        out[0] = '"';
        for (int i = 0; i < d.length; i++) {
            out[1 + 2 * i] = HEX[(d[i] >> 4) & 15];
            out[2 + 2 * i] = HEX[d[i] & 15];
        }
        out[out.length - 1] = '"';
        return new String(out);
    }

    /**
     * Weak comparison of If-None-Match against the response's ETag: {@code *} matches any tag; otherwise
     * one listed tag, {@code W/} prefixes ignored, must equal it.
     *
     * @param ifNoneMatch the header's values (may be several headers, each a comma-separated list)
     * @param etag the response's ETag, or null
     */
    static boolean matches(List<String> ifNoneMatch, String etag) {
        if (etag == null || etag.isEmpty() || ifNoneMatch.isEmpty()) {
            return false;
        }
        String mine = opaque(etag.trim());
        for (String header : ifNoneMatch) {
            int i = 0;
            int n = header.length();
            while (i < n) {
                char c = header.charAt(i);
                if (c == ' ' || c == '\t' || c == ',') {
                    i++;
                } else if (c == '*') {
                    return true;
                } else {
                    int start = i;
                    if (header.startsWith("W/", i)) {
                        i += 2;
                    }
                    if (i < n && header.charAt(i) == '"') {
                        int close = header.indexOf('"', i + 1);
                        if (close < 0) {
                            return false; // malformed: no match, the full response is sent
                        }
                        if (opaque(header.substring(start, close + 1)).equals(mine)) {
                            return true;
                        }
                        i = close + 1;
                    } else {
                        int comma = header.indexOf(',', i);
                        i = comma < 0 ? n : comma + 1; // not an entity-tag: skipped
                    }
                }
            }
        }
        return false;
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }
}
