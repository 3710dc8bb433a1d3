package io.squall.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.Timeout;
import io.squall.internal.Log;

/**
 * A non-blocking TCP server: Tornado's {@code TCPServer}. Subclass it and implement
 * {@link #handleStream}, which is called on a loop thread for each accepted connection.
 *
 * <pre>
 *   class EchoServer extends TCPServer {
 *       &#64;Override
 *       protected Future&lt;?&gt; handleStream(IOStream stream, InetSocketAddress address) {
 *           return stream.readUntil(new byte[] {'\n'}).addDoneCallback(...);   // or a &#64;Coroutine
 *       }
 *   }
 *   // one loop, the current thread's:
 *   server.listen(8888);  IOLoop.current().start();
 *   // or n loops on n threads:
 *   server.bind(8888, null);  server.start(4);  ...  server.stop();
 * </pre>
 *
 * <p>Lifecycle: configure ({@link #setBacklog}, {@link #setMaxBufferSize}, {@link #setReusePort}), then
 * either {@link #listen} (accept on the current thread's loop, which the caller runs) or {@link #bind}
 * followed by {@link #start} (accept on n new loops, each on its own thread); finally {@link #stop}.
 *
 * <p>With {@code start(n)} and n &gt; 1, connections are spread over the loops: by the kernel where the
 * platform has SO_REUSEPORT (each loop gets its own listening socket on the same port), otherwise by the
 * first loop, which accepts every connection and hands them out round-robin ({@link #setReusePort
 * setReusePort(false)} forces this). A connection stays on the loop that got it: its {@link #handleStream},
 * everything that handling schedules, and the coroutines it starts run there, with that loop as
 * {@link IOLoop#current()}.
 *
 * <p>{@link #stop()} stops at once; {@link #stop(Duration)} stops gracefully: it stops accepting, lets open
 * connections finish for up to a grace period (subclasses close idle ones first, see
 * {@link #closeIdleConnections()}), closes what is left, and resolves a Future when done.
 */
public abstract class TCPServer {

    /**
     * The default listen backlog: large, because Tornado's 128 overflowed at 200 parallel clients, and a burst
     * of thousands of connects (a c10k client starting) otherwise overflows it too, turning into SYN retries
     * a second or more later. Linux caps it at {@code net.core.somaxconn} (4096 by default), as it does
     * Netty's default.
     */
    public static final int DEFAULT_BACKLOG = 4096;

    /** How long a TLS handshake may take before the connection is closed, unless set otherwise. */
    public static final Duration DEFAULT_SSL_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private int backlog = DEFAULT_BACKLOG;
    private int maxBufferSize = IOStream.DEFAULT_MAX_BUFFER_SIZE;
    /** SO_REUSEPORT: null picks it at {@link #start} where the platform has it; true/false as set. */
    private Boolean reusePort;
    private volatile SSLContext sslContext;
    private volatile SSLParameters sslParameters;
    private volatile Duration sslHandshakeTimeout = DEFAULT_SSL_HANDSHAKE_TIMEOUT;

    /** Sockets bound by {@link #bind}, waiting for {@link #start}. */
    private final List<ServerSocketChannel> unstarted = new ArrayList<>();
    /** Addresses of every socket this server bound (not counting SO_REUSEPORT siblings). */
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final List<Acceptor> acceptors = new ArrayList<>();
    private final List<LoopThread> loopThreads = new ArrayList<>();
    private boolean started;
    private volatile boolean stopped;
    private boolean loopsShutDown;
    /** The streams this server accepted and that are still open, for {@link #stop(Duration)}. */
    private final OpenStreams open = new OpenStreams();
    /** The future of the first {@link #stop(Duration)}, or null. */
    private Future<Void> gracefulStop;

    /** Creates a server; nothing is bound until {@link #listen} or {@link #bind}. */
    protected TCPServer() {}

