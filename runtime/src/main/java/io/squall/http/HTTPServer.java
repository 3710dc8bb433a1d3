package io.squall.http;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.squall.Future;
import io.squall.net.IOStream;
import io.squall.net.TCPServer;
import io.squall.net.TLS;

/**
 * A non-blocking HTTP/1.1 server (Tornado's {@code HTTPServer}): keep-alive, pipelining (answered in
 * order), chunked request and response bodies, {@code Expect: 100-continue}, HEAD, and limits and
 * timeouts that protect it from bad or slow clients. Every complete request goes to a
 * {@link RequestCallback}, usually an {@link Application}:
 *
 * <pre>{@code
 * HTTPServer server = new HTTPServer(new Application().addHandler("/", MainHandler.class));
 * server.listen(8888);
 * IOLoop.current().start();
 * }</pre>
 *
 * <p>Bad input is answered with 400 (malformed request line or headers, conflicting Content-Length and
 * Transfer-Encoding, bad chunk sizes, a bad Content-Length), 413 (body over {@link #maxBodySize}), 414
 * (request line over {@link #maxStartLineSize}), 431 (headers over {@link #maxHeaderSize}) or 505 (an HTTP
 * major version other than 1), and that connection is closed; the others are unaffected. Connections that
 * stay silent too long are closed: between requests after {@link #idleConnectionTimeout}, while
 * sending a request's head after {@link #headerTimeout}, while sending its body after
 * {@link #bodyTimeout}.
 *
 * <p>Configure before {@code listen}/{@code start}. Only {@code http://}; put a TLS-terminating proxy in
 * front for HTTPS.
 */
public class HTTPServer extends TCPServer {

    private static final List<String> HTTP11 = List.of("http/1.1");
    /** Default {@link #maxBodySize}: 100 MiB, as Tornado. */
    public static final long DEFAULT_MAX_BODY_SIZE = 100L << 20;
    /** Default {@link #maxHeaderSize}: 64 KiB, as Tornado. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 64 << 10;
    /** Default {@link #maxStartLineSize}: 8 KiB. */
    public static final int DEFAULT_MAX_START_LINE_SIZE = 8 << 10;

    private final RequestCallback callback;
    private final Set<HTTP1ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile long maxBodySize = DEFAULT_MAX_BODY_SIZE;
    private volatile int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
    private volatile int maxStartLineSize = DEFAULT_MAX_START_LINE_SIZE;
    private volatile long idleTimeoutNanos = Duration.ofHours(1).toNanos();
    private volatile long headerTimeoutNanos = Duration.ofSeconds(60).toNanos();
    private volatile long bodyTimeoutNanos = Duration.ofMinutes(5).toNanos();
    private volatile boolean noKeepAlive;
    private volatile String serverHeader = "Squall/0.1";
    private volatile boolean xheaders;
    private volatile ProxyHeaders trustedDownstream = ProxyHeaders.DEFAULT;
    private volatile boolean decompressRequest;
    /** Set by a graceful stop: no more keep-alive. */
    private volatile boolean draining;

    /**
     * Creates a server that hands every request to {@code callback}. For an {@link Application}, each handler
     * class routed so far that has {@code @Coroutine} methods the Squall agent did not rewrite (the agent is not
     * installed) is reported with a warning now, rather than as a 500 at the first request.
     *
     * @param callback an {@link Application} or any {@link RequestCallback}
     * @throws NullPointerException if {@code callback} is null
     */
    public HTTPServer(RequestCallback callback) {
        this.callback = Objects.requireNonNull(callback, "callback");
        if (callback instanceof Application) {
            ((Application) callback).checkCoroutinesRewritten();
        }
    }

    /** @return the request callback */
    public RequestCallback callback() {
        return callback;
    }

