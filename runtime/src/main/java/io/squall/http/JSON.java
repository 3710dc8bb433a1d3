package io.squall.http;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * A small, strict JSON encoder (Tornado's {@code json_encode}) and decoder ({@code json_decode},
 * {@link #decode(String)}). The encoder takes maps (keys rendered with
 * {@code String.valueOf}), lists and other iterables, arrays, strings and chars, numbers, booleans and null.
 *
 * <p>Like Tornado, {@code "</"} is written as {@code "<\/"} so the output can be embedded in an HTML
 * script element; U+2028 and U+2029 are escaped for the same reason.
 */
public final class JSON {
    /** Deeper nesting than this is taken for a cycle. */
    private static final int MAX_DEPTH = 512;

    private JSON() {
        throw new AssertionError("no instances");
    }

    /**
     * Encodes {@code value} as JSON text.
     *
     * @param value a Map, Iterable, array, CharSequence, Character, Number, Boolean or null, nested freely
     * @return the JSON text
     * @throws IllegalArgumentException for other types, NaN or infinite numbers, or nesting deeper than
     *     512 levels (usually a map that contains itself)
     */
    public static String encode(Object value) {
        StringBuilder out = new StringBuilder(64);
        write(out, value, 0);
        return out.toString();
    }

    /**
     * Decodes JSON text (RFC 8259, strictly): objects become {@code LinkedHashMap<String, Object>} in
     * document order, arrays {@code ArrayList<Object>}, strings {@code String}, integers {@code Long} (or
     * {@code BigInteger} beyond 64 bits), other numbers {@code Double} (or {@code BigDecimal} beyond its
     * range), {@code true}/{@code false} {@code Boolean}, and {@code null} null. Refused: comments, trailing
     * commas, single quotes, NaN, leading zeros, raw control characters in strings, duplicate keys, and
     * nesting deeper than 512 levels.
     *
     * @param text the JSON text
     * @return the value
     * @throws JSONDecodeError if the text is not valid JSON; the message names the line and column
     */
    public static Object decode(String text) {
        return JSONParser.parse(text);
    }

    private static void write(StringBuilder out, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON.encode: nesting deeper than " + MAX_DEPTH
                    + " levels; does a map or list contain itself?");
        }
        if (v == null) {
            out.append("null");
        } else if (v instanceof CharSequence || v instanceof Character) {
            writeString(out, v.toString());
        } else if (v instanceof Boolean) {
            out.append(((Boolean) v).booleanValue());
        } else if (v instanceof Number) {
            writeNumber(out, (Number) v);
        } else if (v instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue(), depth + 1);
            }
            out.append('}');
        } else if (v instanceof Iterable) {
            out.append('[');
            boolean first = true;
            for (Object item : (Iterable<?>) v) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(out, item, depth + 1);
            }
            out.append(']');
        } else if (v.getClass().isArray()) {
            out.append('[');
            int n = java.lang.reflect.Array.getLength(v);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, java.lang.reflect.Array.get(v, i), depth + 1);
            }
            out.append(']');
        } else {
            throw new IllegalArgumentException("JSON.encode: cannot encode a " + v.getClass().getName()
                    + "; convert it to a Map, List, String, Number or Boolean first");
        }
    }

    private static void writeNumber(StringBuilder out, Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON.encode: " + d + " has no JSON representation");
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append((long) d).append(".0");
            } else {
                out.append(n instanceof Float ? Float.toString(n.floatValue()) : Double.toString(d));
            }
        } else if (n instanceof BigDecimal) {
            out.append(((BigDecimal) n).toString());
        } else if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof BigInteger || n instanceof java.util.concurrent.atomic.AtomicInteger
                || n instanceof java.util.concurrent.atomic.AtomicLong) {
            out.append(n.toString());
        } else {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON.encode: " + d + " has no JSON representation");
            }
            out.append(new BigDecimal(n.toString()).toString());
        }
    }

    private static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                case '/':
                    if (i > 0 && s.charAt(i - 1) == '<') {
                        out.append("\\/");
                    } else {
                        out.append('/');
                    }
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
