package io.squall.bench.hello;

import io.squall.bench.Args;
import io.squall.bench.Command;
import io.squall.bench.UsageException;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.StaticFileHandler;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code static-server --dir D [--port 8083] [--loops N] [--seconds S]}: Squall's StaticFileHandler on
 * 127.0.0.1 serving directory D at {@code /static/}; the Squall side of bench/compare-static.sh.
 */
public final class StaticServerCommand implements Command {
    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        Args a = Args.parse("static-server", words, Set.of("dir", "port", "loops", "seconds"), Set.of());
        a.expectPositional(0, 0, "");
        String dir = a.stringOption("dir", null);
        if (dir == null) {
            throw new UsageException("static-server: --dir DIR is required");
        }
        int port = a.intOption("port", 8083, 0, 65535);
        int loops = a.intOption("loops", 1, 1, 1024);
        double seconds = a.positiveOption("seconds", Double.MAX_VALUE, Double.MAX_VALUE);
        Path root = Path.of(dir);
        HTTPServer server = new HTTPServer(new Application(
                Application.route("/static/(.*)", () -> new StaticFileHandler(root))));
        server.bind(port, "127.0.0.1");
        server.start(loops);
        out.println("squall static-server: http://127.0.0.1:" + server.port() + "/static/ on " + loops + " loop(s)");
        out.flush();
        ServerRun.runUntilStopped(seconds, ServerRun.graceful(server));
        return 0;
    }
}
