package io.squall.http;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.Timeout;
import io.squall.internal.Log;
import io.squall.net.IOStream;
import io.squall.net.TCPClient;
import io.squall.net.TLS;

/**
 * A non-blocking HTTP/1.1 client on an {@link IOLoop} (Tornado's {@code AsyncHTTPClient}):
 *
 * <pre>{@code
 * AsyncHTTPClient client = new AsyncHTTPClient();
 * HTTPResponse r = await(client.fetch("http://127.0.0.1:8888/"));
 * System.out.println(r.code() + " " + r.bodyAsString());
 * }</pre>
 *
 * <p>Connections are kept alive and reused per host:port; at most {@link #maxConnectionsPerHost()} are open
 * to one host:port at a time, and further requests wait for a free one (the wait counts towards their
 * request timeout). A request on a reused connection that the server had closed is retried once on a
 * new connection. Content-Length, chunked and read-until-close responses are read; redirects are followed
 * unless the request says otherwise.
 *
 * <p>Failures: a connection that cannot be made fails the fetch with an {@link HTTPClientError} (code 599)
 * naming the URL, a timeout with an {@link HTTPTimeoutError}, a status outside 2xx with an
 * {@link HTTPClientError} carrying the response (unless {@link HTTPRequest#raiseError(boolean)} is false),
 * an invalid or non-{@code http(s)://} URL with an {@link IllegalArgumentException}.
 *
 * <p>Options, as Tornado's: gzip responses are asked for and inflated ({@link HTTPRequest#decompressResponse});
 * basic authentication ({@link HTTPRequest#authUsername}) is sent to the URL's origin only, never after a
 * redirect to another one; requests go through an HTTP proxy when {@link HTTPRequest#proxyHost} is set
 * ({@code CONNECT} for https); {@link #maxClients(int)} bounds the fetches in progress over all hosts.
 *
 * <p>HTTPS: the server's certificate chain and host name are verified and SNI is sent; with no setting
 * the client trusts exactly what the JDK's default {@code SSLContext} trusts (so
 * {@code -Djavax.net.ssl.trustStore=...} applies). A request may name its own trust
 * ({@link HTTPRequest#sslContext}, {@link HTTPRequest#caCerts}) or turn verification off
 * ({@link HTTPRequest#insecureSkipCertificateVerification}). A refused certificate fails the fetch with an
 * {@link HTTPClientError} (599) whose message says why (expired, wrong host name, untrusted issuer) and
 * for which host. Keep-alive pools are per scheme, host, port and trust setting.
 *
 * <p>Threads: a client belongs to the loop it was created on. {@code fetch} may be called from any thread (it
 * hands the request to the loop, as Tornado's {@code add_callback} would); the returned future completes on
 * the loop thread. {@link #close()} belongs on the loop thread, and called elsewhere while the loop runs it
 * throws an {@link IllegalStateException} naming both threads. Creating a client ({@code new
 * AsyncHTTPClient()}, {@link #shared()}) takes the calling thread's loop: on a worker thread that has no loop
 * of its own it throws an {@link IllegalStateException} instead of binding the client to a loop that nobody
 * runs; create the client on the loop thread (or pass the loop: {@code new AsyncHTTPClient(loop, n)}).
 */
public class AsyncHTTPClient {
    /** Default {@link #maxConnectionsPerHost()}. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_HOST = 64;
    private static final String USER_AGENT = "Squall/0.1";
    private static final List<String> HTTP11 = List.of("http/1.1");

    private final IOLoop loop;
    private final int maxConnectionsPerHost;
    private final TCPClient tcpClient = new TCPClient();
    private final Map<String, HostPool> pools = new HashMap<>();
    private int maxHeaderSize = HTTPServer.DEFAULT_MAX_HEADER_SIZE;
    private long maxBodySize = HTTPServer.DEFAULT_MAX_BODY_SIZE;
    private boolean closed;
    /** The most fetches in progress at once, and the fetches waiting for one of those places. */
    private int maxClients = Integer.MAX_VALUE;
    private int activeClients;
    private final java.util.ArrayDeque<Attempt> queued = new java.util.ArrayDeque<>();
    /** Contexts loaded for {@link HTTPRequest#caCerts}, by file. */
    private final Map<Path, SSLContext> caContexts = new HashMap<>();
    private SSLContext insecureContext;

