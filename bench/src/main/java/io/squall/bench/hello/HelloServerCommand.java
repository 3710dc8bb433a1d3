package io.squall.bench.hello;

import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.net.TLS;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code hello-server [--port 8080] [--loops N] [--seconds S] [--tls-cert CHAIN.pem --tls-key KEY.pem]}:
 * Squall's HTTP server on 127.0.0.1 answering {@code GET /hello} with {@code Hello, world}, on N loops
 * (threads); the throughput figure of the harness. With a PEM chain and PKCS#8 key it serves HTTPS with
 * Squall's default TLS settings.
 */
public final class HelloServerCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("hello-server", words, Set.of("port", "loops", "seconds", "tls-cert", "tls-key"), Set.of());
        a.expectPositional(0, 0, "");
        int port = a.intOption("port", 8080, 0, 65535);
        int loops = a.intOption("loops", 1, 1, 1024);
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        String cert = a.stringOption("tls-cert", null);
        String key = a.stringOption("tls-key", null);
        HTTPServer server = new HTTPServer(new Application(Application.route("/hello", HelloHandler::new)));
        if (cert != null) {
            server.ssl(TLS.serverContextFromPem(Path.of(cert), Path.of(key)));
        }
        server.bind(port, "127.0.0.1");
        server.start(loops);
        out.println("squall hello-server: " + (cert != null ? "https" : "http") + "://127.0.0.1:" + server.port() + "/hello on " + loops + " loop(s)");
        out.flush();
        ServerRun.runUntilStopped(seconds, ServerRun.graceful(server));
        return 0;
    }
}