    /**
     * Handles one accepted connection. Called on the loop that accepted it (or was handed it), with that
     * loop current. It may be a {@code @Coroutine}.
     *
     * @param stream the connection
     * @param address the peer's address
     * @return a future of the handling, or null. If the method throws, or the future fails, the failure
     *     is logged (a {@link StreamClosedException} only at debug level: peers disconnect) and the stream
     *     is closed
     */
    protected abstract Future<?> handleStream(IOStream stream, InetSocketAddress address);

    // ---------------------------------------------------------------------------------------------------
    // Options

    /**
     * Sets the listen backlog of sockets bound from now on.
     *
     * @param backlog the most connections the kernel queues before they are accepted, positive
     * @throws IllegalArgumentException if {@code backlog} is not positive
     */
    public synchronized void setBacklog(int backlog) {
        if (backlog <= 0) {
            throw new IllegalArgumentException("TCPServer: backlog must be positive, got " + backlog);
        }
        this.backlog = backlog;
    }

    /**
     * Returns the listen backlog.
     *
     * @return the backlog, {@link #DEFAULT_BACKLOG} unless set
     */
    public synchronized int backlog() {
        return backlog;
    }

    /**
     * Sets the read buffer limit of the streams accepted from now on.
     *
     * @param maxBufferSize most buffered, unread bytes per connection, positive
     * @throws IllegalArgumentException if {@code maxBufferSize} is not positive
     */
    public synchronized void setMaxBufferSize(int maxBufferSize) {
        if (maxBufferSize <= 0) {
            throw new IllegalArgumentException("TCPServer: maxBufferSize must be positive, got " + maxBufferSize);
        }
        this.maxBufferSize = maxBufferSize;
    }

    /**
     * Returns the read buffer limit of accepted streams.
     *
     * @return the limit, {@link IOStream#DEFAULT_MAX_BUFFER_SIZE} unless set
     */
    public synchronized int maxBufferSize() {
        return maxBufferSize;
    }

    /**
     * Chooses how {@link #start start(n)} with n &gt; 1 spreads connections over its loops. Unless this is
     * called, {@code start} uses SO_REUSEPORT where the platform has it: the socket from {@link #bind} (bound
     * exclusively, so a port in use is still an error) gets the option and each further loop its own socket
     * on the port, and the kernel spreads connections; if that fails, or the platform lacks the option, the
     * first loop accepts and hands connections out round-robin.
     *
     * <p>{@code true} sets SO_REUSEPORT on sockets bound from now on (call it before {@link #bind}), so other
     * processes of the same user may bind the same port too (to share it, or to replace this server without
     * refusing connections). {@code false} always uses the round-robin hand-off.
     *
     * @param on true to set SO_REUSEPORT when binding, false never to use it
     */
    public synchronized void setReusePort(boolean on) {
        this.reusePort = on;
    }

    /**
     * Serves TLS on every connection accepted from now on (Tornado's {@code ssl_options}), with the secure
     * defaults of {@link TLS#serverEngine} (TLS 1.2 and 1.3, forward-secret AEAD suites, the whole
     * certificate chain of {@code context} served, client-initiated renegotiation refused). Call before
     * {@link #bind} or {@link #listen}.
     *
     * @param context the server's context, for instance from {@link TLS#serverContextFromPem}
     * @return this server
     * @throws IllegalStateException if a socket is already bound
     */
    public TCPServer ssl(SSLContext context) {
        return ssl(context, null);
    }

    /**
     * Serves TLS with {@code parameters} taken exactly as given (protocols, cipher suites, ALPN, client
     * authentication): no Squall default is added. Call before {@link #bind} or {@link #listen}.
     *
     * @param context the server's context
     * @param parameters the parameters for every engine, or null for the secure defaults
     * @return this server
     * @throws IllegalStateException if a socket is already bound
     */
    public synchronized TCPServer ssl(SSLContext context, SSLParameters parameters) {
        Objects.requireNonNull(context, "context");
        if (!bound.isEmpty()) {
            throw new IllegalStateException("TCPServer.ssl: the server is already bound; call ssl() before bind()/listen()");
        }
        this.sslContext = context;
        this.sslParameters = parameters;
        return this;
    }

