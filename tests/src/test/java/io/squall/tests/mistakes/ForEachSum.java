package io.squall.tests.mistakes;

import static io.squall.Async.await;

import java.util.List;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Issue 13 item 5, the mistake as a user writes it; a top-level class so that only {@link AwaitInLambdaTest}
 * loads it (JUnit loads a test's nested classes), under a captured standard error.
 */
final class ForEachSum {
    // squall's compile-time check refuses this; suppressed to reproduce code built without the check
    @SuppressWarnings("squall:not-coroutine")
    @Coroutine
    static Future<Integer> sum(List<Future<Integer>> parts) {
        int[] total = {0};
        parts.forEach(f -> total[0] += await(f));
        return Future.of(total[0]);
    }
}
