package io.squall.bench.websocket;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.squall.bench.Args;
import io.squall.bench.Command;

/**
 * {@code ws-echo [--sockets 100] [--seconds 5] [--warmup-seconds 2] [--window 1] [--size 64] [--rounds 2]}:
 * messages per second echoed over N WebSockets by Squall's {@code WebSocketHandler} and by Netty's
 * WebSocket server, in the same JVM and run, alternating, with the same load (Squall's client). Also each
 * server loop thread's CPU time per message, which the load on a shared machine distorts less.
 */
public final class WsEchoCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("ws-echo", words, Set.of("sockets", "seconds", "warmup-seconds", "window", "size", "rounds"),
                Set.of());
        a.expectPositional(0, 0, "");
        int sockets = a.intOption("sockets", 100, 1, 20_000);
        double seconds = a.positiveOption("seconds", 5, 3600);
        double warmup = a.doubleOption("warmup-seconds", 2, 0, 3600);
        int window = a.intOption("window", 1, 1, 1000);
        int size = a.intOption("size", 64, 1, 1 << 20);
        int rounds = a.intOption("rounds", 2, 1, 100);
        out.printf(Locale.ROOT, "ws-echo: %d sockets, %d message(s) of %d bytes in flight per socket, %.1f s measured"
                + " after %.1f s warm-up, %d round(s)%n", sockets, window, size, seconds, warmup, rounds);
        double[] sum = new double[2];
        double[] cpu = new double[2];
        try (SquallWsEchoServer squall = new SquallWsEchoServer(); NettyWsEchoServer netty = new NettyWsEchoServer()) {
            for (int r = 0; r < rounds; r++) {
                for (int s = 0; s < 2; s++) {
                    boolean isSquall = s == 0;
                    String name = isSquall ? "squall" : "netty";
                    int port = isSquall ? squall.port() : netty.port();
                    Thread serverThread = isSquall ? squall.loopThread() : netty.loopThread();
                    WsLoad.Result res = WsLoad.run("ws://127.0.0.1:" + port + "/echo", sockets, window, size, warmup,
                            seconds, serverThread);
                    out.printf(Locale.ROOT, "round %d %-6s %10.0f msg/s  (%d echoes in %.2f s, server loop CPU %.2f us/msg,"
                            + " client CPU %.2f us/msg, mismatches %d)%n", r + 1, name, res.perSecond(), res.messages,
                            res.seconds, res.serverCpuMicrosPerMessage(), res.clientCpuNanos / 1000.0 / Math.max(1, res.messages),
                            res.mismatches);
                    out.flush();
                    if (res.mismatches != 0) {
                        out.println("ERROR: echoes did not match what was sent");
                        return 1;
                    }
                    sum[s] += res.perSecond();
                    cpu[s] += res.serverCpuMicrosPerMessage();
                }
            }
        }
        out.printf(Locale.ROOT, "mean squall %.0f msg/s, netty %.0f msg/s, squall/netty = %.2fx;"
                + " server CPU per message squall %.2f us, netty %.2f us (netty/squall = %.2fx)%n",
                sum[0] / rounds, sum[1] / rounds, sum[0] / sum[1], cpu[0] / rounds, cpu[1] / rounds, cpu[1] / cpu[0]);
        return 0;
    }
}