    /** One shared client per loop, for {@link #shared()}. */
    private static final Map<IOLoop, AsyncHTTPClient> SHARED = new java.util.WeakHashMap<>();

    /**
     * Returns the client shared by everything running on the current thread's loop, creating it on first
     * use (Tornado's {@code AsyncHTTPClient()}, which is one instance per IOLoop): handlers that fetch
     * through it share its pooled keep-alive connections. A shared client that was closed is replaced.
     *
     * @return the current loop's shared client
     */
    public static AsyncHTTPClient shared() {
        IOLoop loop = IOLoop.current();
        synchronized (SHARED) {
            AsyncHTTPClient c = SHARED.get(loop);
            if (c == null || c.closed) {
                c = new AsyncHTTPClient(loop, DEFAULT_MAX_CONNECTIONS_PER_HOST);
                SHARED.put(loop, c);
            }
            return c;
        }
    }

    /** Creates a client on the current thread's loop, with the default connection limit. */
    public AsyncHTTPClient() {
        this(IOLoop.current(), DEFAULT_MAX_CONNECTIONS_PER_HOST);
    }

    /**
     * Creates a client on the current thread's loop.
     *
     * @param maxConnectionsPerHost the most connections open to one host:port at once, at least 1
     */
    public AsyncHTTPClient(int maxConnectionsPerHost) {
        this(IOLoop.current(), maxConnectionsPerHost);
    }

    /**
     * Creates a client on {@code loop}.
     *
     * @param loop the loop the client's connections run on
     * @param maxConnectionsPerHost the most connections open to one host:port at once, at least 1
     * @throws IllegalArgumentException if {@code maxConnectionsPerHost} is below 1
     */
    public AsyncHTTPClient(IOLoop loop, int maxConnectionsPerHost) {
        if (maxConnectionsPerHost < 1) {
            throw new IllegalArgumentException("maxConnectionsPerHost must be at least 1, got " + maxConnectionsPerHost);
        }
        this.loop = java.util.Objects.requireNonNull(loop, "loop");
        this.maxConnectionsPerHost = maxConnectionsPerHost;
    }

    /** @return the most connections open to one host:port at once */
    public int maxConnectionsPerHost() {
        return maxConnectionsPerHost;
    }

    /**
     * Sets the largest response body accepted (default 100 MiB); a larger one fails the fetch.
     *
     * @param bytes the limit
     * @return this
     */
    public AsyncHTTPClient maxBodySize(long bytes) {
        this.maxBodySize = bytes;
        return this;
    }

    /**
     * Sets the largest response header section accepted (default 64 KiB).
     *
     * @param bytes the limit
     * @return this
     */
    public AsyncHTTPClient maxHeaderSize(int bytes) {
        this.maxHeaderSize = bytes;
        return this;
    }

    /**
     * Fetches {@code url} with GET and the default settings of {@link HTTPRequest}.
     *
     * @param url an absolute {@code http://} URL
     * @return the response; fails as described in the class comment
     */
    public Future<HTTPResponse> fetch(String url) {
        return fetch(new HTTPRequest(url));
    }

    /**
     * Sends {@code request} and reads the response. Cancelling the returned future (from any thread; a
     * cancelled coroutine awaiting it does) stops the fetch on the loop: its timer is removed, a wait for a
     * pooled connection is dropped, and a connection in the middle of the exchange is closed rather than
     * returned to the pool.
     *
     * @param request the request
     * @return the response; fails as described in the class comment
     */
    public Future<HTTPResponse> fetch(HTTPRequest request) {
        Future<HTTPResponse> result = new FetchFuture();
        if (loop.inLoopThread()) {
            start(request, result);
        } else {
            try {
                loop.addCallback(() -> start(request, result));
            } catch (IllegalStateException e) {
                result.setException(new IllegalStateException("AsyncHTTPClient: its IOLoop is closed; cannot fetch "
                        + request.url(), e));
            }
        }
        return result;
    }

