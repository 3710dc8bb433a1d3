package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.squall.tests.RawHttp.get;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.tests.CapturedLog;
import io.squall.tests.ServedApp;

/**
 * Issue 13 item 1: a handler that writes its response from a pool thread raced with the loop ("it works"); now the
 * write is refused with a message naming both threads and the fix, the client gets a 500, and the fixed handler
 * (blocking part in runInExecutor, write back on the loop) answers 200.
 */
@Timeout(60)
class HandlerOffLoopTest {

    static final ExecutorService POOL = Executors.newSingleThreadExecutor(r -> new Thread(r, "report-pool"));

    /** The mistake: the response is written by the pool thread that did the blocking work. */
    public static class PoolWriteHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            Future<Void> done = new Future<>();
            POOL.execute(() -> {
                try {
                    String report = "report of " + args.length + " args"; // blocking work stands here
                    write(report);
                    finish();
                    done.setResult(null);
                } catch (Throwable t) {
                    done.setException(t);
                }
            });
            return done;
        }
    }

    /** The fix the message names: the blocking part on the pool, the write back on the loop. */
    public static class LoopWriteHandler extends RequestHandler {
        @Coroutine
        @Override
        public Future<?> get(String... args) {
            String report = await(IOLoop.current().runInExecutor(POOL, () -> "report of " + args.length + " args"));
            write(report);
            return null;
        }
    }

    @Test
    void writeFromAPoolThreadIsRefusedAndTheFixWorks() throws Exception {
        String loopThread = Thread.currentThread().getName();
        CapturedLog log = CapturedLog.squall();
        try (log; ServedApp served = ServedApp.start()) {
            String[] answers = served.serve(() -> new Application().addHandler("/pool", PoolWriteHandler.class)
                    .addHandler("/loop", LoopWriteHandler.class),
                    port -> new String[] {get(port, "/pool"), get(port, "/loop")});
            assertTrue(answers[0].startsWith("HTTP/1.1 500 "), answers[0]);
            assertTrue(answers[1].startsWith("HTTP/1.1 200 OK") && answers[1].endsWith("report of 0 args"), answers[1]);
        }
        List<LogRecord> errors = log.records().stream()
                .filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue()
                        && !"io.squall.access".equals(r.getLoggerName())) // the 500's access line
                .toList();
        assertEquals(1, errors.size(), errors.toString());
        Throwable t = errors.get(0).getThrown();
        assertTrue(t instanceof IllegalStateException, String.valueOf(t));
        assertEquals("RequestHandler.write() for GET /pool (127.0.0.1) in " + PoolWriteHandler.class.getName()
                + " was called on thread 'report-pool', but the request runs on IOLoop(" + loopThread
                + ", running) and a handler is not thread-safe (this would race with the loop). Do the blocking"
                + " work with await(IOLoop.current().runInExecutor(pool, () -> ...)) and call write() with its"
                + " result back on the loop, or hand the call over with loop.addCallback(() -> ...)",
                t.getMessage());
    }
}