    /**
     * Sets the largest accepted request body; larger ones get 413.
     *
     * @param bytes the limit, at least 0
     * @return this
     * @throws IllegalArgumentException if negative
     */
    public HTTPServer maxBodySize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxBodySize must be at least 0, got " + bytes);
        }
        maxBodySize = bytes;
        return this;
    }

    /**
     * Sets the largest accepted header section; larger ones get 431.
     *
     * @param bytes the limit, at least 256
     * @return this
     * @throws IllegalArgumentException if below 256
     */
    public HTTPServer maxHeaderSize(int bytes) {
        if (bytes < 256) {
            throw new IllegalArgumentException("maxHeaderSize must be at least 256 bytes, got " + bytes);
        }
        maxHeaderSize = bytes;
        return this;
    }

    /**
     * Sets the longest accepted request line; longer ones get 414.
     *
     * @param bytes the limit, at least 64
     * @return this
     * @throws IllegalArgumentException if below 64
     */
    public HTTPServer maxStartLineSize(int bytes) {
        if (bytes < 64) {
            throw new IllegalArgumentException("maxStartLineSize must be at least 64 bytes, got " + bytes);
        }
        maxStartLineSize = bytes;
        return this;
    }

    /**
     * Sets how long a connection may stay silent between requests (default 1 hour).
     *
     * @param timeout the timeout; zero disables it
     * @return this
     */
    public HTTPServer idleConnectionTimeout(Duration timeout) {
        idleTimeoutNanos = timeout.toNanos();
        return this;
    }

    /**
     * Sets how long a client may take to send a request's head once it started (default 60 s).
     *
     * @param timeout the timeout; zero disables it
     * @return this
     */
    public HTTPServer headerTimeout(Duration timeout) {
        headerTimeoutNanos = timeout.toNanos();
        return this;
    }

    /**
     * Sets how long a client may take to send a request's body (default 5 minutes).
     *
     * @param timeout the timeout; zero disables it
     * @return this
     */
    public HTTPServer bodyTimeout(Duration timeout) {
        bodyTimeoutNanos = timeout.toNanos();
        return this;
    }

    /**
     * Closes every connection after one response when true (default false).
     *
     * @param value whether to refuse keep-alive
     * @return this
     */
    public HTTPServer noKeepAlive(boolean value) {
        noKeepAlive = value;
        return this;
    }

    /**
     * Sets the {@code Server} header added to responses that have none; null to add none.
     *
     * @param value the header value, default "Squall/0.1"
     * @return this
     * @throws IllegalArgumentException if it holds CR, LF or other control characters
     */
    public HTTPServer serverHeader(String value) {
        if (value != null) {
            HTTPHeaders.checkValue("Server", value);
        }
        serverHeader = value;
        return this;
    }

    /**
     * Trusts X-Real-Ip / X-Forwarded-For for {@link HTTPServerRequest#remoteIp()} and X-Scheme /
     * X-Forwarded-Proto ({@code http} or {@code https} only) for {@link HTTPServerRequest#protocol()} when
     * true (default false; Tornado's {@code xheaders}): turn it on only behind a proxy or load balancer that
     * sets these headers, and name that proxy with {@link #trustedDownstream(String...)} so that a client
     * reaching the server directly cannot spoof them.
     *
     * @param value whether to trust the proxy headers
     * @return this
     */
    public HTTPServer xheaders(boolean value) {
        xheaders = value;
        return this;
    }

    /** @return whether proxy headers are trusted for the client address */
    public boolean xheaders() {
        return xheaders;
    }

    /** @return the body size limit in bytes */
    public long maxBodySize() {
        return maxBodySize;
    }

    /** @return the header section limit in bytes */
    public int maxHeaderSize() {
        return maxHeaderSize;
    }

    /** @return the request line limit in bytes */
    public int maxStartLineSize() {
        return maxStartLineSize;
    }

    /** @return whether keep-alive is refused */
    public boolean noKeepAlive() {
        return noKeepAlive;
    }

    /** @return the Server header value, or null */
    public String serverHeader() {
        return serverHeader;
    }

    long idleConnectionTimeoutNanos() {
        return idleTimeoutNanos;
    }

    long headerTimeoutNanos() {
        return headerTimeoutNanos;
    }

    long bodyTimeoutNanos() {
        return bodyTimeoutNanos;
    }

    /**
     * Serves HTTPS: every connection accepted from now on speaks TLS with the secure defaults of
     * {@link TLS#serverEngine} (Mozilla "intermediate": TLS 1.2 and 1.3, forward-secret AEAD suites,
     * client-initiated renegotiation refused, the whole chain served) and ALPN accepting {@code http/1.1}.
     * Call before {@link #bind} or {@link #listen}.
     *
     * @param context the server's context, for instance from {@link TLS#serverContextFromPem} or
     *     {@link TLS#serverContextFromPkcs12}
     * @return this server
     * @throws IllegalStateException if a socket is already bound
     */
    @Override
    public HTTPServer ssl(SSLContext context) {
        super.ssl(context);
        return this;
    }

    /**
     * Serves HTTPS with {@code parameters} taken exactly as given (no Squall default added, ALPN included).
     * Call before {@link #bind} or {@link #listen}.
     *
     * @param context the server's context
     * @param parameters the engine parameters, or null for the secure defaults
     * @return this server
     * @throws IllegalStateException if a socket is already bound
     */
    @Override
    public HTTPServer ssl(SSLContext context, SSLParameters parameters) {
        super.ssl(context, parameters);
        return this;
    }

    /** HTTP/1.1 is the one protocol this server speaks; ALPN says so. */
    @Override
    protected List<String> applicationProtocols() {
        return HTTP11;
    }

    /**
     * Serves HTTP on a newly accepted connection; called by {@link TCPServer} on the stream's loop.
     *
     * @param stream the connection
     * @param address the client's address
     * @return a future completed when the connection is closed
     */
    @Override
    protected Future<?> handleStream(IOStream stream, InetSocketAddress address) {
        HTTP1ServerConnection connection = new HTTP1ServerConnection(this, stream, address);
        connections.add(connection);
        Future<Void> f = connection.start();
        if (draining) { // stop(Duration) began after this connection was accepted: it may not have seen it
            connection.drain();
        }
        return f;
    }

    /**
     * Stops gracefully (see {@link TCPServer#stop(Duration)}): new connections are refused; keep-alive
     * connections waiting for a request are closed now; a request in flight is answered, with
     * {@code Connection: close}, and its connection closed after the response; connections still open after
     * {@code gracePeriod} are closed, cancelling their handlers. Typical use, from a JVM shutdown hook on
     * SIGTERM: {@code server.stop(Duration.ofSeconds(10)).toCompletableFuture().get(15, SECONDS)}.
     *
     * @param gracePeriod how long requests in flight may take to finish
     * @return a future resolved once every connection is closed and the server's own loops have ended
     * @throws NullPointerException if {@code gracePeriod} is null
     * @throws IllegalArgumentException if {@code gracePeriod} is negative
     */
    @Override
    public Future<Void> stop(Duration gracePeriod) {
        return super.stop(gracePeriod);
    }

    /** Closes idle keep-alive connections and marks the others to close after their response; each on its loop. */
    @Override
    protected void closeIdleConnections() {
        draining = true;
        for (HTTP1ServerConnection c : connections.toArray(new HTTP1ServerConnection[0])) {
            c.drainFromAnyThread();
        }
    }

    void connectionClosed(HTTP1ServerConnection connection) {
        connections.remove(connection);
    }

    /** @return the number of open connections */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Closes every open connection, abandoning responses in progress (Tornado's
     * {@code close_all_connections}). Call {@link #stop()} first to stop accepting new ones. Safe from any
     * thread: each connection is closed on its own loop.
     */
    public void closeAllConnections() {
        for (HTTP1ServerConnection c : connections.toArray(new HTTP1ServerConnection[0])) {
            c.closeFromAnyThread();
        }
    }

    /**
     * Names the proxies whose headers are believed when {@link #xheaders(boolean)} is on (Tornado 6's
     * {@code trusted_downstream}, nginx's {@code set_real_ip_from}). X-Forwarded-For is walked from the right
     * past these addresses only; the first other hop is the client. A request whose socket peer is not in the
     * list is taken as coming from the client itself: its X- headers are ignored. With no list (the default)
     * the socket peer is trusted and the rightmost X-Forwarded-For entry is the client, as Tornado.
     *
     * @param addressesOrRanges IP addresses ("127.0.0.1", "::1") and CIDR ranges ("10.0.0.0/8", "fd00::/8");
     *     host names are refused, since resolving them per request would be slow and spoofable
     * @return this
     * @throws IllegalArgumentException for a host name, a malformed address or a bad prefix length
     */
    public HTTPServer trustedDownstream(String... addressesOrRanges) {
        trustedDownstream = ProxyHeaders.of(addressesOrRanges);
        return this;
    }

    /** @return the proxies named by {@link #trustedDownstream(String...)}, as given */
    public java.util.List<String> trustedDownstream() {
        return trustedDownstream.specs();
    }

    ProxyHeaders trustedDownstreamList() {
        return trustedDownstream;
    }

    /**
     * Inflates request bodies sent with {@code Content-Encoding: gzip} before the handler sees them (Tornado's
     * {@code decompress_request}; default false). The inflated size is held to {@link #maxBodySize(long)}: a
     * body that inflates past it (a gzip bomb) is refused with 413 as soon as the limit is passed, so memory
     * stays bounded by the limit; data that is not gzip gets 400. The handler sees the inflated body, a
     * Content-Length that matches it, and the coding in {@code X-Consumed-Content-Encoding} instead of
     * Content-Encoding. A {@link StreamRequestBody} handler receives the inflated pieces, held to its own
     * limit, each handed over before more is inflated.
     *
     * @param value whether to inflate gzip request bodies
     * @return this
     */
    public HTTPServer decompressRequest(boolean value) {
        decompressRequest = value;
        return this;
    }

    /** @return whether gzip request bodies are inflated */
    public boolean decompressRequest() {
        return decompressRequest;
    }
}
