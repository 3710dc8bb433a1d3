package io.squall.http;

/** Escaping helpers for HTML and URL paths (Tornado's {@code tornado.escape}). */
public final class Escape {
    private Escape() {
        throw new AssertionError("no instances");
    }

    /**
     * Escapes text for HTML or XML element content and quoted attribute values (Tornado's
     * {@code xhtml_escape}): {@code & < > " '} become entities. Not enough for unquoted attributes,
     * URLs in {@code href} (check the scheme) or script content.
     *
     * @param text the text, or null (rendered as "")
     * @return the escaped text
     */
    public static String xhtmlEscape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String rep;
            switch (c) {
                case '&': rep = "&amp;"; break;
                case '<': rep = "&lt;"; break;
                case '>': rep = "&gt;"; break;
                case '"': rep = "&quot;"; break;
                case '\'': rep = "&#39;"; break;
                default: rep = null;
            }
            if (rep != null) {
                if (b == null) {
                    b = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                b.append(rep);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? text : b.toString();
    }

    /**
     * Percent-encodes text as UTF-8 for a URL path: unreserved characters stay, and "/" stays when
     * {@code keepSlash} (a space becomes {@code %20}, never {@code +}).
     *
     * @param text the text
     * @param keepSlash true to leave "/" as it is (for a path), false to encode it (for one segment)
     * @return the encoded text
     */
    public static String urlEscapePath(String text, boolean keepSlash) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (byte x : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.' || c == '~' || (c == '/' && keepSlash)) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
