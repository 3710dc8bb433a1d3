package io.squall.http;

import java.time.Duration;
import java.time.Instant;

/**
 * The attributes of a cookie set with {@link RequestHandler#setCookie(String, String, CookieOptions)}
 * (Tornado's {@code set_cookie} keyword arguments). Fluent; the defaults are path "/", no domain, a session
 * cookie (no expiry), not HttpOnly, not Secure, no SameSite.
 *
 * <pre>{@code
 * setCookie("session", id, new CookieOptions().maxAge(Duration.ofDays(7)).httpOnly(true).secure(true)
 *         .sameSite("Lax"));
 * }</pre>
 *
 * Every attribute is checked when set: a value that could end the attribute or inject a header (";",
 * CR, LF, other control characters) is refused with {@link IllegalArgumentException}.
 */
public final class CookieOptions {
    private String path = "/";
    private String domain;
    private Instant expires;
    private Duration maxAge;
    private boolean httpOnly;
    private boolean secure;
    private String sameSite;

    /** Creates the default options: path "/", a session cookie. */
    public CookieOptions() {}

    /**
     * Sets the Path attribute.
     *
     * @param path e.g. "/app", or null for none
     * @return this
     * @throws IllegalArgumentException if it holds ";" or control characters
     */
    public CookieOptions path(String path) {
        this.path = checked("path", path);
        return this;
    }

    /**
     * Sets the Domain attribute.
     *
     * @param domain e.g. "example.com", or null (the cookie then goes only to the host that set it)
     * @return this
     * @throws IllegalArgumentException if it holds ";" or control characters
     */
    public CookieOptions domain(String domain) {
        this.domain = checked("domain", domain);
        return this;
    }

    /**
     * Sets the Expires attribute.
     *
     * @param when the moment the cookie expires, or null
     * @return this
     */
    public CookieOptions expires(Instant when) {
        this.expires = when;
        return this;
    }

    /**
     * Sets Max-Age (and Expires, for old clients) to {@code maxAge} from now; zero or negative deletes the
     * cookie.
     *
     * @param maxAge how long the client keeps it, or null for a session cookie
     * @return this
     */
    public CookieOptions maxAge(Duration maxAge) {
        this.maxAge = maxAge;
        return this;
    }

    /**
     * Sets HttpOnly: scripts in the page cannot read the cookie.
     *
     * @param on true to set it
     * @return this
     */
    public CookieOptions httpOnly(boolean on) {
        this.httpOnly = on;
        return this;
    }

    /**
     * Sets Secure: the client sends the cookie over HTTPS only.
     *
     * @param on true to set it
     * @return this
     */
    public CookieOptions secure(boolean on) {
        this.secure = on;
        return this;
    }

    /**
     * Sets SameSite.
     *
     * @param value "Strict", "Lax" or "None" (any case; "None" needs {@link #secure(boolean)}), or null
     * @return this
     * @throws IllegalArgumentException for any other value
     */
    public CookieOptions sameSite(String value) {
        if (value == null) {
            this.sameSite = null;
            return this;
        }
        switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "strict": this.sameSite = "Strict"; break;
            case "lax": this.sameSite = "Lax"; break;
            case "none": this.sameSite = "None"; break;
            default:
                throw new IllegalArgumentException("SameSite must be Strict, Lax or None, not " + value);
        }
        return this;
    }

    /** @return the path, or null */
    public String path() {
        return path;
    }

    /** @return the domain, or null */
    public String domain() {
        return domain;
    }

    /**
     * Renders {@code name=value} with these attributes, the value of a Set-Cookie header.
     *
     * @param name the cookie name, an HTTP token
     * @param value printable ASCII without spaces, double quotes, commas, semicolons or backslashes
     * @param nowSeconds the current time, Unix seconds (for Expires from Max-Age)
     * @return the header value
     * @throws IllegalArgumentException if the name or value is not allowed (the message names the character and
     *     what is allowed), or SameSite=None without Secure
     * @throws NullPointerException if the name or value is null
     */
    public String render(String name, String value, long nowSeconds) {
        checkCookieName(name);
        java.util.Objects.requireNonNull(value, () -> "The value of cookie " + name + " is null; to delete a cookie,"
                + " call clearCookie(\"" + name + "\")");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') {
                throw new IllegalArgumentException("Invalid character " + String.format("U+%04X", (int) c)
                        + " in the value of cookie " + name + ": a cookie value is printable ASCII without spaces,"
                        + " double quotes, commas, semicolons or backslashes; percent-encode it first"
                        + " (URLEncoder.encode(value, StandardCharsets.UTF_8)) and decode it where you read it, or"
                        + " use setSecureCookie, which encodes any value");
            }
        }
        if ("None".equals(sameSite) && !secure) {
            throw new IllegalArgumentException("Cookie " + name + ": SameSite=None needs Secure (browsers drop it"
                    + " otherwise); add .secure(true)");
        }
        StringBuilder b = new StringBuilder(name.length() + value.length() + 64).append(name).append('=').append(value);
        if (path != null) {
            b.append("; Path=").append(path);
        }
        if (domain != null) {
            b.append("; Domain=").append(domain);
        }
        if (maxAge != null) {
            long seconds = Math.max(0, maxAge.getSeconds());
            b.append("; Max-Age=").append(seconds).append("; Expires=").append(HTTPDate.format(nowSeconds + seconds));
        } else if (expires != null) {
            b.append("; Expires=").append(HTTPDate.format(expires.getEpochSecond()));
        }
        if (httpOnly) {
            b.append("; HttpOnly");
        }
        if (secure) {
            b.append("; Secure");
        }
        if (sameSite != null) {
            b.append("; SameSite=").append(sameSite);
        }
        return b.toString();
    }

    /**
     * Checks a cookie name: an HTTP token (RFC 6265 4.1.1), so that it can neither end the header nor be read
     * as another cookie or attribute.
     */
    static void checkCookieName(String name) {
        java.util.Objects.requireNonNull(name, "cookie name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("Cookie name is empty");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !Chars.isToken((byte) c)) {
                throw new IllegalArgumentException("Invalid character " + String.format("U+%04X", (int) c)
                        + " in cookie name \"" + name.replace("\r", "\\r").replace("\n", "\\n") + "\": a cookie"
                        + " name is an HTTP token: letters, digits and !#$%&'*+-.^_`|~ only (no spaces, no"
                        + " ()<>@,;:\\\"/[]?={}, no control characters)");
            }
        }
    }

    private static String checked(String what, String v) {
        if (v == null) {
            return null;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == ';') {
                throw new IllegalArgumentException("Invalid character " + String.format("U+%04X", (int) c)
                        + " in the cookie " + what + " " + v.replace("\r", "\\r").replace("\n", "\\n"));
            }
        }
        return v;
    }
}
