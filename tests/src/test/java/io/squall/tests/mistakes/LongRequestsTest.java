package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
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
import io.squall.tests.RawHttp;
import io.squall.tests.RecordingHandler;
import io.squall.tests.SourceLines;

/**
 * Issue 13 item 2: long-running requests are listed (handler, age, the await they are parked on), on demand and
 * every period at debug level; finished requests leave the list.
 */
@Timeout(60)
class LongRequestsTest {

    static final Future<String> REPORT = new Future<>();

    /** Waits for a report nobody has made yet. */
    public static class ReportHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            String report = await(REPORT); // REPORT-AWAIT
            write(report);
            return null;
        }
    }

    /** Answers at once: never listed. */
    public static class QuickHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("quick");
            return null;
        }
    }

    @Test
    void aLongRequestIsListedWithItsAwaitUntilItFinishes() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        Level level = squall.getLevel();
        squall.setLevel(Level.FINE);
        h.setLevel(Level.FINE);
        squall.addHandler(h);
        IOLoop loop = new IOLoop();
        Application app = new Application().addHandler("/report", ReportHandler.class)
                .addHandler("/quick", QuickHandler.class).logLongRequests(Duration.ofMillis(200));
        try {
            HTTPServer server = loop.runSync(() -> Future.of(app.listen(0, "127.0.0.1")));
            int port = server.port();
            String[] answer = new String[1];
            Thread client = new Thread(() -> answer[0] = get(port, "/report"), "client");
            client.start();
            List<String> listed = loop.runSync(() -> waitForListing(app), Duration.ofSeconds(20));
            assertEquals(1, listed.size(), listed.toString());
            String line = listed.get(0);
            assertTrue(line.matches("GET /report \\(127\\.0\\.0\\.1\\) for \\d+\\.\\d s in "
                    + ReportHandler.class.getName().replace(".", "\\.").replace("$", "\\$")
                    + ", parked at the await in " + ReportHandler.class.getName().replace(".", "\\.").replace("$", "\\$")
                    + "\\.get\\(LongRequestsTest\\.java:"
                    + SourceLines.lineOf("mistakes", "LongRequestsTest.java", "REPORT-AWAIT")
                    + "\\) waiting for Future\\(pending\\)"), line);
            assertEquals("quick", body(loop.runSync(() -> loop.runInExecutor(null, () -> get(port, "/quick")))));
            assertEquals(1, app.longRunningRequests(Duration.ZERO).size(), "the quick request is not in flight");
            // The periodic debug log lists it too.
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(500)));
            synchronized (records) {
                List<String> logged = records.stream().filter(r -> r.getLevel() == Level.FINE)
                        .map(LogRecord::getMessage).filter(m -> m.contains("in flight for longer than")).toList();
                assertTrue(!logged.isEmpty(), records.stream().map(LogRecord::getMessage).toList().toString());
                assertTrue(logged.get(0).startsWith("1 request(s) in flight for longer than PT0.2S:\n  GET /report"),
                        logged.get(0));
            }
            // Finished: it leaves the list.
            loop.runSync(() -> {
                REPORT.setResult("the report");
                return Gen.sleep(Duration.ofMillis(50));
            });
            client.join(10_000);
            assertEquals("the report", body(answer[0]));
            assertEquals(List.of(), app.longRunningRequests(Duration.ZERO));
        } finally {
            app.logLongRequests(null);
            squall.removeHandler(h);
            squall.setLevel(level);
            loop.close();
        }
    }

    @Coroutine
    static Future<List<String>> waitForListing(Application app) {
        List<String> listed;
        while ((listed = app.longRunningRequests(Duration.ofMillis(200))).isEmpty()) {
            await(Gen.sleep(Duration.ofMillis(20)));
        }
        return Future.of(listed);
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static String get(int port, String path) {
        try {
            return RawHttp.get(port, path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
