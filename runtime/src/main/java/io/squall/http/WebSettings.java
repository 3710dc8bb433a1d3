package io.squall.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The settings of an {@link Application} (Tornado's {@code Application.settings}): the cookie secret for
 * signed cookies, XSRF protection, the static file directory, response compression and the handler for
 * unmatched paths. Get it with {@link Application#settings()} and configure it before serving:
 *
 * <pre>{@code
 * Application app = new Application().addHandler("/", MainHandler.class);
 * app.settings().cookieSecret(System.getenv("COOKIE_SECRET"))
 *         .xsrfCookies(true)
 *         .staticPath(Path.of("static"))
 *         .compressResponse(true);
 * }</pre>
 *
 * <p>Every setting is off until set. The fields are volatile: an application may serve servers on several
 * loops, and they all see a change; change settings before serving, not while requests run.
 */
public final class WebSettings {
    private volatile Map<Integer, byte[]> cookieSecrets = Map.of();
    private volatile int cookieKeyVersion;
    private volatile boolean xsrfCookies;
    private volatile CookieOptions xsrfCookieOptions = new CookieOptions().sameSite("Lax");
    private volatile Path staticPath;
    private volatile String staticUrlPrefix = "/static/";
    private volatile boolean compressResponse;
    private volatile Supplier<? extends RequestHandler> defaultHandler;
    private volatile int maxMultipartParts = MultipartParser.DEFAULT_MAX_PARTS;
    private volatile int maxMultipartHeaderSize = MultipartParser.DEFAULT_MAX_PART_HEADER_SIZE;
    private volatile String loginUrl;
    private volatile java.util.function.Consumer<? super RequestHandler> logFunction;
    private volatile boolean serveTraceback;

    WebSettings() {}

    /**
     * Sets the one secret that signs cookies ({@link RequestHandler#setSecureCookie}); Tornado's
     * {@code cookie_secret}. Keep it out of source control; 32 random bytes or more.
     *
     * @param secret the secret, at least 16 characters
     * @return this
     * @throws IllegalArgumentException if the secret is shorter than 16 characters
     */
    public WebSettings cookieSecret(String secret) {
        return cookieSecrets(Map.of(0, secret), 0);
    }

    /**
     * Sets several secrets for key rotation (Tornado's {@code cookie_secret} dict with {@code key_version}):
     * new cookies are signed with {@code currentVersion}'s secret, and cookies signed with any secret in
     * the map are still accepted. To rotate: add a new version, make it current, and drop the old one once
     * the cookies signed with it have expired.
     *
     * @param secrets key versions to secrets, each at least 16 characters
     * @param currentVersion the version that signs new cookies; must be in {@code secrets}
     * @return this
     * @throws IllegalArgumentException if a secret is too short, a version is negative, or the current
     *     version is missing
     */
    public WebSettings cookieSecrets(Map<Integer, String> secrets, int currentVersion) {
        Map<Integer, byte[]> copy = new LinkedHashMap<>();
        for (Map.Entry<Integer, String> e : secrets.entrySet()) {
            Objects.requireNonNull(e.getValue(), "cookie secret");
            if (e.getKey() == null || e.getKey() < 0) {
                throw new IllegalArgumentException("Cookie key version " + e.getKey() + " must be 0 or more");
            }
            if (e.getValue().length() < 16) {
                throw new IllegalArgumentException("Cookie secret of key version " + e.getKey() + " has "
                        + e.getValue().length() + " characters; use at least 16 (32 random bytes, base64, is good)");
            }
            copy.put(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        if (!copy.containsKey(currentVersion)) {
            throw new IllegalArgumentException("Current cookie key version " + currentVersion
                    + " is not among the secrets' versions " + copy.keySet());
        }
        this.cookieSecrets = Collections.unmodifiableMap(copy);
        this.cookieKeyVersion = currentVersion;
        return this;
    }

    /** @return key versions to secrets (UTF-8); empty when no secret is set */
    Map<Integer, byte[]> cookieSecrets() {
        return cookieSecrets;
    }

    /** @return the key version that signs new cookies */
    int cookieKeyVersion() {
        return cookieKeyVersion;
    }

    /**
     * Turns XSRF protection on or off (Tornado's {@code xsrf_cookies}): when on, every POST, PUT, PATCH and
     * DELETE must carry the token of {@link RequestHandler#xsrfToken()} in an {@code _xsrf} argument or an
     * {@code X-XSRFToken} / {@code X-CSRFToken} header, matching the {@code _xsrf} cookie, or it is answered
     * 403.
     *
     * @param on true to check
     * @return this
     */
    public WebSettings xsrfCookies(boolean on) {
        this.xsrfCookies = on;
        return this;
    }

    /** @return true when XSRF protection is on */
    public boolean xsrfCookies() {
        return xsrfCookies;
    }

    /**
     * Sets the attributes of the {@code _xsrf} cookie (Tornado's {@code xsrf_cookie_kwargs}), e.g.
     * {@code new CookieOptions().secure(true).sameSite("Strict")} on an HTTPS site. Default: path "/",
     * SameSite=Lax, a session cookie. Not HttpOnly: a script reads it to send the X-XSRFToken header.
     *
     * @param options the attributes
     * @return this
     */
    public WebSettings xsrfCookieOptions(CookieOptions options) {
        this.xsrfCookieOptions = java.util.Objects.requireNonNull(options, "options");
        return this;
    }

    /** @return the attributes of the {@code _xsrf} cookie */
    public CookieOptions xsrfCookieOptions() {
        return xsrfCookieOptions;
    }

    /**
     * Serves the files under {@code dir} at {@link #staticUrlPrefix(String)} (default {@code /static/})
     * with a {@link StaticFileHandler}, before any route (Tornado's {@code static_path}), and makes
     * {@link RequestHandler#staticUrl(String)} work. As in Tornado, {@code /favicon.ico} and
     * {@code /robots.txt} are served from the same directory.
     *
     * @param dir the directory, or null to serve none
     * @return this
     */
    public WebSettings staticPath(Path dir) {
        this.staticPath = dir;
        return this;
    }

    /** @return the static directory, or null */
    public Path staticPath() {
        return staticPath;
    }

    /**
     * Sets the URL prefix of static files (Tornado's {@code static_url_prefix}).
     *
     * @param prefix starts and ends with "/", e.g. "/assets/"
     * @return this
     * @throws IllegalArgumentException if the prefix does not start and end with "/"
     */
    public WebSettings staticUrlPrefix(String prefix) {
        if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
            throw new IllegalArgumentException("Static URL prefix " + prefix + " must start and end with /");
        }
        this.staticUrlPrefix = prefix;
        return this;
    }

    /** @return the static URL prefix */
    public String staticUrlPrefix() {
        return staticUrlPrefix;
    }

    /**
     * Turns gzip compression of responses on or off (Tornado's {@code compress_response}): a response is
     * compressed when the client accepts gzip, its type is textual (HTML, CSS, JavaScript, JSON, XML,
     * SVG, plain text...), it has no Content-Encoding yet and, if written at once, is at least 1 KiB.
     * Such responses carry {@code Vary: Accept-Encoding}.
     *
     * @param on true to compress
     * @return this
     */
    public WebSettings compressResponse(boolean on) {
        this.compressResponse = on;
        return this;
    }

    /** @return true when responses are compressed */
    public boolean compressResponse() {
        return compressResponse;
    }

    /**
     * Turns the debugging error page on or off (Tornado's {@code serve_traceback}, part of its
     * {@code debug=True}): when a handler fails with an exception, the error response is the exception's stack
     * trace as {@code text/plain}, async frames included ({@code io.squall.Async.await(awaited by)} and the
     * awaiting coroutines), instead of the short "500: Internal Server Error" page. Off by default; it shows
     * your code's internals to every client, so turn it on only while developing. A handler that overrides
     * {@link RequestHandler#writeError} decides for itself.
     *
     * @param on true to send stack traces to clients
     * @return this
     */
    public WebSettings serveTraceback(boolean on) {
        this.serveTraceback = on;
        return this;
    }

    /** @return true when error responses carry the exception's stack trace */
    public boolean serveTraceback() {
        return serveTraceback;
    }

    /**
     * Sets the handler for paths no route matches (Tornado's {@code default_handler_class}); its methods
     * get no path arguments. The default answers 404.
     *
     * @param factory makes one handler per request, or null for the default 404
     * @return this
     */
    public WebSettings defaultHandler(Supplier<? extends RequestHandler> factory) {
        this.defaultHandler = factory;
        return this;
    }

    /** @return the default handler's factory, or null */
    public Supplier<? extends RequestHandler> defaultHandler() {
        return defaultHandler;
    }

    /**
     * Sets the engine that {@link RequestHandler#render(String, Object)} uses (Tornado's
     * {@code template_path} and {@code template_loader}, made pluggable).
     *
     * @param engine the engine, or null for none
     * @return this
     */
    public WebSettings templateEngine(TemplateEngine engine) {
        this.templateEngine = engine;
        return this;
    }

    /** @return the template engine, or null */
    public TemplateEngine templateEngine() {
        return templateEngine;
    }

    private TemplateEngine templateEngine;

    /**
     * Sets the most parts a {@code multipart/form-data} body may have (default 100, Tornado 6.5's); a body
     * with more is answered 400 before the handler's {@code prepare()}. The total size is held by the
     * server's body limit ({@link HTTPServer#maxBodySize}).
     *
     * @param max at least 1
     * @return this
     * @throws IllegalArgumentException if below 1
     */
    public WebSettings maxMultipartParts(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxMultipartParts must be at least 1: " + max);
        }
        this.maxMultipartParts = max;
        return this;
    }

    /** @return the most parts a multipart body may have */
    public int maxMultipartParts() {
        return maxMultipartParts;
    }

    /**
     * Sets the longest header block of one multipart part, in bytes (default 10 KiB, Tornado 6.5's); longer
     * is answered 400.
     *
     * @param bytes at least 64
     * @return this
     * @throws IllegalArgumentException if below 64
     */
    public WebSettings maxMultipartHeaderSize(int bytes) {
        if (bytes < 64) {
            throw new IllegalArgumentException("maxMultipartHeaderSize must be at least 64 bytes: " + bytes);
        }
        this.maxMultipartHeaderSize = bytes;
        return this;
    }

    /** @return the longest header block of one multipart part, in bytes */
    public int maxMultipartHeaderSize() {
        return maxMultipartHeaderSize;
    }

    /**
     * Sets where {@link Authenticated} methods send a GET or HEAD from a client that is not logged in
     * (Tornado's {@code login_url}), e.g. "/login"; {@code ?next=} and the request's URI are appended unless
     * the URL already has a query. Unset, such requests are answered 403.
     *
     * @param url the login page, relative or absolute, or null
     * @return this
     */
    public WebSettings loginUrl(String url) {
        this.loginUrl = url;
        return this;
    }

    /** @return the login URL, or null */
    public String loginUrl() {
        return loginUrl;
    }

    /**
     * Replaces the access log of this application (Tornado's {@code log_function}): called on the loop thread
     * once per finished request with its handler ({@code getStatus()}, {@code request()}). Default (null):
     * {@link AccessLog#log}, on logger {@code io.squall.access}. {@code h -> {}} turns it off.
     *
     * @param fn the function, or null for the default
     * @return this
     */
    public WebSettings logFunction(java.util.function.Consumer<? super RequestHandler> fn) {
        this.logFunction = fn;
        return this;
    }

    /** @return the access log function, or null for the default */
    public java.util.function.Consumer<? super RequestHandler> logFunction() {
        return logFunction;
    }
}
