package io.squall.bench.seed;

import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.bench.hello.ServerRun;
import io.squall.net.TCPServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code netty-seed-server [--echo-port 0] [--port 0] [--delay-ms 2000] [--backlog 1024] [--seconds S]}: the
 * seed's echo server and async HTTP handler written for Netty ({@link NettySeedServer}), for
 * {@code bench/compare-seed.sh}.
 */
public final class NettySeedServerCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("netty-seed-server", words, Set.of("echo-port", "port", "delay-ms", "backlog", "seconds"), Set.of());
        a.expectPositional(0, 0, "");
        NettySeedServer server = new NettySeedServer(a.intOption("echo-port", 0, 0, 65535), a.intOption("port", 0, 0, 65535),
                Duration.ofMillis(a.intOption("delay-ms", 2000, 0, 600_000)),
                a.intOption("backlog", TCPServer.DEFAULT_BACKLOG, 1, 1 << 20));
        out.println("netty seed: echo 127.0.0.1:" + server.echoPort() + ", async handler http://127.0.0.1:" + server.port() + "/");
        out.flush();
        ServerRun.runUntilStopped(a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE), server::close);
        return 0;
    }
}
