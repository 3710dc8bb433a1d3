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

/**
 * {@code backend-server --name NAME [--port 9001] [--loops 1] [--delay-ms 50] [--seconds S]}: one Squall
 * process of the load-balancer recipe ({@code deploy/haproxy}, {@code deploy/nginx}). {@code GET /} awaits
 * {@code delay-ms} then answers {@code NAME}; {@code GET /health} answers {@code ok} at once, for the
 * balancer's health checks. Proxy headers are trusted (it sits behind the balancer on 127.0.0.1). SIGTERM
 * stops it gracefully: new connections refused, requests in flight answered within {@link ServerRun#GRACE}.
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

    /** The health check: 200 while the process serves. */
    public static final class HealthHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("ok\n");
            return null;
        }
    }

    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("backend-server", words, Set.of("name", "port", "loops", "delay-ms", "seconds"), Set.of());
        a.expectPositional(0, 0, "");
        String name = a.stringOption("name", null);
        if (name == null || name.isEmpty()) {
            throw new io.squall.bench.UsageException("backend-server: --name NAME is required (it is what GET / answers)");
        }
        int port = a.intOption("port", 9001, 0, 65535);
        int loops = a.intOption("loops", 1, 1, 1024);
        Duration delay = Duration.ofMillis(a.intOption("delay-ms", 50, 0, 600_000));
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        HTTPServer server = new HTTPServer(new Application(
                Application.route("/", () -> new NameHandler(name, delay)),
                Application.route("/health", HealthHandler::new)));
        server.xheaders(true).trustedDownstream("127.0.0.1"); // the balancer runs on this machine
        server.bind(port, "127.0.0.1");
        server.start(loops);
        out.println("backend-server " + name + ": http://127.0.0.1:" + server.port() + "/ on " + loops
                + " loop(s), pid " + ProcessHandle.current().pid());
        out.flush();
        ServerRun.runUntilStopped(seconds, ServerRun.graceful(server));
        return 0;
    }
}
