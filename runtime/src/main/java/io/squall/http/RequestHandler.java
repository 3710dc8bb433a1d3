package io.squall.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.internal.Log;

/**
 * Handles the requests of one route (Tornado's {@code web.RequestHandler}). Subclass it and override the
 * methods you serve; each receives the route's path groups and may be a {@code @Coroutine}:
 *
 * <pre>{@code
 * public class UserHandler extends RequestHandler {
 *     @Coroutine
 *     public Future<?> get(String... args) {
 *         User u = await(db.find(args[0]));
 *         write(Map.of("id", u.id(), "name", u.name()));
 *         return null;
 *     }
 * }
 * }</pre>
 *
 * <p>A new instance serves each request: {@link #prepare()}, then the method, then {@link #finish()} if the
 * method did not call it (after the returned future completes), then {@link #onFinish()}. Output is
 * buffered until {@link #flush()} or {@link #finish()}. Methods not overridden answer 405. An
 * {@link HTTPError} thrown (or a future failed with it) answers with its status; any other exception
 * answers 500 (no stack trace is sent) and is logged with its trace.
 *
 * <p>Not thread-safe: call it on the IOLoop thread that runs the request (coroutines resume there). The
 * response methods ({@link #write}, {@link #flush}, {@link #finish}, {@link #sendError}, {@link #redirect},
 * {@link #setStatus}, {@link #setHeader}, {@link #addHeader}, {@link #clearHeader}) called from another thread
 * (a pool thread doing blocking work) throw {@link IllegalStateException} naming the loop's thread and the
 * caller's, instead of racing with the loop: run the blocking part with
 * {@code await(IOLoop.current().runInExecutor(pool, () -> ...))} and write its result back on the loop.
 *
 * <p>In a {@link io.squall.CoroutineDump coroutine dump}, a suspended coroutine of a handler (and every
 * coroutine it awaits) is labelled with its request, e.g. {@code [request GET /report (127.0.0.1:51234)]}: see
 * {@link #dumpLabel()}.
 */
public class RequestHandler implements io.squall.CoroutineDump.Labelled {
    private static final List<String> SUPPORTED_METHODS =
            List.of("GET", "HEAD", "POST", "DELETE", "PATCH", "PUT", "OPTIONS");

    /** The gzip transform of this response, or null; and whether transforms are off (zero-copy files). */
    private GzipOutput gzip;
    private boolean noTransform;
    /** This request's masked XSRF token, once asked for. */
    private String xsrfToken;
    private Application application;
    private HTTPServerRequest request;
    private HTTPConnection connection;
    private IOLoop loop;
    private String[] pathArgs = new String[0];
    private final HTTPHeaders headers = new HTTPHeaders();
    private int status = 200;
    private String reason;
    private final List<byte[]> buffer = new ArrayList<>();
    private int buffered;
    private boolean headersWritten;
    private boolean finished;
    /**
     * What finished the response, for the message of a later write()/flush()/finish(): a constant string
     * ("finish()", "redirect()", "render()"), "sendError()" or {@link #AUTO_FINISH}. Set with {@link #finishing}.
     */
    private String finishedBy;
    /** Set by a method about to call finish() on the user's behalf (redirect, sendError, render). */
    private String finishing;
    /** {@link #finishedBy} when Squall finished the response because the verb method's future completed. */
    private static final String AUTO_FINISH = "auto";
    private final Future<Void> done = new Future<>();
    /** The future of prepare() or the method while the request waits on it; cancelled if the client leaves. */
    private Future<?> running;
    /** True once the client closed the connection before the response was finished. */
    private boolean clientGone;

    /** Creates a handler; the {@link Application} does this once per request. */
    public RequestHandler() {
        clear();
    }

    // ---------------------------------------------------------------------------------------------------
    // What subclasses override

    /**
     * Called before the method for every request; override for common setup or checks. Calling
     * {@link #finish()} (or {@link #sendError}, {@link #redirect}) here skips the method.
     *
     * @return null, or a future the method waits for (may be a coroutine)
     */
    protected Future<?> prepare() {
        return null;
    }

    /** Called after the response is finished; override for cleanup or logging. Exceptions are logged. */
    protected void onFinish() {}

    /**
     * Called if the client closes the connection before the response is finished, e.g. while a long poll
     * waits; override to stop work nobody will see. Exceptions are logged. Right after it, the future that
     * {@link #prepare()} or the method returned, if still pending, is cancelled: a coroutine handler's
     * pending await (a fetch, a sleep, a queue wait) throws {@code CancellationException}, its
     * {@code finally} blocks run, and the cancellation is logged at debug level only. A request whose
     * response was finished is never cancelled. A handler that returns a plain {@code Future} and completes
     * it later (a long poll) should complete it with {@code trySetResult}, since it may have been cancelled.
     */
    protected void onConnectionClose() {}

    /**
     * Receives one piece of the request body, on a handler whose class is annotated
     * {@link StreamRequestBody}; called on the loop thread after {@link #prepare()}, once per piece in order,
     * never while the previous piece's future is pending (the server reads nothing more until then: that is
     * the back-pressure). May be a coroutine. After the last piece the verb method runs. A failure is
     * handled like a failure of the verb method (an {@link HTTPError} answers with its status).
     *
     * @param chunk the next bytes of the body (never empty); the handler may keep the array
     * @return null or a future that completes when the piece has been consumed
     * @throws Exception handled like a failed future
     */
    protected Future<Void> dataReceived(byte[] chunk) throws Exception {
        throw new IllegalStateException(getClass().getName() + " is annotated @StreamRequestBody but does not"
                + " override dataReceived(byte[])");
    }

    /**
     * Serves GET. The default answers 405.
     *
     * @param args the route's path groups, percent-decoded
     * @return null when done, or a future completing when done (may be a coroutine)
     */
    public Future<?> get(String... args) {
        throw new HTTPError(405);
    }

    /**
     * Serves HEAD; the body written is not sent. The default answers 405, as Tornado's does.
     *
     * @param args the route's path groups
     * @return null or a future
     */
    public Future<?> head(String... args) {
        throw new HTTPError(405);
    }

    /**
     * Serves POST. The default answers 405.
     *
     * @param args the route's path groups
     * @return null or a future
     */
    public Future<?> post(String... args) {
        throw new HTTPError(405);
    }

    /**
     * Serves PUT. The default answers 405.
     *
     * @param args the route's path groups
     * @return null or a future
     */
    public Future<?> put(String... args) {
        throw new HTTPError(405);
    }

    /**
     * Serves DELETE. The default answers 405.
     *
     * @param args the route's path groups
     * @return null or a future
     */
    public Future<?> delete(String... args) {
        throw new HTTPError(405);
    }

