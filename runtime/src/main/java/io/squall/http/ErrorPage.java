package io.squall.http;

import java.nio.charset.StandardCharsets;

/** The default HTML error page, as Tornado writes it: no stack trace, no message from the exception. */
final class ErrorPage {
    private ErrorPage() {
        throw new AssertionError("no instances");
    }

    /** Returns {@code <html><title>404: Not Found</title>...} as UTF-8. */
    static byte[] html(int status, String reason) {
        String r = escape(reason == null ? HTTPStatus.reasonOrUnknown(status) : reason);
        return ("<html><title>" + status + ": " + r + "</title><body>" + status + ": " + r + "</body></html>")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }
}
