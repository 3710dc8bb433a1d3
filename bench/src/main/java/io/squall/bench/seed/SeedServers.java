package io.squall.bench.seed;

import io.squall.bench.hello.ServerRun;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.net.TCPServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The seed's servers on loopback, each on its own loop thread (as the seed ran each in its own process): the
 * echo server, and one HTTP server per handler variant answering {@code GET /}. Port 0 picks a free port;
 * a negative port leaves that server out.
 */
public final class SeedServers implements AutoCloseable {
    /** The loopback address every server binds. */
    public static final String HOST = "127.0.0.1";

    /** Which servers to start and where. */
    public static final class Config {
        /** Echo server port (0: free port; negative: do not start one, use {@link #echoHost}:{@link #externalEchoPort}). */
        public int echoPort = 0;
        /** Where the handlers find the echo server when this process does not run one. */
        public String echoHost = HOST;
        /** The port of an echo server run elsewhere (used when {@link #echoPort} is negative). */
        public int externalEchoPort = 8888;
        /** Port of the blocking variant (negative: not started). */
        public int blockingPort = 0;
        /** Port of the async (TCPClient/IOStream) variant (negative: not started). */
        public int asyncPort = 0;
        /** Port of the raw (addHandler) variant (negative: not started). */
        public int rawPort = 0;
        /** The echo delay. */
        public Duration delay = EchoServer.SEED_DELAY;
        /** The listen backlog of every server. */
        public int backlog = TCPServer.DEFAULT_BACKLOG;
    }

    private final List<TCPServer> servers = new ArrayList<>();
    private InetSocketAddress echo;
    private int blockingPort = -1;
    private int asyncPort = -1;
    private int rawPort = -1;

    private SeedServers() {
    }

    /**
     * Starts the servers of {@code config}.
     *
     * @param config what to start
     * @return the running servers
     * @throws java.io.UncheckedIOException if a port cannot be bound (the servers already started are stopped)
     */
    public static SeedServers start(Config config) {
        SeedServers s = new SeedServers();
        try {
            if (config.echoPort >= 0) {
                EchoServer server = new EchoServer(config.delay);
                s.startServer(server, config.echoPort, config.backlog);
                s.echo = new InetSocketAddress(HOST, server.port());
            } else {
                s.echo = new InetSocketAddress(config.echoHost, config.externalEchoPort);
            }
            InetSocketAddress echo = s.echo;
            s.blockingPort = s.startHttp(config.blockingPort, config.backlog, () -> new BlockingHandler(echo));
            s.asyncPort = s.startHttp(config.asyncPort, config.backlog, () -> new AsyncHandler(echo));
            s.rawPort = s.startHttp(config.rawPort, config.backlog, () -> new RawHandler(echo));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private int startHttp(int port, int backlog, Supplier<? extends RequestHandler> handler) {
        if (port < 0) {
            return -1;
        }
        HTTPServer server = new HTTPServer(new Application(Application.route("/", handler)));
        startServer(server, port, backlog);
        return server.port();
    }

    private void startServer(TCPServer server, int port, int backlog) {
        server.setBacklog(backlog);
        server.bind(port, HOST);
        servers.add(server);
        server.start(1);
    }

    /** @return the echo server's address (this process's, or the external one) */
    public InetSocketAddress echoAddress() {
        return echo;
    }

    /** @return the echo server's address as {@code host:port} */
    public String echoHostPort() {
        return echo.getHostString() + ":" + echo.getPort();
    }

    /** @return the blocking variant's port, or -1 if not started */
    public int blockingPort() {
        return blockingPort;
    }

    /** @return the async variant's port, or -1 if not started */
    public int asyncPort() {
        return asyncPort;
    }

    /** @return the raw (addHandler) variant's port, or -1 if not started */
    public int rawPort() {
        return rawPort;
    }

    /**
     * Returns the URL of a variant's server.
     *
     * @param variant {@code blocking}, {@code async} or {@code raw}
     * @return {@code http://127.0.0.1:PORT/}
     * @throws IllegalArgumentException for an unknown or not started variant
     */
    public String url(String variant) {
        Function<SeedServers, Integer> port;
        switch (variant) {
            case "blocking":
                port = SeedServers::blockingPort;
                break;
            case "async":
                port = SeedServers::asyncPort;
                break;
            case "raw":
                port = SeedServers::rawPort;
                break;
            default:
                throw new IllegalArgumentException("unknown seed variant '" + variant + "' (blocking, async, raw)");
        }
        int p = port.apply(this);
        if (p < 0) {
            throw new IllegalArgumentException("the " + variant + " server was not started");
        }
        return "http://" + HOST + ":" + p + "/";
    }

    /**
     * Stops every server gracefully: the HTTP servers first (they refuse new connections at once, and the
     * requests in flight get up to {@code grace} to be answered, with the echo server still there for them),
     * then the echo server. Waits for all of it.
     *
     * @param grace how long requests in flight may take
     */
    public void stopGracefully(Duration grace) {
        List<TCPServer> http = new ArrayList<>();
        List<TCPServer> others = new ArrayList<>();
        for (TCPServer server : servers) {
            (server instanceof HTTPServer ? http : others).add(server);
        }
        ServerRun.stopGracefully(grace, http.toArray(new TCPServer[0]));
        ServerRun.stopGracefully(grace, others.toArray(new TCPServer[0]));
        servers.clear();
    }

    /** Stops every server at once (each waits for its loop thread; a blocking handler may delay that). */
    @Override
    public void close() {
        for (int i = servers.size() - 1; i >= 0; i--) {
            servers.get(i).stop();
        }
        servers.clear();
    }
}
