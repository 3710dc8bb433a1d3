package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.tests.RecordingHandler;
import io.squall.tests.SourceLines;

/** Issue 13 item 2: a handler that never finishes is answered 503 at the deadline, logged with its await. */
@Timeout(60)
class DeadlineTest {

    static volatile boolean cleanedUp;

    /** Awaits a future nobody will ever complete. */
    public static class StuckHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            try {
                await(new Future<String>()); // STUCK-AWAIT
                write("unreachable");
            } finally {
                cleanedUp = true;
            }
            return null;
        }
    }

    /** Answers at once: the deadline must not touch it. */
    public static class QuickHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("quick");
            return null;
        }
    }

    @Test
    void aStuckHandlerGets503AndIsLoggedWithItsAwait() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(h);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        IOLoop loop = new IOLoop();
        try {
            String[] answers = loop.runSync(() -> {
                HTTPServer server = new Application().addHandler("/stuck", StuckHandler.class)
                        .addHandler("/quick", QuickHandler.class).requestDeadline(Duration.ofMillis(300))
                        .listen(0, "127.0.0.1");
                int port = server.port();
                return loop.runInExecutor(pool, () -> new String[] {get(port, "/stuck"), get(port, "/quick")});
            }, Duration.ofSeconds(30));
            assertTrue(answers[0].startsWith("HTTP/1.1 503 Service Unavailable"), answers[0]);
            assertTrue(answers[1].startsWith("HTTP/1.1 200 OK") && answers[1].endsWith("quick"), answers[1]);
            assertTrue(cleanedUp, "the stuck handler was cancelled and its finally block ran");
        } finally {
            squall.removeHandler(h);
            pool.shutdownNow();
            loop.close();
        }
        synchronized (records) {
            List<String> warnings = records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(LogRecord::getMessage).toList();
            assertEquals(1, warnings.stream().filter(m -> m.contains("deadline")).count(), warnings.toString());
            String w = warnings.stream().filter(m -> m.contains("deadline")).findFirst().orElseThrow();
            assertTrue(w.startsWith("Request GET /stuck (127.0.0.1) is still unfinished after its deadline of PT0.3S"
                    + " in handler " + StuckHandler.class.getName() + ", parked at the await in "
                    + StuckHandler.class.getName() + ".get(DeadlineTest.java:"
                    + SourceLines.lineOf("mistakes", "DeadlineTest.java", "STUCK-AWAIT") + ")"), w);
            assertTrue(w.endsWith("; answering 503 and cancelling the handler"), w);
            assertTrue(warnings.stream().noneMatch(m -> m.contains("Uncaught") || m.contains("cancelled")
                    && !m.contains("deadline")), warnings.toString());
        }
    }

    private static String get(int port, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
