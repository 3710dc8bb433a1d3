package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.tests.SourceLines;

/**
 * Issue 13 item 11: a debug mode whose 500 page is the exception's trace (Tornado's {@code serve_traceback}),
 * async frames included; off by default, where the client sees only "500: Internal Server Error".
 */
@Timeout(60)
class ServeTracebackTest {

    /** A repository whose query fails after an await, awaited by the handler through a second coroutine. */
    static final class Repo {
        @Coroutine
        static Future<String> query(String id) {
            await(Gen.sleep(Duration.ofMillis(1)));
            throw new IllegalStateException("no row <b>" + id + "</b>"); // T-THROW
        }

        @Coroutine
        static Future<String> user(String id) {
            String row = await(query(id)); // T-USER
            return Future.of(row);
        }
    }

    /** Awaits {@link Repo#user}, which fails. */
    public static class UserHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            write(await(Repo.user(args[0]))); // T-HANDLER
            return null;
        }
    }

    @Test
    void theDebugPageIsTheTraceWithItsAwaitingCoroutines() throws Exception {
        String answer = serve(true);
        String[] parts = answer.split("\r\n\r\n", 2);
        assertTrue(parts[0].startsWith("HTTP/1.1 500 Internal Server Error"), parts[0]);
        assertTrue(parts[0].contains("\r\nContent-Type: text/plain; charset=UTF-8"), parts[0]);
        assertTrue(parts[0].contains("\r\nX-Content-Type-Options: nosniff"), parts[0]);
        String body = parts[1];
        assertTrue(body.startsWith("java.lang.IllegalStateException: no row <b>17</b>\n"), body);
        String at = "\tat " + ServeTracebackTest.class.getName();
        assertTrue(body.contains(at + "$Repo.query(ServeTracebackTest.java:" + line("T-THROW") + ")\n"), body);
        assertTrue(body.contains("\tat io.squall.Async.await(awaited by)\n"
                + at + "$Repo.user(ServeTracebackTest.java:" + line("T-USER") + ")\n"
                + at + "$UserHandler.get(ServeTracebackTest.java:" + line("T-HANDLER") + ")\n"), body);
    }

    @Test
    void offByDefaultTheClientSeesNoTrace() throws Exception {
        String answer = serve(false);
        assertTrue(answer.startsWith("HTTP/1.1 500 Internal Server Error"), answer);
        assertTrue(answer.endsWith("\r\n\r\n<html><title>500: Internal Server Error</title><body>500: Internal"
                + " Server Error</body></html>"), answer);
        assertFalse(answer.contains("no row"), answer);
    }

    private static int line(String marker) {
        return SourceLines.lineOf("mistakes", "ServeTracebackTest.java", marker);
    }

    private static String serve(boolean debug) throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new io.squall.tests.RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(h);
        boolean parent = squall.getUseParentHandlers();
        squall.setUseParentHandlers(false); // the 500's SEVERE record is expected: keep it off the console
        ExecutorService pool = Executors.newSingleThreadExecutor();
        IOLoop loop = new IOLoop();
        try {
            String answer = loop.runSync(() -> {
                Application app = new Application().addHandler("/user/([0-9]+)", UserHandler.class);
                app.settings().serveTraceback(debug);
                HTTPServer server = app.listen(0, "127.0.0.1");
                int port = server.port();
                return loop.runInExecutor(pool, () -> get(port, "/user/17"));
            }, Duration.ofSeconds(30));
            synchronized (records) {
                // The server log has the whole trace either way.
                assertEquals(1, records.stream().filter(r -> r.getThrown() != null
                        && "no row <b>17</b>".equals(r.getThrown().getMessage())).count(), records.toString());
            }
            return answer;
        } finally {
            squall.setUseParentHandlers(parent);
            squall.removeHandler(h);
            pool.shutdownNow();
            loop.close();
        }
    }

    private static String get(int port, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
