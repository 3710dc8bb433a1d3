package io.squall.tests.cancel;

import java.time.Duration;

import io.squall.Future;
import io.squall.IOLoop;

/** Runs a test's loop until a future is done, for the cancellation tests that look at its outcome themselves. */
final class RunUntilDone {

    private RunUntilDone() {
    }

    /**
     * Runs {@code loop} on the calling thread until {@code f} is done, without rethrowing its failure or its
     * cancellation.
     *
     * (throws {@link java.util.concurrent.TimeoutException}, undeclared, as runSync does, if {@code f} is not
     * done within 30 s)
     */
    static void runUntilDone(IOLoop loop, Future<?> f) {
        loop.runSync(() -> {
            Future<Void> done = new Future<>();
            f.addDoneCallback(x -> done.trySetResult(null));
            return done;
        }, Duration.ofSeconds(30));
    }
}
