package io.squall.bench.hello;

import io.squall.bench.Args;
import io.squall.bench.Command;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** {@code netty-hello-server [--port 8081] [--loops N] [--seconds S]}: the Netty peer of hello-server. */
public final class NettyHelloServerCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("netty-hello-server", words, Set.of("port", "loops", "seconds"), Set.of());
        a.expectPositional(0, 0, "");
        int port = a.intOption("port", 8081, 0, 65535);
        int loops = a.intOption("loops", 1, 1, 1024);
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        NettyHelloServer server = new NettyHelloServer(port, loops);
        out.println("netty hello-server: http://127.0.0.1:" + server.port() + "/hello on " + loops + " loop(s)");
        out.flush();
        ServerRun.runUntilStopped(seconds, server::close);
        return 0;
    }
}