    /**
     * Serves PATCH. The default answers 405.
     *
     * @param args the route's path groups
     * @return null or a future
     */
    public Future<?> patch(String... args) {
        throw new HTTPError(405);
    }

    /**
     * Serves OPTIONS. The default answers 405.
     *
     * @param args the route's path groups
     * @return null or a future
     */
    public Future<?> options(String... args) {
        throw new HTTPError(405);
    }

    /**
     * Writes the body of an error response; override for custom error pages. The default writes a short
     * HTML page, "404: Not Found", or, when {@link WebSettings#serveTraceback(boolean)} is on and an exception
     * caused the error, that exception's stack trace as plain text. Called on the loop thread by
     * {@link #sendError} with the status already set.
     *
     * @param status the status code
     * @param cause the exception that caused it, or null
     */
    protected void writeError(int status, Throwable cause) {
        if (cause != null && application != null && application.settings().serveTraceback()) {
            java.io.StringWriter trace = new java.io.StringWriter();
            cause.printStackTrace(new java.io.PrintWriter(trace));
            setHeader("Content-Type", "text/plain; charset=UTF-8");
            setHeader("X-Content-Type-Options", "nosniff"); // the message may hold client input: never HTML
            write(trace.toString());
            return;
        }
        setHeader("Content-Type", "text/html; charset=UTF-8");
        write(ErrorPage.html(status, reason));
    }

    // ---------------------------------------------------------------------------------------------------
    // Request

    /** @return the request being handled */
    public HTTPServerRequest request() {
        return request;
    }

    /**
     * Labels this handler's coroutines in a {@link io.squall.CoroutineDump}: the request's method, URI and
     * remote address with its port, e.g. {@code request GET /report?id=7 (127.0.0.1:51234)}; behind a trusted
     * proxy ({@link HTTPServer#xheaders(boolean)}) the client's IP, then the proxy's address:
     * {@code (203.0.113.9 via 127.0.0.1:51234)}. Called by the dump (on the loop thread
     * when the loop answers, else racily from the dumping thread); reads fields only, never throws.
     *
     * @return the label, or null before the handler has a request
     */
    @Override
    public String dumpLabel() {
        HTTPServerRequest r = request;
        if (r == null) {
            return null;
        }
        java.net.InetSocketAddress peer = r.remoteAddress();
        String ip = r.remoteIp();
        String from;
        if (peer == null || peer.getAddress() == null) {
            from = String.valueOf(ip);
        } else if (peer.getAddress().getHostAddress().equals(ip)) {
            from = ip + ":" + peer.getPort();
        } else {
            from = ip + " via " + peer.getAddress().getHostAddress() + ":" + peer.getPort();
        }
        return "request " + r.method() + " " + r.uri() + " (" + from + ")";
    }

    /** @return the application that routed the request here */
    public Application application() {
        return application;
    }

    /** @return the route's path groups, percent-decoded; a copy */
    public String[] pathArgs() {
        return pathArgs.clone();
    }

    /**
     * Returns the last value of an argument from the query string or a form body (urlencoded or multipart),
     * with surrounding whitespace removed (as Tornado's {@code get_argument}).
     *
     * @param name the argument name
     * @return the value
     * @throws HTTPError 400 if the argument is missing
     */
    public String getArgument(String name) {
        String v = getArgument(name, null);
        if (v == null) {
            throw new HTTPError(400, "Missing argument " + name);
        }
        return v;
    }

    /**
     * Returns the last value of an argument, or {@code defaultValue} when missing.
     *
     * @param name the argument name
     * @param defaultValue returned when the argument is missing, may be null
     * @return the value (trimmed) or the default
     */
    public String getArgument(String name, String defaultValue) {
        List<String> values = request.arguments().get(name);
        return values == null || values.isEmpty() ? defaultValue : values.get(values.size() - 1).trim();
    }

    /**
     * Returns every value of an argument, query string values first, each trimmed.
     *
     * @param name the argument name
     * @return the values, empty if missing
     */
    public List<String> getArguments(String name) {
        return trimmed(request.arguments().get(name));
    }

    /**
     * Returns every value of an argument from the query string only.
     *
     * @param name the argument name
     * @return the values, empty if missing
     */
    public List<String> getQueryArguments(String name) {
        return trimmed(request.queryArguments().get(name));
    }

    /**
     * Returns every value of an argument from the form body only (urlencoded, or a multipart body's plain
     * fields; files are in {@code request().files()}).
     *
     * @param name the argument name
     * @return the values, empty if missing
     */
    public List<String> getBodyArguments(String name) {
        return trimmed(request.bodyArguments().get(name));
    }