    /**
     * Sets how long a client may take to finish the TLS handshake before its connection is closed.
     *
     * @param timeout the limit, positive, or null for none
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public void setSslHandshakeTimeout(Duration timeout) {
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("TCPServer: the TLS handshake timeout must be positive, got " + timeout);
        }
        this.sslHandshakeTimeout = timeout;
    }

    /**
     * Returns the TLS context set by {@link #ssl}.
     *
     * @return the context, or null for a plain server
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * The ALPN protocols a TLS server with default parameters accepts; {@link io.squall.http.HTTPServer}
     * says {@code http/1.1}. Called on a loop thread for each connection.
     *
     * @return the protocols, or null for no ALPN
     */
    protected List<String> applicationProtocols() {
        return null;
    }

    /**
     * Tells whether this platform supports SO_REUSEPORT on server sockets.
     *
     * @return true if {@link #setReusePort} can take effect
     */
    public static boolean reusePortSupported() {
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            return ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Binding and starting

    /**
     * Listens on {@code port} on all interfaces and accepts on the current thread's loop
     * ({@link IOLoop#current()}), which the caller then runs.
     *
     * @param port the port, or 0 for an ephemeral one (see {@link #port()})
     * @throws UncheckedIOException wrapping a {@link BindException} if the address is in use, or the
     *     {@link IOException} if the socket cannot be opened
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if the server was stopped
     */
    public void listen(int port) {
        listen(port, null);
    }

    /**
     * Listens on {@code port} on the addresses {@code address} resolves to (all interfaces if null or
     * empty), and accepts on the current thread's loop, which the caller then runs.
     *
     * @param port the port, or 0 for an ephemeral one (see {@link #port()})
     * @param address a host name or address literal, or null for all interfaces
     * @throws UncheckedIOException wrapping a {@link BindException} if the address is in use, an
     *     {@link UnknownHostException} if it cannot be resolved, or the {@link IOException} otherwise
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if the server was stopped
     */
    public synchronized void listen(int port, String address) {
        checkNotStopped("listen");
        IOLoop loop = IOLoop.current();
        for (ServerSocketChannel s : bindSockets(port, address)) {
            Acceptor a = new Acceptor(s, loop, this::acceptConnection, c -> handleConnection(c, loop));
            acceptors.add(a);
            a.start();
        }
    }

    /**
     * Binds {@code port} on the addresses {@code address} resolves to (all interfaces if null or empty)
     * now; connections are accepted after {@link #start}. May be called several times.
     *
     * @param port the port, or 0 for an ephemeral one (see {@link #port()})
     * @param address a host name or address literal, or null for all interfaces
     * @throws UncheckedIOException wrapping a {@link BindException} if the address is in use, an
     *     {@link UnknownHostException} if it cannot be resolved, or the {@link IOException} otherwise
     * @throws IllegalArgumentException if the port is out of range
     * @throws IllegalStateException if the server was started or stopped
     */
    public synchronized void bind(int port, String address) {
        checkNotStopped("bind");
        if (started) {
            throw new IllegalStateException("TCPServer.bind: the server is already started; bind before start()");
        }
        unstarted.addAll(bindSockets(port, address));
    }

    /**
     * Starts {@code numLoops} loops on as many new threads ({@code squall-loop-N}) and accepts the
     * connections of every socket bound by {@link #bind} on them. Returns at once; the threads keep the
     * JVM alive until {@link #stop}.
     *
     * @param numLoops how many loops, or 0 (or less) for one per available processor
     * @throws IllegalStateException if nothing was bound, or the server was already started or stopped
     * @throws UncheckedIOException if an SO_REUSEPORT sibling socket cannot be bound
     */
    public synchronized void start(int numLoops) {
        checkNotStopped("start");
        if (started) {
            throw new IllegalStateException("TCPServer.start: the server is already started");
        }
        if (unstarted.isEmpty()) {
            throw new IllegalStateException("TCPServer.start: no socket is bound; call bind(port, address) first");
        }
        int n = numLoops > 0 ? numLoops : Runtime.getRuntime().availableProcessors();
        started = true;
        for (int i = 0; i < n; i++) {
            loopThreads.add(new LoopThread());
        }
        for (ServerSocketChannel s : unstarted) {
            List<ServerSocketChannel> siblings = n > 1 ? reusePortSiblings(s) : null;
            if (siblings != null) {
                startReusePortGroup(s, siblings);
            } else {
                startRoundRobin(s);
            }
        }
        unstarted.clear();
        for (LoopThread t : loopThreads) {
            t.start();
        }
    }

    /**
     * Opens the extra listening sockets that share {@code s}'s port through SO_REUSEPORT, one per loop
     * after the first; null to use the round-robin hand-off instead.
     */
    private List<ServerSocketChannel> reusePortSiblings(ServerSocketChannel s) {
        SocketOption<Boolean> option = StandardSocketOptions.SO_REUSEPORT;
        if (Boolean.FALSE.equals(reusePort) || !s.supportedOptions().contains(option)) {
            return null;
        }
        InetSocketAddress address;
        try {
            address = (InetSocketAddress) s.getLocalAddress();
            if (reusePort == null) {
                s.setOption(option, true); // after an exclusive bind: only our own siblings join it
            } else if (!s.getOption(option)) {
                return null;
            }
        } catch (IOException | UnsupportedOperationException e) {
            Log.debug("TCPServer.start: no SO_REUSEPORT on " + s + " (" + e + "); one loop accepts for all");
            return null;
        }
        List<ServerSocketChannel> siblings = new ArrayList<>();
        try {
            for (int i = 1; i < loopThreads.size(); i++) {
                siblings.add(openSocket(address, true));
            }
            return siblings;
        } catch (RuntimeException e) {
            for (ServerSocketChannel sibling : siblings) {
                closeQuietly(sibling);
            }
            if (reusePort != null) {
                throw e;
            }
            Log.debug("TCPServer.start: cannot share " + describe(address) + " through SO_REUSEPORT (" + e
                    + "); one loop accepts for all");
            try {
                s.setOption(option, false);
            } catch (IOException | RuntimeException ignored) {
                // the socket keeps working either way
            }
            return null;
        }
    }

    private void startRoundRobin(ServerSocketChannel s) {
        LoopThread first = loopThreads.get(0);
        int[] next = {0};
        Acceptor a = new Acceptor(s, first.loop(), this::acceptConnection, c -> {
            LoopThread target = loopThreads.get(next[0]);
            next[0] = (next[0] + 1) % loopThreads.size();
            if (target == first) {
                handleConnection(c, target.loop());
            } else {
                try {
                    target.loop().addCallback(() -> handleConnection(c, target.loop()));
                } catch (IllegalStateException loopClosed) {
                    Acceptor.closeQuietly(c);
                }
            }
        });
        acceptors.add(a);
        a.start();
    }

    private void startReusePortGroup(ServerSocketChannel s, List<ServerSocketChannel> siblings) {
        for (int i = 0; i < loopThreads.size(); i++) {
            LoopThread t = loopThreads.get(i);
            ServerSocketChannel socket = i == 0 ? s : siblings.get(i - 1);
            Acceptor a = new Acceptor(socket, t.loop(), this::acceptConnection, c -> handleConnection(c, t.loop()));
            acceptors.add(a);
            a.start();
        }
    }

    /**
     * Stops accepting connections: the listening sockets are closed. Loops started by {@link #start} are
     * shut down too (their open connections are closed, then the threads end; this waits up to 10 s for
     * them unless called on one of them). Connections served by the caller's loop after {@link #listen}
     * keep going. Calling it again does nothing. For a graceful stop see {@link #stop(Duration)}.
     */
    public void stop() {
        List<LoopThread> threads;
        Future<Void> graceful;
        synchronized (this) {
            stopAccepting();
            if (loopsShutDown) {
                return;
            }
            loopsShutDown = true;
            threads = new ArrayList<>(loopThreads);
            graceful = gracefulStop;
        }
        if (graceful != null) {
            endLoops(graceful); // a graceful stop in progress ends now
        }
        for (LoopThread t : threads) {
            t.shutdown(() -> open.closeOn(t.loop()));
        }
        for (LoopThread t : threads) {
            if (t.thread() == Thread.currentThread()) {
                continue;
            }
            try {
                if (!t.join(10_000)) {
                    Log.warning("TCPServer.stop: loop thread " + t.thread().getName()
                            + " did not end within 10 s (is a handler blocking it?)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops gracefully. At once: the listening sockets are closed (new connections are refused) and
     * {@link #closeIdleConnections()} runs ({@link io.squall.http.HTTPServer} closes its idle keep-alive
     * connections there and answers requests in flight with {@code Connection: close}). Then it waits for
     * the open connections to close; those still open after {@code gracePeriod} are closed (a coroutine
     * handling one sees its stream closed, an HTTP handler is cancelled). Finally the loops started by
     * {@link #start} end (the caller's loop after {@link #listen} keeps running). Returns at once; safe from
     * any thread, including a loop thread of this server. Calling it again returns the same future; a later
     * {@link #stop()} cuts the wait short.
     *
     * @param gracePeriod how long open connections may take to finish; zero closes them at once
     * @return a future resolved once every connection is closed and the server's own loops have ended
     * @throws NullPointerException if {@code gracePeriod} is null
     * @throws IllegalArgumentException if {@code gracePeriod} is negative
     */
    public Future<Void> stop(Duration gracePeriod) {
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("TCPServer.stop: the grace period must not be negative, got " + gracePeriod);
        }
        Future<Void> result;
        Set<IOLoop> loops = new LinkedHashSet<>();
        synchronized (this) {
            if (gracefulStop != null) {
                return gracefulStop;
            }
            gracefulStop = result = new Future<>();
            stopAccepting();
            for (Acceptor a : acceptors) {
                loops.add(a.loop());
            }
            for (LoopThread t : loopThreads) {
                loops.add(t.loop());
            }
        }
        try {
            closeIdleConnections();
        } catch (RuntimeException e) {
            Log.error("TCPServer.stop: closeIdleConnections() of " + getClass().getName() + " failed", e);
        }
        Future<Void> drained = open.drain();
        Map<IOLoop, Timeout> deadlines = new ConcurrentHashMap<>();
        for (IOLoop loop : loops) {
            try {
                deadlines.put(loop, loop.callLater(gracePeriod, () -> {
                    int left = open.countOn(loop);
                    if (left > 0) {
                        Log.warning("TCPServer.stop: " + left + " connection(s) of " + getClass().getSimpleName()
                                + " still open after the grace period of " + gracePeriod + "; closing them");
                        open.closeOn(loop);
                    }
                }));
            } catch (IllegalStateException closedLoop) {
                open.forgetOn(loop); // it closed its channels as it closed
            }
        }
        drained.addDoneCallback(d -> {
            deadlines.forEach(IOLoop::removeTimeout);
            endLoops(result);
        });
        return result;
    }

    /**
     * Called by {@link #stop(Duration)} once accepting has stopped, on the caller's thread: closes the
     * connections that are idle, so that only work in flight holds the stop up. This class cannot tell
     * idle from busy and closes nothing; {@link io.squall.http.HTTPServer} closes keep-alive connections
     * between requests and makes the others close after their response.
     */
    protected void closeIdleConnections() {}

    /** After a graceful stop drained: shuts the server's own loops down and resolves {@code result} when they ended. */
    private void endLoops(Future<Void> result) {
        List<LoopThread> threads;
        synchronized (this) {
            loopsShutDown = true;
            threads = new ArrayList<>(loopThreads);
        }
        if (threads.isEmpty()) {
            result.trySetResult(null);
            return;
        }
        AtomicInteger running = new AtomicInteger(threads.size());
        for (LoopThread t : threads) {
            t.shutdown(() -> open.closeOn(t.loop()));
            t.ended().addDoneCallback(e -> {
                if (running.decrementAndGet() == 0) {
                    result.trySetResult(null);
                }
            });
        }
    }

    /** Closes the listening sockets (once); the caller holds the lock. */
    private void stopAccepting() {
        if (stopped) {
            return;
        }
        stopped = true;
        for (Acceptor a : acceptors) {
            a.stop();
        }
        for (Acceptor a : acceptors) {
            a.awaitReleased(2_000); // "stopped" means refused: wait the moment the loops take to let go
        }
        for (ServerSocketChannel s : unstarted) {
            try {
                s.close();
            } catch (IOException e) {
                Log.warning("TCPServer.stop: closing " + s + " failed: " + e);
            }
        }
        unstarted.clear();
    }

    /**
     * Returns how many connections this server accepted that are still open (not counting those it was
     * handed and closed at once because it was stopping). Safe from any thread.
     *
     * @return the number of open connections
     */
    public int openConnectionCount() {
        return open.size();
    }

    /**
     * Returns the addresses this server bound, with the real port where port 0 was asked for.
     *
     * @return the bound addresses, in binding order
     */
    public synchronized List<InetSocketAddress> boundAddresses() {
        return Collections.unmodifiableList(new ArrayList<>(bound));
    }

    /**
     * Returns the port of the first bound address: the real one after binding port 0.
     *
     * @return the port
     * @throws IllegalStateException if nothing was bound
     */
    public synchronized int port() {
        if (bound.isEmpty()) {
            throw new IllegalStateException("TCPServer.port: nothing is bound yet; call listen() or bind() first");
        }
        return bound.get(0).getPort();
    }

    /**
     * Returns the loops started by {@link #start}, in order; empty before it (or after {@link #listen}
     * alone).
     *
     * @return the server's own loops
     */
    public synchronized List<IOLoop> loops() {
        List<IOLoop> loops = new ArrayList<>();
        for (LoopThread t : loopThreads) {
            loops.add(t.loop());
        }
        return loops;
    }

    // ---------------------------------------------------------------------------------------------------
    // Connections

    /** Accepts one connection; package-private so tests can simulate accept failures. */
    SocketChannel acceptConnection(ServerSocketChannel server) throws IOException {
        return server.accept();
    }

    private void handleConnection(SocketChannel c, IOLoop loop) {
        if (stopped) {
            Acceptor.closeQuietly(c);
            return;
        }
        IOStream stream;
        try {
            stream = new IOStream(c, loop, maxBufferSize());
        } catch (RuntimeException e) {
            Log.error("TCPServer: cannot set up a stream for " + c, e);
            Acceptor.closeQuietly(c);
            return;
        }
        open.add(stream);
        if (stopped) { // stop() ran since the check above: it may have found no connection left to wait for
            stream.close();
            return;
        }
        InetSocketAddress address = stream.remoteAddress();
        SSLContext ssl = sslContext;
        if (ssl != null) {
            try {
                stream.startTls(TLS.serverEngine(ssl, sslParameters, applicationProtocols()), sslHandshakeTimeout)
                        .addDoneCallback(hs -> {
                            if (hs.exception() != null) {
                                Log.debug("TCPServer: TLS handshake with " + address + " failed: " + hs.exception());
                            }
                        });
            } catch (RuntimeException e) {
                Log.error("TCPServer: cannot start TLS for " + address, e);
                stream.close(e);
                return;
            }
        }
        Future<?> f;
        try {
            f = handleStream(stream, address);
        } catch (Throwable t) {
            report(stream, address, t);
            return;
        }
        if (f != null) {
            f.addDoneCallback(done -> {
                Throwable t = done.exception();
                if (t != null && !(t instanceof CancellationException)) {
                    report(stream, address, t);
                }
            });
        }
    }

    private void report(IOStream stream, InetSocketAddress address, Throwable t) {
        String message = "TCPServer: handleStream failed for the connection from " + address
                + " in " + getClass().getName() + "; closing it";
        if (t instanceof StreamClosedException) {
            Log.debug(message + ": " + t);
        } else {
            Log.error(message, t);
        }
        stream.close(t);
    }

    // ---------------------------------------------------------------------------------------------------
    // Sockets

    private List<ServerSocketChannel> bindSockets(int port, String address) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("TCPServer: port must be between 0 and 65535, got " + port);
        }
        List<InetSocketAddress> targets = new ArrayList<>();
        if (address == null || address.isEmpty()) {
            targets.add(new InetSocketAddress(port));
        } else {
            InetAddress[] all;
            try {
                all = InetAddress.getAllByName(address);
            } catch (UnknownHostException e) {
                UnknownHostException clear = new UnknownHostException("TCPServer: cannot resolve the listen address '"
                        + address + "': " + e.getMessage());
                clear.initCause(e);
                throw new UncheckedIOException(clear.getMessage(), clear);
            }
            Set<InetAddress> unique = new LinkedHashSet<>(List.of(all));
            for (InetAddress a : unique) {
                targets.add(new InetSocketAddress(a, port));
            }
        }
        List<ServerSocketChannel> sockets = new ArrayList<>();
        int realPort = port;
        try {
            for (InetSocketAddress target : targets) {
                InetSocketAddress at = realPort == target.getPort() ? target
                        : new InetSocketAddress(target.getAddress(), realPort);
                ServerSocketChannel s;
                try {
                    s = openSocket(at, Boolean.TRUE.equals(reusePort));
                } catch (UncheckedIOException | UnsupportedAddressTypeException e) {
                    if (targets.size() > 1 && isAddressUnavailable(e)) {
                        // e.g. "localhost" also names ::1 on a host without IPv6: serve on the others
                        Log.debug("TCPServer: skipping " + describe(at) + ": " + e.getMessage());
                        continue;
                    }
                    throw e;
                }
                sockets.add(s);
                InetSocketAddress local = (InetSocketAddress) s.getLocalAddress();
                realPort = local.getPort();
                bound.add(local);
            }
            if (sockets.isEmpty()) {
                throw new UncheckedIOException(new java.net.BindException("TCPServer: cannot listen on "
                        + address + ":" + port + ": none of its addresses " + targets + " can be bound here"));
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel s : sockets) {
                try {
                    bound.remove((InetSocketAddress) s.getLocalAddress());
                    s.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            if (e instanceof IOException) {
                throw new UncheckedIOException(e.getMessage(), (IOException) e);
            }
            throw (RuntimeException) e;
        }
        return sockets;
    }

    private ServerSocketChannel openSocket(InetSocketAddress at, boolean withReusePort) {
        ServerSocketChannel s = null;
        try {
            s = ServerSocketChannel.open();
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                // lets a restarted server bind while old connections linger in TIME_WAIT
                s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (withReusePort) {
                SocketOption<Boolean> option = StandardSocketOptions.SO_REUSEPORT;
                if (s.supportedOptions().contains(option)) {
                    s.setOption(option, true);
                }
            }
            s.configureBlocking(false);
            s.bind(at, backlog);
            return s;
        } catch (BindException e) {
            closeQuietly(s);
            BindException clear = new BindException("TCPServer: cannot listen on " + describe(at) + ": "
                    + e.getMessage() + ". Another server may be using this port: stop it, or pick another port"
                    + " (0 picks a free one)");
            clear.initCause(e);
            throw new UncheckedIOException(clear.getMessage(), clear);
        } catch (IOException e) {
            closeQuietly(s);
            throw new UncheckedIOException("TCPServer: cannot listen on " + describe(at) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /** True for "Cannot assign requested address" (EADDRNOTAVAIL), as opposed to "Address already in use". */
    private static boolean isAddressUnavailable(RuntimeException e) {
        if (e instanceof UnsupportedAddressTypeException) {
            return true;
        }
        Throwable cause = e.getCause().getCause();
        String message = cause == null ? null : cause.getMessage();
        return message != null && !message.contains("in use");
    }

    private static String describe(InetSocketAddress at) {
        return (at.getAddress() == null || at.getAddress().isAnyLocalAddress() ? "*" : at.getAddress().getHostAddress())
                + ":" + at.getPort();
    }

    private static void closeQuietly(ServerSocketChannel s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    private void checkNotStopped(String what) {
        if (stopped) {
            throw new IllegalStateException("TCPServer." + what + ": the server was stopped; create a new one");
        }
    }
}
