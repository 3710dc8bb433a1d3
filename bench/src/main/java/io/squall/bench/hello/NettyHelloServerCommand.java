package io.squall.bench.hello;

import io.squall.bench.Args;
import io.squall.bench.Command;
import java.io.File;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code netty-hello-server [--port 8081] [--loops N] [--seconds S] [--tls-cert CHAIN.pem --tls-key KEY.pem]}:
 * the Netty peer of hello-server; with a PEM chain and key, HTTPS through Netty's {@code SslHandler} on the
 * JDK provider, with the protocols and cipher suites Squall's server uses by default.
 */
public final class NettyHelloServerCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("netty-hello-server", words, Set.of("port", "loops", "seconds", "tls-cert", "tls-key"), Set.of());
        a.expectPositional(0, 0, "");
        int port = a.intOption("port", 8081, 0, 65535);
        int loops = a.intOption("loops", 1, 1, 1024);
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        String cert = a.stringOption("tls-cert", null);
        String key = a.stringOption("tls-key", null);
        NettyHelloServer server = new NettyHelloServer(port, loops, cert == null ? null
                : NettyHelloServer.jdkSslContext(new File(cert), new File(key)));
        out.println("netty hello-server: " + (cert != null ? "https" : "http") + "://127.0.0.1:" + server.port() + "/hello on " + loops + " loop(s)");
        out.flush();
        ServerRun.runUntilStopped(seconds, server::close);
        return 0;
    }
}
