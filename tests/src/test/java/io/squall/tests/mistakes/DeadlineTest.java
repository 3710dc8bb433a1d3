package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.squall.tests.RawHttp.get;

import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.tests.CapturedLog;
import io.squall.tests.ServedApp;
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
        CapturedLog log = CapturedLog.squall();
        try (log; ServedApp served = ServedApp.start()) {
            String[] answers = served.serve(() -> new Application().addHandler("/stuck", StuckHandler.class)
                    .addHandler("/quick", QuickHandler.class).requestDeadline(Duration.ofMillis(300)),
                    port -> new String[] {get(port, "/stuck"), get(port, "/quick")});
            assertTrue(answers[0].startsWith("HTTP/1.1 503 Service Unavailable"), answers[0]);
            assertTrue(answers[1].startsWith("HTTP/1.1 200 OK") && answers[1].endsWith("quick"), answers[1]);
            assertTrue(cleanedUp, "the stuck handler was cancelled and its finally block ran");
        }
        List<String> warnings = log.messages(Level.WARNING);
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
