package io.squall.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** URL and form helpers (Tornado's {@code httputil}/{@code escape} pieces). */
public final class HTTPUtil {
    private HTTPUtil() {
        throw new AssertionError("no instances");
    }

    /**
     * Decodes percent-escapes as UTF-8. Malformed escapes are kept literally rather than refused, as
     * browsers and Tornado do; invalid UTF-8 becomes U+FFFD.
     *
     * @param s the encoded text
     * @param plusAsSpace true to decode {@code +} as a space (query strings and forms), false for paths
     * @return the decoded text
     */
    public static String urlDecode(String s, boolean plusAsSpace) {
        if (s.indexOf('%') < 0 && (!plusAsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (c == '+' && plusAsSpace) {
                out.write(' ');
            } else if (c < 0x80) {
                out.write(c);
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /**
     * Percent-encodes {@code s} as UTF-8 for a query string or form: unreserved characters stay, a space
     * becomes {@code +}.
     *
     * @param s the text
     * @return the encoded text
     */
    public static String urlEncode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                b.append((char) c);
            } else if (c == ' ') {
                b.append('+');
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }

    /**
     * Parses {@code a=1&b=2&a=3} into names and their values in order; names without {@code =} get an
     * empty value; empty pieces are skipped.
     *
     * @param query the query string without {@code ?}, or a urlencoded form body
     * @return the arguments; unmodifiable
     */
    public static Map<String, List<String>> parseQueryString(String query) {
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String piece : query.split("&")) {
            if (piece.isEmpty()) {
                continue;
            }
            int eq = piece.indexOf('=');
            String name = urlDecode(eq < 0 ? piece : piece.substring(0, eq), true);
            String value = eq < 0 ? "" : urlDecode(piece.substring(eq + 1), true);
            out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        for (Map.Entry<String, List<String>> e : out.entrySet()) {
            e.setValue(Collections.unmodifiableList(e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Encodes arguments as {@code a=1&b=2}, for a query string or a urlencoded form body.
     *
     * @param args names and values
     * @return the encoded text
     */
    public static String encodeQueryString(Map<String, ?> args) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, ?> e : args.entrySet()) {
            Object v = e.getValue();
            Iterable<?> values = v instanceof Iterable ? (Iterable<?>) v : List.of(String.valueOf(v));
            for (Object one : values) {
                if (b.length() > 0) {
                    b.append('&');
                }
                b.append(urlEncode(e.getKey())).append('=').append(urlEncode(String.valueOf(one)));
            }
        }
        return b.toString();
    }

    /**
     * Appends arguments to a URL's query string, keeping the query it has and its fragment (Tornado's
     * {@code url_concat}): {@code urlConcat("/a?x=1#top", Map.of("y", "2"))} is {@code "/a?x=1&y=2#top"}.
     *
     * @param url an absolute or relative URL
     * @param args names and values (an {@code Iterable} value adds the name once per element), encoded as
     *     {@link #encodeQueryString}; empty leaves the URL as it is
     * @return the URL with the arguments
     */
    public static String urlConcat(String url, Map<String, ?> args) {
        String extra = encodeQueryString(args);
        if (extra.isEmpty()) {
            return url;
        }
        int hash = url.indexOf('#');
        String fragment = hash < 0 ? "" : url.substring(hash);
        String rest = hash < 0 ? url : url.substring(0, hash);
        int q = rest.indexOf('?');
        if (q < 0) {
            return rest + "?" + extra + fragment;
        }
        boolean needsAmp = q < rest.length() - 1 && !rest.endsWith("&");
        return rest + (needsAmp ? "&" : "") + extra + fragment;
    }

    /**
     * Parses a request body into arguments and files (Tornado's {@code parse_body_arguments}):
     * {@code application/x-www-form-urlencoded} bodies into {@code arguments}; {@code multipart/form-data}
     * bodies into {@code arguments} (plain fields, decoded with the part's charset, UTF-8 by default) and
     * {@code files} (parts with a file name), with the default limits of {@link MultipartParser}. Other types
     * are left alone.
     *
     * @param contentType the body's Content-Type, may be null
     * @param body the whole body
     * @param arguments receives field names and values, in order (a mutable map)
     * @param files receives field names and files, in order (a mutable map)
     * @throws HTTPError 400 if a multipart body is malformed or over a limit (the reason says what and where)
     */
    public static void parseBodyArguments(String contentType, byte[] body, Map<String, List<String>> arguments,
            Map<String, List<HTTPFile>> files) {
        parseBodyArguments(contentType, body, arguments, files, MultipartParser.DEFAULT_MAX_PARTS,
                MultipartParser.DEFAULT_MAX_PART_HEADER_SIZE);
    }

    /**
     * As {@link #parseBodyArguments(String, byte[], Map, Map)}, with explicit multipart limits.
     *
     * @param contentType the body's Content-Type, may be null
     * @param body the whole body
     * @param arguments receives field names and values
     * @param files receives field names and files
     * @param maxParts the most parts accepted
     * @param maxPartHeaderSize the longest header block of one part, in bytes
     * @throws HTTPError 400 if a multipart body is malformed or over a limit
     */
    public static void parseBodyArguments(String contentType, byte[] body, Map<String, List<String>> arguments,
            Map<String, List<HTTPFile>> files, int maxParts, int maxPartHeaderSize) {
        String type = contentType == null ? "" : contentType.trim().toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/x-www-form-urlencoded")) {
            for (Map.Entry<String, List<String>> e : parseQueryString(new String(body, StandardCharsets.UTF_8))
                    .entrySet()) {
                arguments.computeIfAbsent(e.getKey(), k -> new ArrayList<>(1)).addAll(e.getValue());
            }
        } else if (type.startsWith("multipart/form-data")) {
            MultipartParser parser = new MultipartParser(MultipartParser.boundaryOf(contentType), maxParts,
                    maxPartHeaderSize, new MultipartCollector(arguments, files));
            io.squall.Future<Void> f = parser.feed(body);
            Throwable t = f.exception(); // done: the collector never waits
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            } else if (t != null) {
                throw new IllegalStateException("multipart parsing failed", t);
            }
            parser.finish();
        }
    }
}
