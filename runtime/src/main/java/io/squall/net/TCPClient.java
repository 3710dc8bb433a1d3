package io.squall.net;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * Opens TCP connections without blocking the loop: Tornado's {@code TCPClient}.
 *
 * <p>{@link #connect} resolves the host (host names off the loop, on the {@link IOLoop#runInExecutor}
 * pool; address literals directly), then connects to its addresses in turn until one accepts, and
 * returns a future of an {@link IOStream} on the calling thread's loop.
 *
 * <p>Threads: {@code connect} uses the calling thread's loop ({@link IOLoop#current()}), so call it on the loop
 * thread the stream is to live on (in a coroutine or callback there). On a worker thread that has no loop of
 * its own (a pool thread, a {@code runInExecutor} task) it throws an {@link IllegalStateException} naming the
 * thread and the loop running elsewhere, instead of connecting on a loop that nobody runs; hand the call to
 * the loop with {@code loop.addCallback(() -> ...)}.
 *
 * <pre>
 *   new TCPClient().connect("localhost", 8888, Duration.ofSeconds(5))
 *       .addDoneCallback(f -&gt; f.result().write("hello\n".getBytes(UTF_8)));
 * </pre>
 */
public class TCPClient {

    private volatile int maxBufferSize = IOStream.DEFAULT_MAX_BUFFER_SIZE;

    /** Creates a client whose streams use {@link IOStream#DEFAULT_MAX_BUFFER_SIZE}. */
    public TCPClient() {}

    /**
     * Sets the read buffer limit of the streams this client opens from now on.
     *
     * @param maxBufferSize most buffered, unread bytes per stream, positive
     * @throws IllegalArgumentException if {@code maxBufferSize} is not positive
     */
    public void setMaxBufferSize(int maxBufferSize) {
        if (maxBufferSize <= 0) {
            throw new IllegalArgumentException("TCPClient: maxBufferSize must be positive, got " + maxBufferSize);
        }
        this.maxBufferSize = maxBufferSize;
    }

    /**
     * Connects to {@code host:port} with no time limit beyond the operating system's.
     *
     * @param host a host name or address literal
     * @param port the port, 1 to 65535
     * @return a future of the connected stream, on the current thread's loop. It fails with
     *     {@link UnknownHostException} if the host cannot be resolved, and with {@link ConnectException}
     *     (its message naming host:port, its cause the original error) if no address accepts the connection
     * @throws IllegalArgumentException if the port is out of range
     */
    public Future<IOStream> connect(String host, int port) {
        return connect(host, port, null);
    }

    /**
     * Connects to {@code host:port}, giving up after {@code timeout}.
     *
     * @param host a host name or address literal
     * @param port the port, 1 to 65535
     * @param timeout the most time for resolving and connecting, or null for no limit
     * @return a future of the connected stream, on the current thread's loop. It fails with
     *     {@link TimeoutException} when the timeout passes first, with {@link UnknownHostException} if the
     *     host cannot be resolved, and with {@link ConnectException} (naming host:port) if no address accepts
     *     the connection. Cancelling it abandons the attempt (its socket is released at the next connect
     *     event or at the timeout)
     * @throws IllegalArgumentException if the port is out of range or the timeout is negative
     * @throws IllegalStateException on a worker thread that has no loop of its own (see the class comment)
     */
    public Future<IOStream> connect(String host, int port, Duration timeout) {
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("TCPClient.connect: port must be between 1 and 65535, got " + port);
        }
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("TCPClient.connect: timeout must not be negative, got " + timeout);
        }
        return new Connector(IOLoop.current(), host, port, timeout, maxBufferSize).start();
    }

    /**
     * Connects to {@code host:port} and starts TLS (Tornado's {@code connect(..., ssl_options=...)}): the
     * server's certificate chain is checked against {@code context} and its host name against
     * {@code host}, and SNI names {@code host}.
     *
     * @param host a host name or address literal; also the name the certificate must carry
     * @param port the port
     * @param timeout the most time for connecting, and again for the handshake, or null for no limit
     * @param context the trust to use, or null for {@link TLS#defaultClientContext()} (the JDK's trust store)
     * @return a future of the stream once the handshake is done. Besides the failures of
     *     {@link #connect(String, int, Duration)} it fails with an {@link javax.net.ssl.SSLHandshakeException}
     *     whose message names the host and says why (expired, wrong host name, untrusted issuer)
     */
    public Future<IOStream> connect(String host, int port, Duration timeout, SSLContext context) {
        return connect(host, port, timeout, context, true, null);
    }

    /**
     * Connects to {@code host:port} and starts TLS, with every choice explicit.
     *
     * @param host a host name or address literal
     * @param port the port
     * @param timeout the most time for connecting, and again for the handshake, or null for no limit
     * @param context the trust to use, or null for {@link TLS#defaultClientContext()}
     * @param verifyHostname false to skip the host name check (insecure unless the context pins the peer)
     * @param applicationProtocols ALPN protocols to offer, or null
     * @return a future of the stream once the handshake is done; fails as
     *     {@link #connect(String, int, Duration, SSLContext)}
     */
    public Future<IOStream> connect(String host, int port, Duration timeout, SSLContext context,
            boolean verifyHostname, List<String> applicationProtocols) {
        SSLContext ctx = context != null ? context : TLS.defaultClientContext();
        Future<IOStream> result = new Future<>();
        connect(host, port, timeout).addDoneCallback(f -> {
            if (f.exception() != null) {
                result.trySetException(f.exception());
                return;
            }
            IOStream stream = f.result();
            if (result.isDone()) {
                stream.close(); // cancelled meanwhile
                return;
            }
            Future<IOStream> hs;
            try {
                hs = stream.startTls(TLS.clientEngine(ctx, host, port, verifyHostname, applicationProtocols), timeout);
            } catch (RuntimeException e) {
                stream.close(e);
                result.trySetException(e);
                return;
            }
            hs.addDoneCallback(h -> {
                Throwable t = h.exception();
                if (t == null) {
                    if (!result.trySetResult(stream)) {
                        stream.close();
                    }
                } else {
                    stream.close(t);
                    result.trySetException(t instanceof SSLException || t instanceof StreamClosedException
                            ? TLS.explain(t, host, port) : t);
                }
            });
        });
        return result;
    }
}