    /** @return connections open now, idle or busy, over all hosts */
    public int openConnections() {
        int n = 0;
        for (HostPool p : pools.values()) {
            n += p.open();
        }
        return n;
    }

    /** @return idle connections kept for reuse, over all hosts */
    public int idleConnections() {
        int n = 0;
        for (HostPool p : pools.values()) {
            n += p.idle();
        }
        return n;
    }

    /**
     * Closes idle connections and refuses new fetches; fetches in progress finish, and their connections
     * are then closed. Call on the loop thread.
     *
     * @throws IllegalStateException if called on another thread while the client's loop runs
     */
    public void close() {
        if (!loop.inLoopThread() && loop.isRunning()) {
            throw io.squall.internal.OffLoop.refusal("AsyncHTTPClient.close()", this, loop, null);
        }
        closed = true;
        for (HostPool p : pools.values()) {
            p.closeIdle();
        }
    }

    // ---------------------------------------------------------------------------------------------------

    /** One fetch, through its redirects. */
    private final class Attempt implements HostPool.Waiter {
        final HTTPRequest original;
        final Future<HTTPResponse> result;
        final long startNanos = System.nanoTime();
        HTTPRequest request;
        URI uri;
        String host;
        int port;
        String key;
        String target;
        boolean https;
        SSLContext tlsContext;
        boolean verify = true;
        Timeout timer;
        Timeout queueTimer;
        /** The proxy's host and port when the request goes through one, else null. */
        String proxyHost;
        int proxyPort;
        int redirects;
        boolean retried;
        HTTP1ClientConnection connection;
        String phase = "waiting for a connection";

        Attempt(HTTPRequest original, Future<HTTPResponse> result) {
            this.original = original;
            this.result = result;
            this.request = original;
        }

        boolean done() {
            return result.isDone();
        }

        String describe() {
            return request.method() + " " + request.url();
        }

        @Override
        public boolean abandoned() {
            return result.isDone();
        }

        @Override
        public void use(HTTP1ClientConnection c) {
            exchange(this, c);
        }

        @Override
        public void connect() {
            AsyncHTTPClient.this.connect(this);
        }
    }

    /**
     * A fetch's Future. Cancelling it (a coroutine awaiting the fetch was cancelled) gives the fetch's
     * resources back on the loop: its timer is removed, a wait for a connection is dropped, and a connection
     * in the middle of the exchange is closed (never returned to the pool with a response half read).
     */
    private final class FetchFuture extends Future<HTTPResponse> {
        Attempt attempt;

        @Override
        public boolean cancel() {
            if (!super.cancel()) {
                return false;
            }
            if (loop.inLoopThread()) {
                cancelled(attempt);
            } else {
                try {
                    loop.addCallback(() -> cancelled(attempt));
                } catch (IllegalStateException closedLoop) {
                    // nothing left to give back on a closed loop
                }
            }
            return true;
        }
    }

    /**
     * A fetch's request timeout. If the loop is closed while the fetch is in flight, {@link IOLoop#close()}
     * cancels the fetch through it, so a coroutine awaiting the fetch unwinds with a cancellation.
     */
    private final class RequestTimer implements Runnable, io.squall.internal.LoopCloseHook {
        private final Attempt attempt;

        RequestTimer(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public void run() {
            onTimeout(attempt);
        }

        @Override
        public void cancelOnClose() {
            attempt.result.cancel();
        }

        @Override
        public String toString() {
            return "request timeout of " + attempt.original.url();
        }
    }

    /** On the loop: the fetch's Future was cancelled (see {@link FetchFuture}). */
    private void cancelled(Attempt a) {
        if (a == null) {
            return; // cancelled before it started: start() sees the done future
        }
        loop.removeTimeout(a.timer);
        abandon(a);
    }

