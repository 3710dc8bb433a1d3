package io.squall.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * HTTP headers: a case-insensitive multi-map that keeps the order in which fields were added
 * (Tornado's {@code HTTPHeaders}). Not thread-safe.
 *
 * <p>Names must be HTTP tokens and values must not contain CR, LF or other control characters (except
 * horizontal tab): this is what keeps a handler from injecting headers or splitting a response, so
 * {@link #add} and {@link #set} refuse such input with an {@link IllegalArgumentException}.
 */
public final class HTTPHeaders {
    /** Names and values interleaved: name0, value0, name1, value1, ... */
    private final ArrayList<String> fields = new ArrayList<>(16);

    /** Creates empty headers. */
    public HTTPHeaders() {}

    /**
     * Creates a copy of {@code other}.
     *
     * @param other the headers to copy
     */
    public HTTPHeaders(HTTPHeaders other) {
        fields.addAll(other.fields);
    }

    /**
     * Appends a field; earlier fields with the same name are kept.
     *
     * @param name the field name, an HTTP token
     * @param value the field value
     * @return this
     * @throws IllegalArgumentException if the name is not a token or the value holds CR, LF or another
     *     control character
     */
    public HTTPHeaders add(String name, String value) {
        checkName(name);
        checkValue(name, value);
        fields.add(name);
        fields.add(value);
        return this;
    }

    /** Appends without validation: for values the parser has already checked. */
    void addTrusted(String name, String value) {
        fields.add(name);
        fields.add(value);
    }

    /**
     * Replaces every field named {@code name} with one field holding {@code value}.
     *
     * @param name the field name, an HTTP token
     * @param value the field value
     * @return this
     * @throws IllegalArgumentException if the name or value is invalid (see {@link #add})
     */
    public HTTPHeaders set(String name, String value) {
        checkName(name);
        checkValue(name, value);
        int i = indexOf(name, 0);
        if (i < 0) {
            fields.add(name);
            fields.add(value);
            return this;
        }
        fields.set(i, name);
        fields.set(i + 1, value);
        int j;
        while ((j = indexOf(name, i + 2)) >= 0) {
            fields.remove(j + 1);
            fields.remove(j);
        }
        return this;
    }

    /**
     * Returns the first value of the field, or null.
     *
     * @param name the field name, any case
     * @return the first value or null when absent
     */
    public String get(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : fields.get(i + 1);
    }

    /**
     * Returns the first value of the field, or {@code defaultValue}.
     *
     * @param name the field name, any case
     * @param defaultValue returned when the field is absent
     * @return the first value or the default
     */
    public String get(String name, String defaultValue) {
        String v = get(name);
        return v == null ? defaultValue : v;
    }

    /**
     * Returns every value of the field, in order.
     *
     * @param name the field name, any case
     * @return the values, empty when absent; unmodifiable
     */
    public List<String> getAll(String name) {
        List<String> out = null;
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 2)) {
            if (out == null) {
                out = new ArrayList<>(2);
            }
            out.add(fields.get(i + 1));
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    /**
     * Tells whether a field with this name is present.
     *
     * @param name the field name, any case
     * @return true if present
     */
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    /**
     * Tells whether the comma-separated values of the field contain {@code token}, ignoring case, as in
     * {@code Connection: keep-alive, Upgrade}.
     *
     * @param name the field name
     * @param token the token to look for
     * @return true if one of the list elements equals the token
     */
    public boolean containsToken(String name, String token) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 2)) {
            for (String part : fields.get(i + 1).split(",")) {
                if (part.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Removes every field with this name.
     *
     * @param name the field name, any case
     * @return true if something was removed
     */
    public boolean remove(String name) {
        boolean removed = false;
        int i;
        while ((i = indexOf(name, 0)) >= 0) {
            fields.remove(i + 1);
            fields.remove(i);
            removed = true;
        }
        return removed;
    }

    /** Removes every field. */
    public void clear() {
        fields.clear();
    }

    /**
     * Returns the distinct field names, in the case and order of their first occurrence.
     *
     * @return the names; a copy
     */
    public Set<String> names() {
        Set<String> lower = new LinkedHashSet<>();
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < fields.size(); i += 2) {
            if (lower.add(fields.get(i).toLowerCase(Locale.ROOT))) {
                out.add(fields.get(i));
            }
        }
        return out;
    }

    /**
     * Calls {@code action} with every field, in order (a name appears once per value).
     *
     * @param action receives name and value
     */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < fields.size(); i += 2) {
            action.accept(fields.get(i), fields.get(i + 1));
        }
    }

    /**
     * Returns the number of fields (a name with two values counts twice).
     *
     * @return the field count
     */
    public int size() {
        return fields.size() / 2;
    }

    /**
     * Tells whether there are no fields.
     *
     * @return true when empty
     */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /** Appends {@code Name: value\r\n} for every field, as ISO-8859-1. */
    void writeTo(ByteArrayBuilder out) {
        for (int i = 0; i < fields.size(); i += 2) {
            out.appendLatin1(fields.get(i));
            out.append((byte) ':');
            out.append((byte) ' ');
            out.appendLatin1(fields.get(i + 1));
            out.append((byte) '\r');
            out.append((byte) '\n');
        }
    }

    private int indexOf(String name, int from) {
        for (int i = from; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Checks that {@code name} is an HTTP token.
     *
     * @param name the name
     * @throws IllegalArgumentException if not
     */
    static void checkName(String name) {
        Objects.requireNonNull(name, "header name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Header name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !Chars.isToken((byte) c)) {
                throw new IllegalArgumentException("Invalid character " + describe(c) + " in header name "
                        + quote(name) + ": names must be HTTP tokens (no spaces, colons, CR or LF)");
            }
        }
    }

    /**
     * Checks that {@code value} holds no control characters other than tab, and nothing above U+00FF.
     *
     * @param name the field name, for the message
     * @param value the value
     * @throws IllegalArgumentException if it does
     */
    static void checkValue(String name, String value) {
        Objects.requireNonNull(value, "header value");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("Invalid character " + describe(c) + " in the value of header "
                        + quote(name) + ": CR, LF and other control characters are refused (header injection);"
                        + " encode the value (e.g. percent-encoding) first");
            }
        }
    }

    private static String describe(char c) {
        return String.format("U+%04X", (int) c);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > 64 ? "...\"" : "\"").toString();
    }

    /** Renders the fields one per line, as on the wire. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        forEach((n, v) -> b.append(n).append(": ").append(v).append('\n'));
        return b.toString();
    }
}
