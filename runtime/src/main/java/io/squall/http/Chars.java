package io.squall.http;

/** Byte classes of the HTTP grammar (RFC 9110 section 5.6.2). */
final class Chars {
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private Chars() {
        throw new AssertionError("no instances");
    }

    /** True for a tchar: letters, digits and {@code !#$%&'*+-.^_`|~}. */
    static boolean isToken(byte b) {
        return b >= 0 && TOKEN[b];
    }

    /** True for space and horizontal tab. */
    static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    /** True for a control character that may not appear in a field value: CTLs except HTAB, and DEL. */
    static boolean isBadValueByte(byte b) {
        return (b >= 0 && b < 0x20 && b != '\t') || b == 0x7f;
    }
}