    private void start(HTTPRequest request, Future<HTTPResponse> result) {
        Attempt a = new Attempt(request, result);
        if (result.isDone()) {
            return; // cancelled before it started
        }
        if (result instanceof FetchFuture) {
            ((FetchFuture) result).attempt = a;
        }
        if (closed) {
            result.setException(new IllegalStateException("AsyncHTTPClient is closed; cannot fetch " + request.url()));
            return;
        }
        a.timer = loop.callLater(request.requestTimeout(), new RequestTimer(a));
        if (activeClients >= maxClients) {
            enqueue(a);
        } else {
            run(a);
        }
    }

    /** Counts {@code a} among the fetches in progress until its future is done, and starts it. */
    private void run(Attempt a) {
        activeClients++;
        a.result.addDoneCallback(done -> {
            if (loop.inLoopThread()) {
                clientDone();
            } else {
                loop.addCallback(this::clientDone);
            }
        });
        begin(a, a.original);
    }

    /**
     * Queues {@code a} until fewer than {@link #maxClients()} fetches are in progress; it fails with an
     * {@link HTTPTimeoutError} if it is still queued after the shorter of its connect and request timeouts
     * (Tornado's "Timeout in request queue").
     */
    private void enqueue(Attempt a) {
        a.phase = "waiting in the request queue (maxClients " + maxClients + ")";
        queued.add(a);
        HTTPRequest r = a.original;
        Duration wait = r.connectTimeout().compareTo(r.requestTimeout()) < 0 ? r.connectTimeout() : r.requestTimeout();
        a.queueTimer = loop.callLater(wait, () -> {
            if (queued.remove(a)) {
                fail(a, new HTTPTimeoutError("Timeout in request queue for " + a.describe() + " after " + wait
                        + ": " + maxClients + " fetches (maxClients) were in progress all that time"));
            }
        });
    }

    /** On the loop: a fetch in progress is done; starts queued ones while there is room. */
    private void clientDone() {
        activeClients--;
        while (activeClients < maxClients && !queued.isEmpty()) {
            Attempt next = queued.poll();
            loop.removeTimeout(next.queueTimer);
            if (!next.done()) {
                run(next);
            }
        }
    }