    private static List<String> trimmed(List<String> values) {
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(v.trim());
        }
        return out;
    }

    /**
     * Returns the value of a cookie the client sent.
     *
     * @param name the cookie name
     * @return the value, or null if the client sent no such cookie
     */
    public String getCookie(String name) {
        return request.cookies().get(name);
    }

    /**
     * Returns the value of a cookie the client sent, or {@code defaultValue}.
     *
     * @param name the cookie name
     * @param defaultValue returned when the cookie is missing
     * @return the value or the default
     */
    public String getCookie(String name, String defaultValue) {
        return request.cookies().getOrDefault(name, defaultValue);
    }

    // ---------------------------------------------------------------------------------------------------
    // Response

    /**
     * Sets the status code, with its standard reason phrase.
     *
     * @param code the status code
     * @throws IllegalArgumentException if the code has no standard reason (use {@link #setStatus(int, String)})
     */
    public void setStatus(int code) {
        String r = HTTPStatus.reason(code);
        if (r == null) {
            throw new IllegalArgumentException("Unknown status code " + code + ": pass a reason with setStatus(code,"
                    + " reason)");
        }
        setStatus(code, r);
    }

    /**
     * Sets the status code and reason phrase.
     *
     * @param code the status code, 100 to 999
     * @param reason the reason phrase, or null for the standard one
     * @throws IllegalArgumentException if the code is out of range or the reason holds CR, LF or other
     *     control characters
     * @throws IllegalStateException if the headers were already sent ({@link #flush()}, {@link #finish()}), where
     *     the change would be lost, or if called on another thread than the request's loop
     */
    public void setStatus(int code, String reason) {
        checkLoopThread("setStatus()");
        if (headersWritten) {
            throw new IllegalStateException(headersSentMessage("setStatus(" + code + ")"));
        }
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("Status code " + code + " is not a three-digit code");
        }
        String r = reason != null ? reason : HTTPStatus.reasonOrUnknown(code);
        HTTPHeaders.checkValue("reason phrase", r);
        this.status = code;
        this.reason = r;
    }

    /** @return the response status code */
    public int getStatus() {
        return status;
    }

    /**
     * Sets a response header, replacing earlier values.
     *
     * @param name the name, an HTTP token
     * @param value the value
     * @throws IllegalArgumentException if the name is not a token or either holds CR, LF or other control
     *     characters (header injection)
     * @throws IllegalStateException if the headers were already sent ({@link #flush()}, {@link #finish()}), where
     *     the change would be lost, or if called on another thread than the request's loop
     */
    public void setHeader(String name, String value) {
        checkLoopThread("setHeader()");
        if (headersWritten) {
            throw new IllegalStateException(headersSentMessage("setHeader(\"" + name + "\")"));
        }
        headers.set(name, value);
    }

    /**
     * Adds a response header, keeping earlier values (e.g. several Set-Cookie).
     *
     * @param name the name, an HTTP token
     * @param value the value
     * @throws IllegalArgumentException as {@link #setHeader}
     * @throws IllegalStateException as {@link #setHeader}
     */
    public void addHeader(String name, String value) {
        checkLoopThread("addHeader()");
        if (headersWritten) {
            throw new IllegalStateException(headersSentMessage("Set-Cookie".equalsIgnoreCase(name)
                    ? "setCookie(" + cookieName(value) + ")" : "addHeader(\"" + name + "\")"));
        }
        headers.add(name, value);
    }

    /**
     * Removes a response header.
     *
     * @param name the name
     * @throws IllegalStateException as {@link #setHeader}
     */
    public void clearHeader(String name) {
        checkLoopThread("clearHeader()");
        if (headersWritten) {
            throw new IllegalStateException(headersSentMessage("clearHeader(\"" + name + "\")"));
        }
        headers.remove(name);
    }

    /**
     * Sets a session cookie for path "/" (a Set-Cookie header).
     *
     * @param name the cookie name, an HTTP token
     * @param value the value: printable ASCII without spaces, double quotes, commas, semicolons or
     *     backslashes (percent-encode anything else)
     * @throws IllegalArgumentException if the name or value is not allowed
     */
    public void setCookie(String name, String value) {
        setCookie(name, value, new CookieOptions());
    }

    /**
     * Sets a cookie for path "/" that expires after {@code maxAge} (a session cookie if null).
     *
     * @param name the cookie name, an HTTP token
     * @param value the value (see {@link #setCookie(String, String)})
     * @param maxAge how long the client keeps it, or null for the browser session
     * @throws IllegalArgumentException if the name or value is not allowed
     */
    public void setCookie(String name, String value, java.time.Duration maxAge) {
        setCookie(name, value, new CookieOptions().maxAge(maxAge));
    }

    /**
     * Sets a cookie with the given attributes (path, domain, expiry, HttpOnly, Secure, SameSite).
     *
     * @param name the cookie name, an HTTP token
     * @param value the value (see {@link #setCookie(String, String)})
     * @param options the attributes
     * @throws IllegalArgumentException if the name or value is not allowed (nothing can inject a header)
     */
    public void setCookie(String name, String value, CookieOptions options) {
        addHeader("Set-Cookie", options.render(name, value, System.currentTimeMillis() / 1000));
    }

    /**
     * Tells the client to delete a cookie set with these path and domain options.
     *
     * @param name the cookie name
     * @param options the options the cookie was set with (path and domain must match)
     */
    public void clearCookie(String name, CookieOptions options) {
        setCookie(name, "", new CookieOptions().path(options.path()).domain(options.domain())
                .maxAge(java.time.Duration.ZERO));
    }

    /**
     * Sets a cookie whose value is signed with the application's cookie secret (Tornado's
     * {@code set_secure_cookie}; see {@link SecureCookies}): the client can read it but not forge or
     * change it. HttpOnly, SameSite=Lax, kept 30 days.
     *
     * @param name the cookie name
     * @param value the value, any text
     * @throws IllegalStateException if no cookie secret is set ({@link WebSettings#cookieSecret})
     */
    public void setSecureCookie(String name, String value) {
        setSecureCookie(name, value, new CookieOptions().maxAge(java.time.Duration.ofDays(30)).httpOnly(true)
                .sameSite("Lax"));
    }

    /**
     * Sets a signed cookie with the given attributes.
     *
     * @param name the cookie name
     * @param value the value, any text
     * @param options the attributes
     * @throws IllegalStateException if no cookie secret is set
     */
    public void setSecureCookie(String name, String value, CookieOptions options) {
        long now = System.currentTimeMillis() / 1000;
        setCookie(name, SecureCookies.create(application.settings(), name, value, now), options);
    }

    /**
     * Returns the value of a signed cookie if its signature is valid and it is at most 31 days old
     * (Tornado's {@code get_secure_cookie}).
     *
     * @param name the cookie name
     * @return the value, or null if the cookie is missing, forged, expired or signed for another name
     * @throws IllegalStateException if no cookie secret is set
     */
    public String getSecureCookie(String name) {
        return getSecureCookie(name, SecureCookies.DEFAULT_MAX_AGE);
    }

    /**
     * Returns the value of a signed cookie if its signature is valid and it is at most {@code maxAge} old.
     *
     * @param name the cookie name
     * @param maxAge how long ago it may have been signed
     * @return the value, or null if missing, forged, expired or signed for another name
     * @throws IllegalStateException if no cookie secret is set
     */
    public String getSecureCookie(String name, java.time.Duration maxAge) {
        return SecureCookies.decode(application.settings(), name, getCookie(name), maxAge,
                System.currentTimeMillis() / 1000);
    }

    /**
     * Returns this request's XSRF token (Tornado's {@code xsrf_token}), setting the {@code _xsrf} cookie
     * if the client has none; put it in forms ({@link #xsrfFormHtml()}) or send it in an
     * {@code X-XSRFToken} header. Each call in one request returns the same masked text.
     *
     * @return the token
     */
    public String xsrfToken() {
        if (xsrfToken == null) {
            long now = System.currentTimeMillis() / 1000;
            Xsrf.Token t = Xsrf.decode(getCookie(Xsrf.NAME));
            if (t == null) {
                t = Xsrf.newToken(now);
                xsrfToken = Xsrf.encode(t);
                setCookie(Xsrf.NAME, xsrfToken, application.settings().xsrfCookieOptions());
            } else {
                xsrfToken = Xsrf.encode(t);
            }
        }
        return xsrfToken;
    }

    /** @return a hidden form field holding {@link #xsrfToken()}: {@code <input type="hidden" name="_xsrf" value="...">} */
    public String xsrfFormHtml() {
        return "<input type=\"hidden\" name=\"_xsrf\" value=\"" + Escape.xhtmlEscape(xsrfToken()) + "\"/>";
    }

    /**
     * Checks the request's XSRF token against its {@code _xsrf} cookie; called before {@link #prepare()}
     * for POST, PUT, PATCH and DELETE when {@link WebSettings#xsrfCookies(boolean)} is on. Override to
     * exempt a handler (e.g. an API authenticated by a header).
     *
     * @throws HTTPError 403 if the token is missing or does not match
     */
    protected void checkXsrfCookie() {
        String sent = getArgument(Xsrf.NAME, null);
        if (sent == null) {
            sent = request.headers().get("X-XSRFToken");
        }
        if (sent == null) {
            sent = request.headers().get("X-CSRFToken");
        }
        Xsrf.check(sent, getCookie(Xsrf.NAME), request.method());
    }

    /**
     * Returns the path of a named route (see {@link Application#reverseUrl}).
     *
     * @param name the route's name
     * @param args one per group
     * @return the path
     * @throws IllegalArgumentException as {@link Application#reverseUrl}
     */
    public String reverseUrl(String name, Object... args) {
        return application.reverseUrl(name, args);
    }

    /**
     * Returns the URL of a static file with a version argument, {@code /static/app.css?v=<hash>}, the hash
     * of its content (Tornado's {@code static_url}); such URLs are served with a one-year cache lifetime.
     *
     * @param path the file's path under {@link WebSettings#staticPath}
     * @return the URL
     * @throws IllegalStateException if no static path is set
     */
    public String staticUrl(String path) {
        return StaticFileHandler.staticUrl(application.settings(), path);
    }

    /**
     * Parses the request body as JSON (see {@link JSON#decode}).
     *
     * @return a Map, List, String, Number, Boolean or null
     * @throws HTTPError 415 if the Content-Type is set and not JSON; 400 if the body is empty, not UTF-8 or
     *     not valid JSON (the reason phrase says where)
     */
    public Object getJsonBody() {
        return JsonBody.parse(request);
    }

    /**
     * Parses the request body as a JSON object.
     *
     * @return the object's members in document order
     * @throws HTTPError as {@link #getJsonBody()}, and 400 if the JSON is not an object
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> getJsonObject() {
        Object v = getJsonBody();
        if (!(v instanceof Map)) {
            throw HTTPError.withReason(400, "Bad Request: expected a JSON object", "JSON body is not an object");
        }
        return (Map<String, Object>) v;
    }

    /**
     * Tells the client to delete a cookie (for path "/").
     *
     * @param name the cookie name
     * @throws IllegalArgumentException if the name is not a token
     */
    public void clearCookie(String name) {
        setCookie(name, "", java.time.Duration.ZERO);
    }

    /** @return the response headers, still modifiable until they are sent */
    public HTTPHeaders responseHeaders() {
        return headers;
    }

    /** Resets the status, headers (to the defaults) and buffered output; used before an error page. */
    public void clear() {
        headers.clear();
        headers.set("Content-Type", "text/html; charset=UTF-8");
        status = 200;
        reason = HTTPStatus.reason(200);
        buffer.clear();
        buffered = 0;
    }

    /**
     * Appends text, as UTF-8, to the output buffer.
     *
     * @param text the text
     * @throws IllegalStateException if the response is finished, or if called on another thread than the
     *     request's loop (see the class comment)
     */
    public void write(String text) {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Appends bytes to the output buffer. The array is not copied: do not change it afterwards.
     *
     * @param bytes the bytes
     * @throws IllegalStateException if the response is finished, or if called on another thread than the
     *     request's loop (see the class comment)
     * @throws java.io.UncheckedIOException (of a {@link io.squall.net.StreamClosedException}) if the client
     *     closed the connection: stop producing output (override {@link #onConnectionClose()} to notice at once)
     */
    public void write(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        checkLoopThread("write()");
        if (clientGone && !finished) {
            throw new java.io.UncheckedIOException(clientGoneException("write()"));
        }
        if (finished) {
            throw new IllegalStateException("Cannot write() " + afterFinishMessage());
        }
        if (bytes.length > 0) {
            buffer.add(bytes);
            buffered += bytes.length;
        }
    }

    /**
     * Appends {@code value} rendered as JSON (see {@link JSON#encode}) and sets Content-Type to
     * {@code application/json; charset=UTF-8} (unless the headers were already sent by {@link #flush()}).
     *
     * @param value the map to render
     * @throws IllegalArgumentException if it holds something JSON cannot represent
     * @throws IllegalStateException if the response is finished
     */
    public void write(Map<String, ?> value) {
        String json = JSON.encode(value);
        if (!headersWritten) { // after a flush(), more JSON in the same response: the type was set (or not) then
            setHeader("Content-Type", "application/json; charset=UTF-8");
        }
        write(json);
    }

    /**
     * Sends the buffered output now: the first flush sends the headers, and the body is then sent chunked
     * (HTTP/1.1) unless a Content-Length header was set.
     *
     * @return completes when the bytes are flushed to the socket; once the client closed the connection,
     *     a future already failed with {@link io.squall.net.StreamClosedException} (logged at debug level only,
     *     and never reported as "never retrieved" when nobody awaits it)
     * @throws IllegalStateException if the response is finished, or if called on another thread than the
     *     request's loop (see the class comment)
     */
    public Future<Void> flush() {
        checkLoopThread("flush()");
        if (clientGone && !finished) {
            return failedAlreadySeen(clientGoneException("flush()"));
        }
        if (finished) {
            throw new IllegalStateException("Cannot flush() " + afterFinishMessage());
        }
        byte[] chunk = takeBuffer();
        if (!headersWritten) {
            chunk = transformFirst(chunk, false);
            Future<Void> f = connection.writeHeaders(status, reason, headers, chunk);
            headersWritten = true;
            return f;
        }
        return connection.write(gzip != null ? gzip.next(chunk, false) : chunk);
    }

    /**
     * Finishes the response: sends the headers (with a Content-Length, when nothing was flushed yet) and
     * the buffered output, then calls {@link #onFinish()}.
     *
     * @return completes when everything is flushed; fails if the client went away
     * @throws IllegalStateException if already finished, or if called on another thread than the request's
     *     loop (see the class comment)
     */
    public Future<Void> finish() {
        checkLoopThread("finish()");
        if (finished) {
            throw new IllegalStateException("finish() called twice: " + afterFinishMessage());
        }
        if (!headersWritten) {
            Etags.beforeFinish(this);
        }
        byte[] chunk = takeBuffer();
        if (!headersWritten) {
            chunk = transformFirst(chunk, true);
            if (status == 204 || status == 304 || status < 200) {
                headers.remove("Content-Length");
                if (status == 304) {
                    Etags.clearRepresentationHeaders(headers);
                }
                chunk = new byte[0];
            } else if (!headers.contains("Content-Length") && !headers.contains("Transfer-Encoding")) {
                headers.set("Content-Length", Integer.toString(chunk.length));
            }
            connection.writeHeaders(status, reason, headers, chunk);
            headersWritten = true;
        } else {
            chunk = gzip != null ? gzip.next(chunk, true) : chunk;
            if (chunk.length > 0) {
                connection.write(chunk);
            }
        }
        finished = true;
        finishedBy = finishing != null ? finishing : "finish()";
        finishing = null;
        Future<Void> f = connection.finish();
        logRequest();
        try {
            onFinish();
        } catch (Throwable t) {
            Log.error("Exception in onFinish() of " + getClass().getName() + " for " + request, t);
        }
        done.trySetResult(null);
        return f;
    }

    /**
     * Answers with an error status and the page of {@link #writeError}, discarding buffered output. If the
     * headers were already sent this can only end the response: the connection is closed.
     *
     * @param status the status code
     */
    public void sendError(int status) {
        checkLoopThread("sendError()");
        sendError(status, null);
    }

    private void sendError(int status, Throwable cause) {
        if (headersWritten) {
            Log.warning("Cannot send error " + status + " for " + request + ": the response headers were already"
                    + " sent; closing the connection");
            if (!finished) {
                finished = true;
                connection.close();
                done.trySetResult(null);
            }
            return;
        }
        clear();
        try {
            setDefaultHeaders();
        } catch (Throwable t) {
            Log.error("Exception in setDefaultHeaders() of " + getClass().getName() + " for " + request, t);
        }
        String r = cause instanceof HTTPError ? ((HTTPError) cause).reason() : null;
        setStatus(status, r != null ? r : HTTPStatus.reasonOrUnknown(status));
        try {
            writeError(status, cause);
        } catch (Throwable t) {
            Log.error("Exception in writeError() of " + getClass().getName() + " for " + request, t);
        }
        if (!finished) {
            finishing = "sendError(" + status + ")";
            finish();
        }
    }

    /**
     * Redirects to {@code url} with 302 and finishes.
     *
     * @param url the target, absolute or relative
     * @throws IllegalArgumentException if the URL holds CR or LF
     * @throws IllegalStateException if the headers were already sent
     */
    public void redirect(String url) {
        redirect(url, false);
    }

    /**
     * Redirects to {@code url} with 301 (permanent) or 302, and finishes.
     *
     * @param url the target
     * @param permanent true for 301
     * @throws IllegalArgumentException if the URL holds CR or LF
     * @throws IllegalStateException if the headers were already sent
     */
    public void redirect(String url, boolean permanent) {
        checkLoopThread("redirect()");
        if (headersWritten) {
            throw new IllegalStateException(headersSentMessage("redirect(\"" + url + "\")"));
        }
        setHeader("Location", url);
        setStatus(permanent ? 301 : 302);
        finishing = "redirect()";
        finish();
    }

    /** @return true once the response is finished */
    public boolean isFinished() {
        return finished;
    }

    /** Applies the output transforms (gzip) to the first chunk when the application enables them. */
    private byte[] transformFirst(byte[] chunk, boolean finishing) {
        if (noTransform || application == null || !application.settings().compressResponse()) {
            return chunk;
        }
        gzip = new GzipOutput(request.headers());
        return gzip.first(status, headers, chunk, finishing);
    }

    /** Sends the body unchanged (a file sent zero-copy with its own Content-Length). */
    void disableTransforms() {
        noTransform = true;
    }

    /** @return the connection the response goes to (for StaticFileHandler's zero-copy writes) */
    HTTPConnection connection() {
        return connection;
    }

    private byte[] takeBuffer() {
        byte[] out;
        if (buffer.size() == 1) {
            out = buffer.get(0);
        } else {
            out = new byte[buffered];
            int p = 0;
            for (byte[] b : buffer) {
                System.arraycopy(b, 0, out, p, b.length);
                p += b.length;
            }
        }
        buffer.clear();
        buffered = 0;
        return out;
    }

    private void logRequest() {
        if (application != null) {
            application.logRequest(this);
        } else {
            AccessLog.log(this);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Running a request (called by Application)

    /** Runs prepare(), the method and finish(); the future completes once the response is finished. */
    final Future<Void> execute(Application app, HTTPServerRequest req, String[] args) {
        bind(app, req);
        pathArgs = args;
        try {
            setDefaultHeaders();
            checkMethod(app, req);
            whenDone(prepare(), () -> {
                if (finished) {
                    return;
                }
                whenDone(AuthCheck.before(this, req.method()), () -> {
                    if (finished) {
                        return;
                    }
                    whenDone(invoke(req.method(), args), () -> {
                        if (!finished) {
                            finishing = AUTO_FINISH;
                            finish();
                        }
                    });
                });
            });
        } catch (Throwable t) {
            handleException(t);
        }
        return done;
    }

    private void checkMethod(Application app, HTTPServerRequest req) {
        if (this instanceof FallbackHandler) {
            return; // the mounted callback sees every method, and checks what it needs itself
        }
        if (!SUPPORTED_METHODS.contains(req.method())) {
            throw new HTTPError(405);
        }
        req.parseBody(app.settings().maxMultipartParts(), app.settings().maxMultipartHeaderSize());
        if (app.settings().xsrfCookies() && !req.method().equals("GET") && !req.method().equals("HEAD")
                && !req.method().equals("OPTIONS")) {
            checkXsrfCookie();
        }
    }

    /** Streamed body (see {@link StreamedRequest}): binds and runs prepare(); the future never fails. */
    final Future<Void> startStreamed(Application app, HTTPServerRequest req, String[] args) {
        bind(app, req);
        pathArgs = args;
        Future<Void> gate = new Future<>();
        try {
            setDefaultHeaders();
            checkMethod(app, req);
            whenDone(prepare(), () -> {
                if (finished) {
                    gate.trySetResult(null);
                    return;
                }
                // Before the body: an upload by a client that is not logged in is refused at once.
                whenDone(AuthCheck.before(this, req.method()), () -> gate.trySetResult(null), gate);
            }, gate);
        } catch (Throwable t) {
            handleException(t);
            gate.trySetResult(null);
        }
        return gate;
    }

    /** Streamed body: one piece to dataReceived(); the future completes (never fails) when it is consumed. */
    final Future<Void> streamChunk(byte[] chunk) {
        Future<Void> gate = new Future<>();
        if (finished) {
            gate.trySetResult(null);
            return gate;
        }
        try {
            whenDone(dataReceived(chunk), () -> gate.trySetResult(null), gate);
        } catch (Throwable t) {
            handleException(t);
            gate.trySetResult(null);
        }
        return gate;
    }

    /** Streamed body: the last piece was consumed; runs the verb method, then finish(). */
    final void endStreamed() {
        if (finished) {
            return;
        }
        try {
            whenDone(invoke(request.method(), pathArgs), () -> {
                if (!finished) {
                    finishing = AUTO_FINISH;
                    finish();
                }
            });
        } catch (Throwable t) {
            handleException(t);
        }
    }

    /** Answers with {@code status} at once: the default 404 of an application. */
    final Future<Void> executeError(Application app, HTTPServerRequest req, int status) {
        bind(app, req);
        sendError(status);
        return done;
    }

    private void bind(Application app, HTTPServerRequest req) {
        this.application = app;
        this.request = req;
        this.connection = Objects.requireNonNull(req.connection(), "request.connection()");
        this.loop = IOLoop.current();
        connection.setCloseCallback(() -> {
            if (!finished) {
                clientGone = true;
                try {
                    onConnectionClose();
                } catch (Throwable t) {
                    Log.error("Exception in onConnectionClose() of " + getClass().getName() + " for " + request, t);
                }
                Future<?> r = running;
                if (r != null && !finished) {
                    r.cancel();
                }
            }
        });
    }

    private Future<?> invoke(String method, String[] args) {
        switch (method) {
            case "GET": return get(args);
            case "HEAD": return head(args);
            case "POST": return post(args);
            case "PUT": return put(args);
            case "DELETE": return delete(args);
            case "PATCH": return patch(args);
            case "OPTIONS": return options(args);
            default: throw new HTTPError(405);
        }
    }

    /** Runs {@code next} once {@code f} succeeds (at once if it already has); a failure is handled. */
    private void whenDone(Future<?> f, Runnable next) {
        whenDone(f, next, null);
    }

    /** As above; {@code gate}, if any, completes after a failure was handled (next completes it otherwise). */
    private void whenDone(Future<?> f, Runnable next, Future<Void> gate) {
        if (f == null || (f.isDone() && f.exception() == null)) {
            runStep(next);
            return;
        }
        if (f.isDone()) {
            handleException(f.exception());
            if (gate != null) {
                gate.trySetResult(null);
            }
            return;
        }
        running = f;
        f.addDoneCallback(d -> {
            Runnable step = () -> {
                Throwable t = d.exception();
                if (t != null) {
                    handleException(t);
                    if (gate != null) {
                        gate.trySetResult(null);
                    }
                } else {
                    runStep(next);
                }
            };
            if (loop.inLoopThread()) {
                step.run();
            } else {
                loop.addCallback(step);
            }
        });
    }

    private void runStep(Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            handleException(t);
        }
    }

    /** True once the application's request deadline passed: the handler's cancellation is expected. */
    private boolean deadlinePassed;

    /** Called on the loop by {@link Application} when the request deadline passes before the response is finished. */
    void deadlineExceeded(java.time.Duration deadline) {
        if (finished || clientGone) {
            return;
        }
        deadlinePassed = true;
        Log.warning("Request " + request + " is still unfinished after its deadline of " + deadline + " in handler "
                + getClass().getName() + parkedAt(running) + "; answering 503 and cancelling the handler");
        Future<?> r = running;
        sendError(503);
        if (r != null && !r.isDone()) {
            r.cancel();
        }
    }

    /**
     * For {@link Application#longRunningRequests}: the request, its age, this class and where it is parked.
     * Called on another thread than the loop's: a racy but harmless read of a diagnostic.
     */
    String describeInFlight(long ageNanos) {
        return request + " for " + String.format(java.util.Locale.ROOT, "%.1f s", ageNanos / 1e9) + " in "
                + getClass().getName() + parkedAt(running);
    }

    /** Describes the innermost await a handler's coroutine chain is suspended at, for the deadline log. */
    private static String parkedAt(Future<?> f) {
        StackTraceElement site = null;
        Future<?> waitingOn = f;
        for (int depth = 0; depth < 64 && waitingOn instanceof io.squall.internal.Continuation; depth++) {
            io.squall.internal.Continuation c = (io.squall.internal.Continuation) waitingOn;
            StackTraceElement here = io.squall.internal.AwaitSites.siteOf(c);
            if (here != null) {
                site = here;
            }
            waitingOn = c.awaiting();
        }
        if (f == null) {
            return " (it returned no future)";
        }
        // describe(), not toString(): "Future(pending): runInExecutor(...) on ...", a timer, a lock, a stream read.
        return (site != null ? ", parked at the await in " + site : "") + " waiting for "
                + (waitingOn != null ? waitingOn.describe() : "nothing");
    }

    /**
     * Refuses a response method called off the request's loop thread (a pool thread racing with the loop).
     * One volatile read and a compare: cheap enough for every write.
     */
    private void checkLoopThread(String op) {
        IOLoop l = loop;
        if (l != null && !l.inLoopThread()) {
            throw new IllegalStateException("RequestHandler." + op + " for " + request + " in "
                    + getClass().getName() + " was called on thread '" + Thread.currentThread().getName()
                    + "', but the request runs on " + l + " and a handler is not thread-safe (this would race"
                    + " with the loop). Do the blocking work with await(IOLoop.current().runInExecutor(pool, () ->"
                    + " ...)) and call " + op + " with its result back on the loop, or hand the call over with"
                    + " loop.addCallback(() -> ...)");
        }
    }

    /** A write after the client left: fails at once; a disconnect is not a server error. */
    private io.squall.net.StreamClosedException clientGoneException(String what) {
        Log.debug(what + " in " + getClass().getName() + " for " + request + " after the client closed the connection");
        return new io.squall.net.StreamClosedException(what + " for " + request + ": the client closed the"
                + " connection; stop writing (override onConnectionClose() to notice at once)");
    }

    private static Future<Void> failedAlreadySeen(Throwable t) {
        Future<Void> f = Future.failed(t);
        f.exception(); // the caller may drop it: the disconnect is already logged, at debug level
        return f;
    }

    private static boolean isDisconnect(Throwable t) {
        return t instanceof io.squall.net.StreamClosedException
                || (t instanceof java.io.UncheckedIOException && t.getCause() instanceof io.squall.net.StreamClosedException);
    }

    /** True if every exception is the stream's own closing (an awaited flush() failing as the client left). */
    private static boolean onlyClosedStream(Throwable[] suppressed) {
        for (Throwable s : suppressed) {
            if (!(s instanceof io.squall.net.StreamClosedException)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The message of a status, header or cookie change made once the headers are on the wire, e.g.
     * {@code setHeader("X-Count") for GET /poll (127.0.0.1) in com.example.PollHandler would have no effect: the
     * response headers were already sent, by flush(). Set the status, headers and cookies before the first
     * flush()}.
     */
    private String headersSentMessage(String op) {
        String by;
        if (!finished) {
            by = "by flush()";
        } else if (AUTO_FINISH.equals(finishedBy)) {
            by = "when Squall finished the response because the future of "
                    + request.method().toLowerCase(java.util.Locale.ROOT) + "() completed";
        } else {
            by = "the response was finished by " + (finishedBy != null ? finishedBy : "finish()");
        }
        return op + " for " + request + " in " + getClass().getName() + " would have no effect: the response"
                + " headers were already sent, " + by + ". Set the status, headers and cookies before the first"
                + " flush() and before finishing";
    }

    /** The cookie's name in a Set-Cookie value, for a message. */
    private static String cookieName(String setCookie) {
        int eq = setCookie == null ? -1 : setCookie.indexOf('=');
        return eq < 0 ? "..." : "\"" + setCookie.substring(0, eq) + "\"";
    }

    /**
     * The rest of the message of a call made after the response was finished: where, what finished it and
     * what to do, e.g. {@code for GET /go (127.0.0.1) in com.example.GoHandler: the response was already finished
     * by redirect(); ...}.
     */
    private String afterFinishMessage() {
        String where = "for " + request + " in " + getClass().getName() + ": the response was already finished";
        if (AUTO_FINISH.equals(finishedBy)) {
            return where + " by Squall, when the future of " + request.method().toLowerCase(java.util.Locale.ROOT)
                    + "() completed. Output from a callback, or from a coroutine the handler started without"
                    + " awaiting it, comes too late: await that work in the handler (or return its future)";
        }
        return where + " by " + (finishedBy != null ? finishedBy : "finish()") + ". Return right after finish(),"
                + " redirect(), sendError() or render(); nothing can be written after them";
    }

    /** E.g. {@code HTTPError 404 in com.example.UserHandler for GET /users/17 (127.0.0.1): no such user 17}. */
    private String describeHTTPError(HTTPError e) {
        return "HTTPError " + e.status() + " in " + getClass().getName() + " for " + request + ": "
                + (e.logMessage() != null ? oneLine(e.logMessage()) : "(no log message; the client saw \""
                + e.reason() + "\")");
    }

    /**
     * A log message may quote client input (a JSON key, a header): control characters are escaped (CR as
     * {@code \r}, others as {@code \\u0001}) so that a client cannot forge log lines.
     */
    static String oneLine(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                if (b == null) {
                    b = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                b.append(c == '\r' ? "\\r" : c == '\n' ? "\\n" : c == '\t' ? "\\t"
                        : String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    private void handleException(Throwable t) {
        if (isDisconnect(t) && (clientGone || connection.isClosed())) {
            Log.debug("Handler " + getClass().getName() + " for " + request + " stopped: the client closed the"
                    + " connection (" + t.getMessage() + ")");
            done.trySetResult(null);
            return;
        }
        if (deadlinePassed && t instanceof CancellationException) {
            Log.debug("Handler " + getClass().getName() + " for " + request + " cancelled after its deadline");
            done.trySetResult(null);
            return;
        }
        if (clientGone && t instanceof CancellationException) {
            if (t.getSuppressed().length > 0 && !onlyClosedStream(t.getSuppressed())) {
                // The handler threw while unwinding: a bug in its cleanup, not the client's leaving.
                Log.warning("Handler " + getClass().getName() + " for " + request + " threw while it was cancelled"
                        + " (the client closed the connection)", t);
            } else {
                Log.debug("Handler " + getClass().getName() + " for " + request + " cancelled: the client closed"
                        + " the connection");
            }
            done.trySetResult(null);
            return;
        }
        int code;
        if (t instanceof HTTPError) {
            HTTPError e = (HTTPError) t;
            code = e.status();
            // Tornado's log_exception: an HTTPError with a log message is logged at WARNING, naming the request;
            // without one, the access line is enough. The log message never goes to the client.
            if (e.logMessage() != null) {
                Log.warning(describeHTTPError(e));
            } else {
                Log.debug(describeHTTPError(e));
            }
        } else {
            code = 500;
            String what = t instanceof CancellationException ? "Handler future was cancelled" : "Uncaught exception";
            Log.error(what + " in " + getClass().getName() + " for " + request, t);
        }
        if (finished) {
            return;
        }
        try {
            sendError(code, t);
        } catch (Throwable again) {
            Log.error("Cannot send the error response for " + request, again);
            if (!connection.isClosed()) {
                connection.close();
            }
            done.trySetResult(null);
        }
    }

    /**
     * Renders the template {@code name} with {@code model} through the application's
     * {@link WebSettings#templateEngine(TemplateEngine) template engine} and returns the text, without
     * writing it (Tornado's {@code render_string}). Loop thread.
     *
     * @param name the template's name, as the engine resolves it
     * @param model the values the template reads
     * @return the rendered text
     * @throws IllegalStateException if the application has no template engine
     * @throws java.io.UncheckedIOException if the template cannot be found or read (a 500 when not caught)
     */
    public String renderString(String name, Object model) {
        TemplateEngine engine = application == null ? null : application.settings().templateEngine();
        if (engine == null) {
            throw new IllegalStateException(getClass().getName() + ".render(\"" + name + "\"): the application has"
                    + " no template engine; set one with application.settings().templateEngine(...), e.g."
                    + " MustacheTemplates.fromDirectory(dir) from the squall-templates-mustache module");
        }
        try {
            return engine.render(name, model);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot render template " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renders the template {@code name} with {@code model}, writes it and finishes the response (Tornado's
     * {@code render}); the Content-Type stays {@code text/html; charset=UTF-8} unless set otherwise.
     * Loop thread.
     *
     * @param name the template's name, as the engine resolves it
     * @param model the values the template reads
     * @return the future of {@link #finish()}
     * @throws IllegalStateException if the application has no template engine
     * @throws java.io.UncheckedIOException if the template cannot be found or read
     */
    public Future<Void> render(String name, Object model) {
        write(renderString(name, model));
        finishing = "render()";
        return finish();
    }

    // ---------------------------------------------------------------------------------------------------
    // Singular query/body arguments, default headers, conditional GET, the current user, fallbacks

    /**
     * Returns the last value of an argument from the query string only, trimmed (Tornado's
     * {@code get_query_argument}).
     *
     * @param name the argument name
     * @return the value
     * @throws HTTPError 400 if the query string has no such argument
     */
    public String getQueryArgument(String name) {
        String v = getQueryArgument(name, null);
        if (v == null) {
            throw HTTPError.withReason(400, "Bad Request: missing query argument " + name,
                    "Missing query argument " + name);
        }
        return v;
    }

    /**
     * Returns the last value of an argument from the query string only, trimmed, or {@code defaultValue}.
     *
     * @param name the argument name
     * @param defaultValue returned when the argument is missing, may be null
     * @return the value or the default
     */
    public String getQueryArgument(String name, String defaultValue) {
        List<String> values = request.queryArguments().get(name);
        return values == null || values.isEmpty() ? defaultValue : values.get(values.size() - 1).trim();
    }

    /**
     * Returns the last value of an argument from the form body only (urlencoded or multipart), trimmed
     * (Tornado's {@code get_body_argument}).
     *
     * @param name the argument name
     * @return the value
     * @throws HTTPError 400 if the body has no such argument
     */
    public String getBodyArgument(String name) {
        String v = getBodyArgument(name, null);
        if (v == null) {
            throw HTTPError.withReason(400, "Bad Request: missing body argument " + name, "Missing body argument " + name);
        }
        return v;
    }

    /**
     * Returns the last value of an argument from the form body only, trimmed, or {@code defaultValue}.
     *
     * @param name the argument name
     * @param defaultValue returned when the argument is missing, may be null
     * @return the value or the default
     */
    public String getBodyArgument(String name, String defaultValue) {
        List<String> values = request.bodyArguments().get(name);
        return values == null || values.isEmpty() ? defaultValue : values.get(values.size() - 1).trim();
    }

    /**
     * Sets headers every response of this handler carries (Tornado's {@code set_default_headers}): CORS,
     * security headers, a Server header. Called on the loop thread before {@link #prepare()} for every
     * request, and again before an error page is written (after {@link #clear()} dropped the headers set
     * so far). The default does nothing. An exception here answers 500 (before prepare) or is logged
     * (before an error page).
     */
    protected void setDefaultHeaders() {}

    /**
     * Computes the ETag of the response from its buffered body (Tornado's {@code compute_etag}); called by
     * {@link #setEtagHeader()}. The default is a strong tag, the quoted SHA-1 of the buffered bytes. Return
     * null to turn ETags off for this handler.
     *
     * @return the quoted tag, e.g. {@code "\"2fd4e1c6..\""}, or null for none
     */
    protected String computeEtag() {
        return Etags.sha1(buffer);
    }

    /**
     * Sets the ETag header to {@link #computeEtag()} (if not null). {@link #finish()} calls it for a 200
     * answer to GET or HEAD that has no ETag yet and whose headers were not flushed, then answers 304 with no
     * body when {@link #checkEtagHeader()} matches.
     */
    public void setEtagHeader() {
        String etag = computeEtag();
        if (etag != null) {
            setHeader("ETag", etag);
        }
    }

    /**
     * Tells whether the request's {@code If-None-Match} matches the response's ETag header (Tornado's
     * {@code check_etag_header}): a list of tags, compared weakly (a {@code W/} prefix is ignored, RFC 9110
     * 13.1.2), or {@code *}, which matches any ETag. Call it after setting the ETag (e.g. from a database
     * version) and answer 304 yourself to skip building a body.
     *
     * @return true if the client's copy is current
     */
    public boolean checkEtagHeader() {
        return Etags.matches(request.headers().getAll("If-None-Match"), headers.get("ETag"));
    }

    /**
     * Finds the user of this request (Tornado's {@code get_current_user}), e.g. from a signed cookie and a
     * database; override it. May be a coroutine. Called at most once per request, by {@link #currentUser()}
     * or {@link #loadCurrentUser()}, or before a method annotated {@link Authenticated}. The default finds
     * no user.
     *
     * @return null or a future of the user, or of null when nobody is logged in
     * @throws Exception fails the request (500) or the future of {@link #loadCurrentUser()}
     */
    protected Future<?> getCurrentUser() throws Exception {
        return null;
    }

    /**
     * Returns the user of this request (Tornado's {@code current_user}), cached: {@link #getCurrentUser()}
     * runs once per request. In a method annotated {@link Authenticated} it is never null.
     *
     * @param <U> the type the caller expects (an unchecked cast)
     * @return the user, or null if nobody is logged in
     * @throws IllegalStateException if {@link #getCurrentUser()} is still pending: {@code await} {@link
     *     #loadCurrentUser()} first, or annotate the method {@link Authenticated}
     */
    @SuppressWarnings("unchecked")
    public <U> U currentUser() {
        Future<Object> f = loadCurrentUser();
        if (!f.isDone()) {
            throw new IllegalStateException("The current user of " + getClass().getName() + " is still being"
                    + " loaded (getCurrentUser() returned a pending future): await loadCurrentUser() first, or"
                    + " annotate the method @Authenticated, which waits for it");
        }
        return (U) f.result();
    }

    /**
     * Starts finding the user of this request, once: calls {@link #getCurrentUser()} the first time, and
     * returns the same future afterwards.
     *
     * @return the user, or null if nobody is logged in; fails as {@link #getCurrentUser()} failed
     */
    @SuppressWarnings("unchecked")
    public Future<Object> loadCurrentUser() {
        if (currentUserFuture == null) {
            Future<?> f;
            try {
                f = getCurrentUser();
            } catch (Throwable t) {
                f = Future.failed(t);
            }
            currentUserFuture = f == null ? Future.of(null) : (Future<Object>) f;
        }
        return currentUserFuture;
    }

    /**
     * Sets the user of this request (Tornado's {@code self.current_user = ...}), e.g. in {@link #prepare()};
     * {@link #getCurrentUser()} is then not called.
     *
     * @param user the user, or null for nobody
     */
    public void setCurrentUser(Object user) {
        currentUserFuture = Future.of(user);
    }

    /**
     * Returns where {@link Authenticated} sends a GET or HEAD from a client that is not logged in (Tornado's
     * {@code get_login_url}); the default is {@link WebSettings#loginUrl(String)}.
     *
     * @return the login URL, or null for none (then every verb is answered 403)
     */
    protected String getLoginUrl() {
        return application == null ? null : application.settings().loginUrl();
    }

    /** The user of this request, once asked for. */
    private Future<Object> currentUserFuture;

    /** Etags: the buffered output, read only. */
    List<byte[]> bufferedOutput() {
        return buffer;
    }

    /** Etags: drops the buffered output (a 304 has no body). */
    void discardBuffer() {
        buffer.clear();
        buffered = 0;
    }

    /**
     * FallbackHandler: the mounted callback answers on the connection itself; this handler is done with no
     * response of its own, and its future follows the callback's so a failure reaches the connection.
     */
    void handOff(Future<?> callbackDone) {
        finished = true;
        if (callbackDone == null) {
            done.trySetResult(null);
            return;
        }
        callbackDone.addDoneCallback(f -> {
            if (f.exception() != null) {
                done.trySetException(f.exception());
            } else {
                done.trySetResult(null);
            }
        });
    }
}
