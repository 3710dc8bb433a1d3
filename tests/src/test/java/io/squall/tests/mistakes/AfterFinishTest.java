package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import static io.squall.tests.RawHttp.get;
import static io.squall.tests.RawHttp.statusAndBody;
import static io.squall.tests.RawHttp.statusLine;

import java.time.Duration;
import java.util.List;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.tests.CapturedLog;
import io.squall.tests.ServedApp;

/**
 * Writing after the response was finished said only {@code Cannot write() after finish() for GET /go
 * (127.0.0.1)}, although the handler never called finish() (redirect() did, or Squall did when the handler's
 * future completed while a callback it started still meant to write). The message now says what finished the
 * response, in which handler, and what to do.
 */
@Timeout(60)
class AfterFinishTest {

    static Future<String> lateWrite;

    /** redirect() finishes: the write after it fails. */
    public static class RedirectThenWrite extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            redirect("/elsewhere");
            write("you are being redirected");
            return null;
        }
    }

    /** finish() twice, the second after an await. */
    public static class FinishTwice extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            write("once");
            finish();
            await(Gen.moment());
            finish();
            return null;
        }
    }

    /** Starts a timer that writes, and does not wait for it: Squall finishes the response first. */
    public static class FireAndForget extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("early");
            IOLoop.current().callLater(Duration.ofMillis(20), () -> {
                try {
                    write("late");
                    lateWrite.setResult("no failure");
                } catch (IllegalStateException e) {
                    lateWrite.setResult(e.getMessage());
                }
            });
            return null;
        }
    }

    @Test
    void aCallAfterTheResponseWasFinishedSaysWhatFinishedIt() throws Exception {
        String[] answers;
        String late;
        List<LogRecord> records;
        try (CapturedLog log = CapturedLog.squall(); ServedApp served = ServedApp.start()) {
            lateWrite = new Future<>();
            answers = served.serve(() -> new Application().addHandler("/redirect", RedirectThenWrite.class)
                    .addHandler("/twice", FinishTwice.class).addHandler("/late", FireAndForget.class),
                    port -> new String[] {statusLine(get(port, "/redirect")), statusAndBody(get(port, "/twice")),
                        statusAndBody(get(port, "/late"))});
            late = served.loop().runSync(() -> lateWrite, Duration.ofSeconds(30));
            records = log.records();
        }
        assertEquals("HTTP/1.1 302 Found", answers[0]);
        assertEquals("HTTP/1.1 200 OK|once", answers[1]);
        assertEquals("HTTP/1.1 200 OK|early", answers[2]);
        String pkg = AfterFinishTest.class.getName();
        assertEquals("Cannot write() for GET /redirect (127.0.0.1) in " + pkg + "$RedirectThenWrite: the response"
                + " was already finished by redirect(). Return right after finish(), redirect(), sendError() or"
                + " render(); nothing can be written after them", thrown(records, "/redirect"));
        assertEquals("finish() called twice: for GET /twice (127.0.0.1) in " + pkg + "$FinishTwice: the response"
                + " was already finished by finish(). Return right after finish(), redirect(), sendError() or"
                + " render(); nothing can be written after them", thrown(records, "/twice"));
        assertEquals("Cannot write() for GET /late (127.0.0.1) in " + pkg + "$FireAndForget: the response was"
                + " already finished by Squall, when the future of get() completed. Output from a callback, or from a"
                + " coroutine the handler started without awaiting it, comes too late: await that work in the"
                + " handler (or return its future)", late);
    }

    /** The message of the exception logged for the request to {@code path}. */
    private static String thrown(List<LogRecord> records, String path) {
        for (LogRecord r : records) {
            if (r.getThrown() != null && r.getMessage().contains("for GET " + path + " ")) {
                return r.getThrown().getMessage();
            }
        }
        return "nothing logged for " + path + ": " + records;
    }
}
