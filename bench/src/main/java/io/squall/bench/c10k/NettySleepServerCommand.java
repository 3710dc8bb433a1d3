package io.squall.bench.c10k;

import io.squall.bench.Args;
import io.squall.bench.Command;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code netty-sleep-server [--port 8091] [--delay-ms 2000] [--seconds S]}: the Netty peer of sleep-server
 * (one event loop, {@code ctx.executor().schedule}). Prints its pid so bench/c10k.sh can sample its memory.
 */
public final class NettySleepServerCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("netty-sleep-server", words, Set.of("port", "delay-ms", "seconds"), Set.of());
        a.expectPositional(0, 0, "");
        int port = a.intOption("port", 8091, 0, 65535);
        long delay = a.intOption("delay-ms", 2000, 0, 3_600_000);
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        NettySleepServer server = new NettySleepServer(port, delay);
        out.println("netty sleep-server: http://127.0.0.1:" + server.port() + "/sleep on 1 loop, pid "
                + ProcessHandle.current().pid());
        out.flush();
        StopOnShutdown.runUntilStopped(seconds, server::close);
        return 0;
    }
}
