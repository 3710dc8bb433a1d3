package io.squall.websocket;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code Sec-WebSocket-Extensions} values (RFC 6455 section 9.1): a comma-separated list of
 * extensions, each a token followed by {@code ;}-separated parameters, {@code name} or {@code name=value}
 * (a value may be a quoted string).
 */
final class Extensions {
    /** One extension offer or answer: its name and parameters in order (a parameter without value has null). */
    static final class Extension {
        final String name;
        final List<String[]> params = new ArrayList<>();

        Extension(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(name);
            for (String[] p : params) {
                b.append("; ").append(p[0]);
                if (p[1] != null) {
                    b.append('=').append(p[1]);
                }
            }
            return b.toString();
        }
    }

    private Extensions() {}

    /**
     * Parses all values of the header (several headers are one list).
     *
     * @param values the header values, may be empty
     * @return the extensions in order
     * @throws IllegalArgumentException if a value is malformed
     */
    static List<Extension> parse(List<String> values) {
        List<Extension> out = new ArrayList<>();
        for (String value : values) {
            for (String item : splitOutsideQuotes(value, ',')) {
                if (item.isBlank()) {
                    continue;
                }
                List<String> parts = splitOutsideQuotes(item, ';');
                String name = parts.get(0).trim();
                checkToken(name, item);
                Extension e = new Extension(name);
                for (int i = 1; i < parts.size(); i++) {
                    String p = parts.get(i).trim();
                    int eq = p.indexOf('=');
                    String pn = (eq < 0 ? p : p.substring(0, eq)).trim();
                    String pv = eq < 0 ? null : p.substring(eq + 1).trim();
                    checkToken(pn, item);
                    if (pv != null && pv.length() >= 2 && pv.startsWith("\"") && pv.endsWith("\"")) {
                        pv = pv.substring(1, pv.length() - 1);
                    }
                    if (pv != null) {
                        checkToken(pv, item);
                    }
                    e.params.add(new String[] {pn, pv});
                }
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> splitOutsideQuotes(String s, char sep) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    private static void checkToken(String t, String item) {
        if (t.isEmpty()) {
            throw new IllegalArgumentException("Malformed Sec-WebSocket-Extensions item '" + item + "': empty name");
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("Malformed Sec-WebSocket-Extensions item '" + item
                        + "': '" + t + "' is not a token");
            }
        }
    }
}
