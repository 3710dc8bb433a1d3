package io.squall.http;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.squall.Future;

/**
 * Redirects every GET and HEAD of its route (Tornado's {@code RedirectHandler}), 301 by default. The target
 * may use the route's groups as {@code {0}}, {@code {1}}, ...; each is percent-encoded ("/" kept), and the
 * request's query string is carried over:
 *
 * <pre>{@code
 * app.addHandler("/docs/(.*)", () -> new RedirectHandler("/manual/{0}"));      // 301
 * app.addHandler("/old", () -> new RedirectHandler("https://example.com/", false));   // 302
 * }</pre>
 *
 * <p>A target that would start with {@code //} only because of a group (a protocol-relative URL to another
 * host, e.g. from {@code /docs//evil.example}) is collapsed to one {@code /}: a group never changes the host.
 */
public class RedirectHandler extends RequestHandler {
    private final String url;
    private final boolean permanent;

    /**
     * Creates a permanent (301) redirect.
     *
     * @param url the target, with {@code {n}} for the route's groups
     */
    public RedirectHandler(String url) {
        this(url, true);
    }

    /**
     * Creates a redirect.
     *
     * @param url the target, with {@code {n}} for the route's groups
     * @param permanent true for 301, false for 302
     */
    public RedirectHandler(String url, boolean permanent) {
        this.url = Objects.requireNonNull(url, "url");
        this.permanent = permanent;
    }

    @Override
    public Future<?> get(String... args) {
        String to = format(url, args);
        String query = request().query();
        if (!query.isEmpty()) {
            to += (to.indexOf('?') < 0 ? "?" : "&") + query;
        }
        redirect(to, permanent);
        return null;
    }

    @Override
    public Future<?> head(String... args) {
        return get(args);
    }

    /**
     * Replaces {@code {n}} by the n-th group, percent-encoded; {@code {{} and {@code }}} stand for braces.
     *
     * @throws IllegalArgumentException if a placeholder names a group the route does not have
     */
    static String format(String template, String[] args) {
        StringBuilder b = new StringBuilder(template.length() + 16);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '{' && template.startsWith("{{", i)) {
                b.append('{');
                i++;
            } else if (c == '}' && template.startsWith("}}", i)) {
                b.append('}');
                i++;
            } else if (c == '{') {
                int close = template.indexOf('}', i);
                int n;
                try {
                    n = close < 0 ? -1 : Integer.parseInt(template.substring(i + 1, close));
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n < 0 || n >= args.length) {
                    throw new IllegalArgumentException("RedirectHandler target " + template + " has a placeholder"
                            + " that is not one of the route's " + args.length + " groups ({0} is the first)");
                }
                b.append(encode(args[n] == null ? "" : args[n]));
                i = close;
            } else {
                b.append(c);
            }
        }
        String out = b.toString();
        if (!template.startsWith("//") && out.startsWith("//")) {
            int k = 0;
            while (k < out.length() && (out.charAt(k) == '/' || out.charAt(k) == '\\')) {
                k++;
            }
            out = "/" + out.substring(k);
        }
        return out;
    }

    private static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b.toString();
    }
}
