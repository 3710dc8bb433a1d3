package io.squall.tests.mistakes;

import static io.squall.Async.await;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import java.time.Duration;
import java.util.List;

/**
 * A coroutine that forgets {@code await} on {@code Gen.sleep} (the call's only effect is its Future, dropped here),
 * beside one that awaits it. Kept in its own file so that its line numbers are stable for the test.
 */
final class ForgetsAwait {

    private ForgetsAwait() {
    }

    /**
     * Means to pause 50 ms, but the sleep's Future is dropped: nothing waits.
     *
     * @param log where each step is recorded
     * @return a future of "done"
     */
    @Coroutine
    static Future<String> pause(List<String> log) {
        log.add("before");
        Gen.sleep(Duration.ofMillis(50)); // DROPPED
        log.add("after");
        await(Gen.sleep(Duration.ofMillis(1))); // AWAITED
        return Future.of("done");
    }
}