    private void begin(Attempt a, HTTPRequest r) {
        a.request = r;
        URI uri;
        try {
            uri = new URI(r.url());
        } catch (URISyntaxException e) {
            fail(a, new IllegalArgumentException("Invalid URL " + r.url() + ": " + e.getMessage(), e));
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            fail(a, new IllegalArgumentException("Unsupported URL " + r.url() + ": AsyncHTTPClient supports only"
                    + " http:// and https://"));
            return;
        }
        a.https = scheme.equals("https");
        String trust = "";
        if (a.https) {
            try {
                trust = chooseTrust(a, r);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                fail(a, new IllegalArgumentException("Cannot use the CA file " + r.caCerts() + " for " + r.url()
                        + ": " + e.getMessage(), e));
                return;
            }
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            fail(a, new IllegalArgumentException("Invalid URL " + r.url() + ": no host"));
            return;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        a.uri = uri;
        a.host = host;
        a.port = uri.getPort() < 0 ? defaultPort(a) : uri.getPort();
        a.key = (a.https ? "https://" : "") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.port + trust;
        a.proxyHost = r.proxyHost();
        if (a.proxyHost != null) {
            if (r.proxyPort() == 0) {
                fail(a, new IllegalArgumentException("proxyHost " + a.proxyHost + " is set without a proxyPort for "
                        + r.url()));
                return;
            }
            a.proxyPort = r.proxyPort();
            a.key += " via proxy " + a.proxyHost + ":" + a.proxyPort
                    + (r.proxyUsername() != null ? " as " + r.proxyUsername() : "");
        }
        if (r.authUsername() != null && !r.authMode().equalsIgnoreCase("basic")) {
            fail(a, new IllegalArgumentException("Unsupported authMode '" + r.authMode() + "' for " + r.url()
                    + ": AsyncHTTPClient supports \"basic\""));
            return;
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        a.target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        acquire(a);
    }

    private static int defaultPort(Attempt a) {
        return a.https ? 443 : 80;
    }

    /** Picks the TLS context of {@code r} and returns the pool-key suffix that keeps its connections apart. */
    private String chooseTrust(Attempt a, HTTPRequest r) throws IOException, GeneralSecurityException {
        if (r.insecureSkipCertificateVerification()) {
            if (insecureContext == null) {
                insecureContext = TLS.insecureTrustAllContext();
            }
            a.tlsContext = insecureContext;
            a.verify = false;
            return " (insecure)";
        }
        a.verify = true;
        if (r.sslContext() != null) {
            a.tlsContext = r.sslContext();
            return " (context " + Integer.toHexString(System.identityHashCode(r.sslContext())) + ")";
        }
        if (r.caCerts() != null) {
            Path file = r.caCerts().toAbsolutePath();
            SSLContext ctx = caContexts.get(file);
            if (ctx == null) {
                ctx = TLS.clientContextTrusting(file);
                caContexts.put(file, ctx);
            }
            a.tlsContext = ctx;
            return " (CA " + file + ")";
        }
        a.tlsContext = null; // TLS.defaultClientContext()
        return "";
    }

    private void acquire(Attempt a) {
        a.phase = "waiting for a free connection to " + a.key;
        pool(a.key).acquire(a);
    }

    private HostPool pool(String key) {
        return pools.computeIfAbsent(key, k -> new HostPool(maxConnectionsPerHost));
    }

    private void connect(Attempt a) {
        a.phase = "connecting to " + a.key;
        HostPool pool = pool(a.key);
        String key = a.key;
        Future<IOStream> f;
        try {
            if (a.proxyHost != null) {
                f = ProxyTunnel.connect(tcpClient, a.request, a.proxyHost, a.proxyPort, a.https, a.host, a.port,
                        a.tlsContext, a.verify, HTTP11, maxHeaderSize);
            } else {
                f = a.https ? tcpClient.connect(a.host, a.port, a.request.connectTimeout(), a.tlsContext, a.verify,
                        HTTP11) : tcpClient.connect(a.host, a.port, a.request.connectTimeout());
            }
        } catch (RuntimeException e) {
            f = Future.failed(e);
        }
        f.addDoneCallback(done -> onLoop(a, () -> {
            Throwable t = done.exception();
            if (t != null) {
                fail(a, connectError(a, t));
                pool.slotFreed();
                return;
            }
            HTTP1ClientConnection c = new HTTP1ClientConnection(key, done.result(), maxHeaderSize, maxBodySize);
            if (a.done()) {
                pool.release(c, true, !closed);
            } else {
                exchange(a, c);
            }
        }));
    }

    private HTTPClientError connectError(Attempt a, Throwable t) {
        if (t instanceof HTTPClientError) {
            return (HTTPClientError) t; // the proxy's answer, already explained
        }
        if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
            return new HTTPTimeoutError("Timeout connecting to " + a.key + " for " + a.describe()
                    + " after " + a.request.connectTimeout(), t);
        }
        return new HTTPClientError(599, "Cannot connect to " + a.key + " for " + a.describe() + ": "
                + (t.getMessage() != null ? t.getMessage() : t.toString()), null, t);
    }

    private void exchange(Attempt a, HTTP1ClientConnection c) {
        a.connection = c;
        a.phase = "waiting for the response from " + a.key;
        HTTPRequest r = a.request;
        byte[] body = r.body();
        ByteArrayBuilder head = new ByteArrayBuilder(256);
        head.appendLatin1(r.method() + " ");
        if (a.proxyHost != null && !a.https) {
            // absolute-form for a proxy (RFC 9112 3.2.2)
            head.appendLatin1("http://" + (a.host.indexOf(':') >= 0 ? "[" + a.host + "]" : a.host)
                    + (a.port == defaultPort(a) ? "" : ":" + a.port));
        }
        head.appendUtf8(a.target);
        head.appendLatin1(" HTTP/1.1\r\n");
        HTTPHeaders h = r.headers();
        if (!h.contains("Host")) {
            head.appendLatin1("Host: " + (a.host.indexOf(':') >= 0 ? "[" + a.host + "]" : a.host)
                    + (a.port == defaultPort(a) ? "" : ":" + a.port) + "\r\n");
        }
        if (!h.contains("User-Agent")) {
            head.appendLatin1("User-Agent: " + (r.userAgent() != null ? r.userAgent() : USER_AGENT) + "\r\n");
        }
        if (r.decompressResponse() && !h.contains("Accept-Encoding")) {
            head.appendLatin1("Accept-Encoding: gzip\r\n");
        }
        if (r.authUsername() != null && !h.contains("Authorization")) {
            head.appendLatin1("Authorization: " + ProxyTunnel.basic(r.authUsername(), r.authPassword()) + "\r\n");
        }
        if (a.proxyHost != null && !a.https && r.proxyUsername() != null && !h.contains("Proxy-Authorization")) {
            head.appendLatin1("Proxy-Authorization: " + ProxyTunnel.basic(r.proxyUsername(), r.proxyPassword())
                    + "\r\n");
        }
        boolean bodyMethod = r.method().equals("POST") || r.method().equals("PUT") || r.method().equals("PATCH");
        BodyProducer producer = r.bodyProducer();
        boolean chunked = producer != null && !h.contains("Content-Length") && !h.contains("Transfer-Encoding");
        if (chunked) {
            head.appendLatin1("Transfer-Encoding: chunked\r\n");
            body = null;
        } else if ((body != null || bodyMethod) && !h.contains("Content-Length") && !h.contains("Transfer-Encoding")) {
            head.appendLatin1("Content-Length: " + (body == null ? 0 : body.length) + "\r\n");
        }
        if (body != null && r.method().equals("POST") && !h.contains("Content-Type")) {
            // Tornado's default: a POST body without a type is taken for a form.
            head.appendLatin1("Content-Type: application/x-www-form-urlencoded\r\n");
        }
        h.writeTo(head);
        head.appendLatin1("\r\n");
        Future<HTTP1ClientConnection.Exchange> f;
        try {
            f = c.send(head.toByteArray(), producer != null ? null : body, r.method().equals("HEAD"),
                    h.containsToken("Connection", "close"), ResponseStreaming.of(r, loop), producer, chunked);
        } catch (RuntimeException e) {
            f = Future.failed(e);
        }
        f.addDoneCallback(done -> onLoop(a, () -> onExchange(a, c, done)));
    }

    private void onExchange(Attempt a, HTTP1ClientConnection c, Future<HTTP1ClientConnection.Exchange> f) {
        a.connection = null;
        HostPool pool = pool(c.key);
        Throwable t = f.exception();
        if (t != null) {
            c.close();
            if (t instanceof HTTP1ClientConnection.StaleConnectionException && !a.retried && !a.done()) {
                a.retried = true;
                pool.slotFreed();
                acquire(a);
                return;
            }
            pool.slotFreed();
            if (!a.done()) {
                fail(a, t instanceof HTTPClientError ? t : new HTTPClientError(599, "Request " + a.describe()
                        + " failed: " + t, null, t));
            }
            return;
        }
        HTTP1ClientConnection.Exchange x = f.result();
        pool.release(c, x.reusable, !closed);
        if (a.done()) {
            return;
        }
        String location = x.headers.get("Location");
        if (a.request.followRedirects() && location != null && isRedirect(x.code)
                && a.redirects < a.request.maxRedirects()
                && !(a.request.bodyProducer() != null && (x.code == 307 || x.code == 308))) { // can't replay it
            URI next;
            try {
                next = a.uri.resolve(location.trim());
            } catch (IllegalArgumentException e) {
                fail(a, new HTTPClientError(599, "Invalid redirect Location " + location + " from " + a.describe(),
                        null, e));
                return;
            }
            a.redirects++;
            HTTPRequest nr = new HTTPRequest(a.request, next.toString());
            if (x.code == 303 || ((x.code == 301 || x.code == 302) && a.request.method().equals("POST"))) {
                if (!a.request.method().equals("HEAD")) {
                    nr.method("GET");
                }
                nr.body((byte[]) null);
                nr.bodyProducer(null);
                nr.headers().remove("Content-Length");
                nr.headers().remove("Content-Type");
                nr.headers().remove("Transfer-Encoding");
            }
            if (!sameOrigin(a.uri, next)) {
                // credentials belong to the origin they were given for, never to the one a redirect names
                nr.headers().remove("Host");
                nr.headers().remove("Authorization");
                nr.headers().remove("Cookie");
                nr.authUsername(null).authPassword(null);
            }
            begin(a, nr);
            return;
        }
        if (a.request.decompressResponse() && GzipDecoder.isGzip(x.headers.get("Content-Encoding"))) {
            try {
                x.body = ResponseStreaming.inflate(x.headers, x.body, maxBodySize, a.key);
            } catch (HTTPInputException e) {
                fail(a, new HTTPClientError(599, (e.status() == 413 ? "Response from " + a.key + " is too large: "
                        : "Malformed gzip response from " + a.key + ": ") + e.getMessage(), null, e));
                return;
            }
        }
        HTTPResponse response = new HTTPResponse(a.original, x.code, x.reason, x.headers, x.body,
                Duration.ofNanos(System.nanoTime() - a.startNanos), a.request.url());
        if (a.original.raiseError() && (x.code < 200 || x.code >= 300)) {
            fail(a, new HTTPClientError(x.code, null, response));
        } else if (a.result.trySetResult(response)) {
            loop.removeTimeout(a.timer);
        }
    }

    /** True if {@code b} has the scheme, host and port of {@code a} (RFC 6454 origins). */
    private static boolean sameOrigin(URI a, URI b) {
        if (b.getHost() == null || !b.getHost().equalsIgnoreCase(a.getHost())
                || !String.valueOf(b.getScheme()).equalsIgnoreCase(String.valueOf(a.getScheme()))) {
            return false;
        }
        int dp = "https".equalsIgnoreCase(a.getScheme()) ? 443 : 80;
        return (a.getPort() < 0 ? dp : a.getPort()) == (b.getPort() < 0 ? dp : b.getPort());
    }

    private static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    private void onTimeout(Attempt a) {
        if (a.done()) {
            return;
        }
        fail(a, new HTTPTimeoutError("Timeout " + a.phase + " for " + a.describe() + " after "
                + a.original.requestTimeout()));
        abandon(a);
    }

    /** On the loop: takes {@code a} out of its host's queue and closes its connection (never pooled again). */
    private void abandon(Attempt a) {
        if (queued.remove(a)) {
            loop.removeTimeout(a.queueTimer);
        }
        HostPool pool = a.key == null ? null : pools.get(a.key);
        if (pool != null) {
            pool.remove(a);
        }
        HTTP1ClientConnection c = a.connection;
        if (c != null) {
            c.close();
        }
    }

    private void fail(Attempt a, Throwable t) {
        if (a.result.trySetException(t)) {
            loop.removeTimeout(a.timer);
        }
    }

    /** Runs {@code r} on the loop; if it throws (a bug), the fetch fails at once rather than at its timeout. */
    private void onLoop(Attempt a, Runnable r) {
        Runnable guarded = () -> {
            try {
                r.run();
            } catch (Throwable t) {
                Log.error("AsyncHTTPClient: internal error during " + a.describe(), t);
                fail(a, t);
            }
        };
        if (loop.inLoopThread()) {
            guarded.run();
        } else {
            loop.addCallback(guarded);
        }
    }

    /**
     * Sets the most fetches in progress at once over all hosts (Tornado's {@code max_clients}; default
     * unlimited, so only {@link #maxConnectionsPerHost()} applies). Further fetches wait in a FIFO queue;
     * one still queued after the shorter of its connect and request timeouts fails with an
     * {@link HTTPTimeoutError} ("Timeout in request queue"). The time queued also counts towards the request
     * timeout. Call on the loop thread, before fetching.
     *
     * @param n at least 1
     * @return this
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public AsyncHTTPClient maxClients(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1, got " + n);
        }
        this.maxClients = n;
        return this;
    }

    /** @return the most fetches in progress at once */
    public int maxClients() {
        return maxClients;
    }

    /** @return fetches waiting for a place under {@link #maxClients()} now */
    public int queuedFetches() {
        return queued.size();
    }

    @Override
    public String toString() {
        return "AsyncHTTPClient(open=" + openConnections() + ", idle=" + idleConnections() + ")";
    }
}
