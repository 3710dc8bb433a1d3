package io.squall.bench.seed;

import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.bench.hello.ServerRun;
import io.squall.net.TCPServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code seed-servers}: the seed's servers on 127.0.0.1, left running for curl, wrk, ab or http_load until
 * the process is stopped (or {@code --seconds} pass). A port of -1 leaves that server out; {@code --no-echo}
 * uses an echo server already running at {@code --echo-host}:{@code --echo-port}.
 */
public final class SeedServersCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("seed-servers", words,
                Set.of("echo-port", "blocking-port", "async-port", "raw-port", "delay-ms", "echo-host", "seconds",
                        "backlog"),
                Set.of("no-echo"));
        a.expectPositional(0, 0, "");
        SeedServers.Config c = new SeedServers.Config();
        int echoPort = a.intOption("echo-port", 8888, 0, 65535);
        if (a.flag("no-echo")) {
            c.echoPort = -1;
            c.externalEchoPort = echoPort;
            c.echoHost = a.stringOption("echo-host", SeedServers.HOST);
        } else {
            c.echoPort = echoPort;
        }
        c.blockingPort = a.intOption("blocking-port", 8000, -1, 65535);
        c.asyncPort = a.intOption("async-port", 8001, -1, 65535);
        c.rawPort = a.intOption("raw-port", 8002, -1, 65535);
        int delayMs = a.intOption("delay-ms", 2000, 0, 600_000);
        c.delay = Duration.ofMillis(delayMs);
        c.backlog = a.intOption("backlog", TCPServer.DEFAULT_BACKLOG, 1, 1 << 20);
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);

        SeedServers servers = SeedServers.start(c);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            servers.stopGracefully(ServerRun.GRACE); // SIGTERM or Ctrl-C: answer the requests in flight first
            stopped.countDown();
        }, "seed-servers-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println((a.flag("no-echo") ? "echo server (external): " : "echo server:      ") + servers.echoHostPort()
                + (a.flag("no-echo") ? "" : " (echoes each line after " + delayMs + " ms)"));
        if (servers.blockingPort() >= 0) {
            out.println("blocking handler: " + servers.url("blocking") + "   (MainHandler: blocking socket in get)");
        }
        if (servers.asyncPort() >= 0) {
            out.println("async handler:    " + servers.url("async") + "   (TCPClient + IOStream + await)");
        }
        if (servers.rawPort() >= 0) {
            out.println("raw handler:      " + servers.url("raw") + "   (raw socket + IOLoop.addHandler)");
        }
        if (servers.asyncPort() >= 0) {
            out.println("try: curl " + servers.url("async") + "   (the reply comes after the echo delay; Ctrl-C stops)");
        }
        out.flush();
        if (seconds >= Double.MAX_VALUE) {
            stopped.await();
        } else if (!stopped.await((long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
            Runtime.getRuntime().removeShutdownHook(hook);
            servers.close();
            out.println("seed-servers: stopped after " + seconds + " s");
        }
        return 0;
    }
}
