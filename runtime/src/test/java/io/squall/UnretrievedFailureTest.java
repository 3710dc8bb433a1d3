package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

import io.squall.testing.AsyncTestCase;

/**
 * A failed Future nobody looked at is logged when collected. The waits below poll with System.gc() and are
 * bounded only as hang guards: the test does not depend on how fast the collector is.
 */
@org.junit.jupiter.api.Timeout(180)
class UnretrievedFailureTest extends AsyncTestCase {
    private static final Duration GC_WAIT = Duration.ofSeconds(60);
    private static final String NEVER_RETRIEVED = "Future exception was never retrieved";

    @Test
    void unretrievedFailureIsLoggedWithItsTraceWhenCollected() throws Exception {
        IOException boom = new IOException("nobody looked at me");
        failAndDrop(boom);
        LogRecord r = logs.await(rec -> rec.getThrown() == boom, System::gc, GC_WAIT);
        assertEquals(Level.SEVERE, r.getLevel());
        assertTrue(r.getMessage().contains(NEVER_RETRIEVED), r.getMessage());
        assertTrue(r.getMessage().contains("nobody looked at me"), r.getMessage());
        boolean traceNamesTheSite = false;
        for (StackTraceElement e : r.getThrown().getStackTrace()) {
            traceNamesTheSite |= e.getMethodName().equals("unretrievedFailureIsLoggedWithItsTraceWhenCollected");
        }
        assertTrue(traceNamesTheSite, "the logged trace is the exception's own");
    }

    private static void failAndDrop(Throwable t) {
        Future<String> f = new Future<>();
        f.setException(t);
    }

    @Test
    void failureFromACompletionStageNobodyObservedIsLogged() throws Exception {
        IOException boom = new IOException("stage failure nobody observed");
        dropFrom(boom);
        LogRecord r = logs.await(rec -> rec.getThrown() == boom, System::gc, GC_WAIT);
        assertTrue(r.getMessage().contains(NEVER_RETRIEVED), r.getMessage());
    }

    private static void dropFrom(Throwable t) {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future.from(cf);
        cf.completeExceptionally(t);
    }

    @Test
    void retrievedOrCancelledFailuresAreNotLogged() throws Exception {
        List<Throwable> retrieved = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            retrieved.add(new IOException("retrieved " + i));
        }
        retrieveAndDrop(retrieved);
        cancelAndDrop();
        // A sentinel that is never retrieved: once it is logged, the collector has been through.
        IOException sentinel = new IOException("sentinel");
        failAndDrop(sentinel);
        logs.await(rec -> rec.getThrown() == sentinel, System::gc, GC_WAIT);
        for (LogRecord r : logs.records()) {
            assertTrue(r.getThrown() == sentinel || !retrieved.contains(r.getThrown())
                    && !(r.getThrown() instanceof java.util.concurrent.CancellationException),
                    "logged although retrieved: " + r.getMessage());
        }
    }

    private static void retrieveAndDrop(List<Throwable> ts) {
        Future<String> viaResult = Future.failed(ts.get(0));
        try {
            viaResult.result();
        } catch (Exception expected) {
            // retrieved
        }
        Future.failed(ts.get(1)).exception();
        Future<String> viaCallback = new Future<>();
        viaCallback.addDoneCallback(f -> {});
        viaCallback.setException(ts.get(2));
        Future.failed(ts.get(3)).addDoneCallback(f -> {});
        Future<String> losing = Future.failed(new IOException("winner, retrieved below"));
        losing.trySetException(ts.get(4)); // refused: the refused exception is not the future's failure
        losing.exception();
    }

    private static void cancelAndDrop() {
        new Future<String>().cancel();
    }
}
