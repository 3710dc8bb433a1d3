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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.squall.Future;
import io.squall.IOLoop;
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
 * <p>With {@code start(n)} and n &gt; 1, connections are spread over the loops: by the kernel when
 * {@link #setReusePort SO_REUSEPORT} is on (each loop gets its own listening socket on the same port),
 * otherwise by the first loop, which accepts every connection and hands them out round-robin.
 * SO_REUSEPORT is off by default because it also lets a second server bind the same port silently.
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
    private boolean reusePort;
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
     * Turns SO_REUSEPORT on for sockets bound from now on (call it before {@link #bind}), where the
     * platform has it: {@link #start} then gives each loop its own listening socket on the port and the
     * kernel spreads connections. Other processes of the same user may then bind the same port too.
     *
     * @param on true to use SO_REUSEPORT
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
            Acceptor a = new Acceptor(s, loop, this::acceptConnection, c -> handleConnection(c, loop, null));
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
            if (n > 1 && hasReusePort(s)) {
                startReusePortGroup(s);
            } else {
                startRoundRobin(s);
            }
        }
        unstarted.clear();
        for (LoopThread t : loopThreads) {
            t.start();
        }
    }

    private static boolean hasReusePort(ServerSocketChannel s) {
        try {
            return s.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)
                    && s.getOption(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private void startRoundRobin(ServerSocketChannel s) {
        LoopThread first = loopThreads.get(0);
        int[] next = {0};
        Acceptor a = new Acceptor(s, first.loop(), this::acceptConnection, c -> {
            LoopThread target = loopThreads.get(next[0]);
            next[0] = (next[0] + 1) % loopThreads.size();
            if (target == first) {
                handleConnection(c, target.loop(), target);
            } else {
                try {
                    target.loop().addCallback(() -> handleConnection(c, target.loop(), target));
                } catch (IllegalStateException loopClosed) {
                    Acceptor.closeQuietly(c);
                }
            }
        });
        acceptors.add(a);
        a.start();
    }

    private void startReusePortGroup(ServerSocketChannel s) {
        InetSocketAddress address;
        try {
            address = (InetSocketAddress) s.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException("TCPServer.start: cannot read the address of " + s, e);
        }
        for (int i = 0; i < loopThreads.size(); i++) {
            LoopThread t = loopThreads.get(i);
            ServerSocketChannel socket = i == 0 ? s : openSocket(address);
            Acceptor a = new Acceptor(socket, t.loop(), this::acceptConnection, c -> handleConnection(c, t.loop(), t));
            acceptors.add(a);
            a.start();
        }
    }

    /**
     * Stops accepting connections: the listening sockets are closed. Loops started by {@link #start} are
     * shut down too (their open connections are closed, then the threads end; this waits up to 10 s for
     * them unless called on one of them). Connections served by the caller's loop after {@link #listen}
     * keep going. Calling it again does nothing.
     */
    public void stop() {
        List<LoopThread> threads;
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            for (Acceptor a : acceptors) {
                a.stop();
            }
            for (ServerSocketChannel s : unstarted) {
                try {
                    s.close();
                } catch (IOException e) {
                    Log.warning("TCPServer.stop: closing " + s + " failed: " + e);
                }
            }
            unstarted.clear();
            threads = new ArrayList<>(loopThreads);
        }
        for (LoopThread t : threads) {
            t.shutdown();
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

    private void handleConnection(SocketChannel c, IOLoop loop, LoopThread owner) {
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
        if (owner != null) {
            owner.track(stream);
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
                    s = openSocket(at);
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

    private ServerSocketChannel openSocket(InetSocketAddress at) {
        ServerSocketChannel s = null;
        try {
            s = ServerSocketChannel.open();
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                // lets a restarted server bind while old connections linger in TIME_WAIT
                s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (reusePort) {
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
