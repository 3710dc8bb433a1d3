package io.squall.bench.ea;

import static com.ea.async.Async.await;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;

/**
 * The await shapes written with ea-async 1.2.3 ({@code com.ea.async.Async.await} on CompletableFuture).
 * Compiled for Java 8 (ea-async cannot read newer class files) and instrumented at build time by
 * ea-async's offline tool (see bench/pom.xml), so no ea-async agent is needed at run time.
 */
public final class EaSteps {
    /** Await steps per invocation; equal to {@code io.squall.bench.steps.Steps.STEPS}. */
    public static final int STEPS = 1000;
    private static final Integer ONE = 1;

    private EaSteps() {
        throw new AssertionError("no instances");
    }

    /**
     * {@code done}: a loop of STEPS awaits of an already-completed future.
     *
     * @param done a completed future holding 1
     * @return a future of the sum
     */
    public static CompletableFuture<Integer> done(CompletableFuture<Integer> done) {
        int sum = 0;
        for (int i = 0; i < STEPS; i++) {
            sum += await(done);
        }
        return CompletableFuture.completedFuture(sum);
    }

    /**
     * {@code hop}: each step awaits a fresh future that a task on {@code executor} completes. Call it on
     * the executor's (single) thread.
     *
     * @param executor the single-threaded executor
     * @return a future of the sum
     */
    public static CompletableFuture<Integer> hop(Executor executor) {
        int sum = 0;
        for (int i = 0; i < STEPS; i++) {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            executor.execute(() -> f.complete(ONE));
            sum += await(f);
        }
        return CompletableFuture.completedFuture(sum);
    }

    /**
     * {@code chain}: {@code depth + 1} nested async calls; the innermost awaits {@code leaf}.
     *
     * @param depth the number of calls below this one
     * @param leaf the innermost future
     * @return a future of {@code leaf}'s value plus {@code depth + 1}
     */
    public static CompletableFuture<Integer> chain(int depth, CompletableFuture<Integer> leaf) {
        int v = depth == 0 ? await(leaf) : await(chain(depth - 1, leaf));
        return CompletableFuture.completedFuture(v + 1);
    }

    /**
     * For the memory command: awaits {@code rounds} futures in turn, each obtained from {@code next}.
     *
     * @param next gives the future to await for coroutine {@code k}
     * @param k this coroutine's index
     * @param rounds how many futures to await
     * @return a future of the sum of the awaited values
     */
    public static CompletableFuture<Integer> waiter(IntFunction<CompletableFuture<Integer>> next, int k, int rounds) {
        int sum = 0;
        for (int i = 0; i < rounds; i++) {
            sum += await(next.apply(k));
        }
        return CompletableFuture.completedFuture(sum);
    }
}
