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
import java.util.concurrent.CountDownLatch;
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
import io.squall.http.RequestHandler;
import io.squall.tests.SourceLines;

/**
 * The deadline's warning says what the stuck handler awaits as a dump would (the future's description: here a
 * blocked executor task), not only "Future(pending)".
 */
@Timeout(60)
class DeadlineNamesTheAwaitTest {

    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final ExecutorService REPORTS = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "report-pool");
        t.setDaemon(true);
        return t;
    });

    /** Awaits a report that a blocked worker never finishes in time. */
    public static class ReportHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            java.util.concurrent.Callable<String> build = () -> {
                RELEASE.await();
                return "report";
            };
            String report = await(IOLoop.current().runInExecutor(REPORTS, build)); // REPORT-AWAIT
            write(report);
            return null;
        }
    }

    @Test
    void theDeadlineWarningDescribesTheAwaitedExecutorTask() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new io.squall.tests.RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(h);
        ExecutorService client = Executors.newSingleThreadExecutor();
        IOLoop loop = new IOLoop();
        try {
            String answer = loop.runSync(() -> {
                int port = new Application().addHandler("/report", ReportHandler.class)
                        .requestDeadline(Duration.ofMillis(300)).listen(0, "127.0.0.1").port();
                return loop.runInExecutor(client, () -> get(port, "/report"));
            }, Duration.ofSeconds(30));
            assertTrue(answer.startsWith("HTTP/1.1 503 Service Unavailable"), answer);
        } finally {
            RELEASE.countDown();
            squall.removeHandler(h);
            client.shutdownNow();
            loop.close();
        }
        synchronized (records) {
            List<String> w = records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                    .map(LogRecord::getMessage).filter(m -> m.contains("deadline")).toList();
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).contains(", parked at the await in " + ReportHandler.class.getName()
                    + ".get(DeadlineNamesTheAwaitTest.java:"
                    + SourceLines.lineOf("mistakes", "DeadlineNamesTheAwaitTest.java", "REPORT-AWAIT")
                    + ") waiting for Future(pending): runInExecutor("), w.get(0));
            assertTrue(w.get(0).endsWith("; answering 503 and cancelling the handler"), w.get(0));
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
