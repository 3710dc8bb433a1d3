package io.squall.bench.deploy;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.bench.hello.ServerRun;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code backend-server --name NAME [--port 9001] [--loops 1] [--delay-ms 50] [--drain-ms 1500] [--seconds S]}:
 * one Squall process of the load-balancer recipe ({@code deploy/haproxy}, {@code deploy/nginx}). {@code GET /}
 * awaits {@code delay-ms} then answers {@code NAME}; {@code GET /health} answers {@code ok} at once, for the
 * balancer's health checks. Proxy headers are trusted (it sits behind the balancer on 127.0.0.1).
 *
 * <p>SIGTERM stops it in two steps. First, for {@code drain-ms}, the health check answers 503 while everything
 * else is served as before, so that the balancer takes the backend out of rotation (the shipped haproxy config
 * needs two failed checks 500 ms apart). Then it stops gracefully: new connections refused, idle keep-alive
 * connections closed, requests in flight answered within {@link ServerRun#GRACE}. Without the first step an idle
 * keep-alive connection closed by the stop can cross a request the balancer is sending on it at that instant:
 * that request fails, and the balancer cannot safely send it again elsewhere (the backend may have read it).
 */
public final class BackendServerCommand implements Command {
    /** Answers the backend's name after a short await, so that requests are in flight for a while. */
    public static final class NameHandler extends RequestHandler {
        private final String name;
        private final Duration delay;

        NameHandler(String name, Duration delay) {
            this.name = name;
            this.delay = delay;
        }

        @Override
        @Coroutine
        public Future<?> get(String... args) {
            if (!delay.isZero()) {
                await(Gen.sleep(delay));
            }
            setHeader("Content-Type", "text/plain; charset=UTF-8");
            write(name + "\n");
            return null;
        }
    }

    /** The health check: 200 while the process serves, 503 once it is draining before a stop. */
    public static final class HealthHandler extends RequestHandler {
        private final AtomicBoolean draining;

        HealthHandler(AtomicBoolean draining) {
            this.draining = draining;
        }

        @Override
        public Future<?> get(String... args) {
            if (draining.get()) {
                setStatus(503);
                write("draining\n");
            } else {
                write("ok\n");
            }
            return null;
        }
    }

    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("backend-server", words, Set.of("name", "port", "loops", "delay-ms", "drain-ms",
                "seconds"), Set.of());
        a.expectPositional(0, 0, "");
        String name = a.stringOption("name", null);
        if (name == null || name.isEmpty()) {
            throw new io.squall.bench.UsageException("backend-server: --name NAME is required (it is what GET / answers)");
        }
        int port = a.intOption("port", 9001, 0, 65535);
        int loops = a.intOption("loops", 1, 1, 1024);
        Duration delay = Duration.ofMillis(a.intOption("delay-ms", 50, 0, 600_000));
        long drainMillis = a.intOption("drain-ms", 1500, 0, 600_000);
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        AtomicBoolean draining = new AtomicBoolean();
        HTTPServer server = new HTTPServer(new Application(
                Application.route("/", () -> new NameHandler(name, delay)),
                Application.route("/health", () -> new HealthHandler(draining))));
        server.xheaders(true).trustedDownstream("127.0.0.1"); // the balancer runs on this machine
        server.bind(port, "127.0.0.1");
        server.start(loops);
        out.println("backend-server " + name + ": http://127.0.0.1:" + server.port() + "/ on " + loops
                + " loop(s), pid " + ProcessHandle.current().pid());
        out.flush();
        Runnable graceful = ServerRun.graceful(server);
        ServerRun.runUntilStopped(seconds, () -> {
            draining.set(true); // the balancer takes this backend out while it still serves everything
            try {
                Thread.sleep(drainMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            graceful.run();
        });
        return 0;
    }
}
