package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.squall.tests.RawHttp.get;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.tests.CapturedLog;
import io.squall.tests.ServedApp;
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
        CapturedLog log = CapturedLog.squall();
        try (log; ServedApp served = ServedApp.start()) {
            try {
                String answer = served.serve(() -> new Application().addHandler("/report", ReportHandler.class)
                        .requestDeadline(Duration.ofMillis(300)), port -> get(port, "/report"));
                assertTrue(answer.startsWith("HTTP/1.1 503 Service Unavailable"), answer);
            } finally {
                RELEASE.countDown(); // before the loop closes, as the report task waits for it
            }
        }
        List<String> w = log.messages(Level.WARNING).stream().filter(m -> m.contains("deadline")).toList();
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains(", parked at the await in " + ReportHandler.class.getName()
                + ".get(DeadlineNamesTheAwaitTest.java:"
                + SourceLines.lineOf("mistakes", "DeadlineNamesTheAwaitTest.java", "REPORT-AWAIT")
                + ") waiting for Future(pending): runInExecutor("), w.get(0));
        assertTrue(w.get(0).endsWith("; answering 503 and cancelling the handler"), w.get(0));
    }
}
