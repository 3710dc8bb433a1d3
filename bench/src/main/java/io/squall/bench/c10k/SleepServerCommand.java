package io.squall.bench.c10k;

import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code sleep-server [--port 8090] [--delay-ms 2000] [--seconds S]}: Squall's HTTP server on 127.0.0.1, one
 * loop, whose {@code GET /sleep} awaits a timer before answering (the c10k benchmark's server). Prints its
 * pid so bench/c10k.sh can sample its memory.
 */
public final class SleepServerCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("sleep-server", words, Set.of("port", "delay-ms", "seconds"), Set.of());
        a.expectPositional(0, 0, "");
        int port = a.intOption("port", 8090, 0, 65535);
        Duration delay = Duration.ofMillis(a.intOption("delay-ms", 2000, 0, 3_600_000));
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        HTTPServer server = new HTTPServer(new Application(Application.route("/sleep", () -> new SleepHandler(delay))));
        server.bind(port, "127.0.0.1");
        server.start(1);
        out.println("squall sleep-server: http://127.0.0.1:" + server.port() + "/sleep on 1 loop, pid "
                + ProcessHandle.current().pid());
        out.flush();
        StopOnShutdown.runUntilStopped(seconds, server::stop);
        return 0;
    }
}
