package io.squall.bench.steps;

import static io.squall.bench.steps.Steps.ONE;
import static io.squall.bench.steps.Steps.STEPS;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** The await shapes written with {@link CompletableFuture#thenCompose} (the JDK's own composition). */
public final class CfSteps {
    private CfSteps() {
        throw new AssertionError("no instances");
    }

    /**
     * {@code done}: {@link Steps#STEPS} steps, each composing on an already-completed future.
     *
     * @param done a completed future holding {@link Steps#ONE}
     * @return a future of the sum
     */
    public static CompletableFuture<Integer> done(CompletableFuture<Integer> done) {
        return doneStep(done, 0, 0);
    }

    private static CompletableFuture<Integer> doneStep(CompletableFuture<Integer> done, int i, int sum) {
        if (i == STEPS) {
            return CompletableFuture.completedFuture(sum);
        }
        return done.thenCompose(v -> doneStep(done, i + 1, sum + v));
    }

    /**
     * {@code hop}: each step composes on a fresh future that a task on {@code executor} (single-threaded)
     * completes. Call it on the executor's thread.
     *
     * @param executor the single-threaded executor
     * @return a future of the sum
     */
    public static CompletableFuture<Integer> hop(Executor executor) {
        return hopStep(executor, 0, 0);
    }

    private static CompletableFuture<Integer> hopStep(Executor executor, int i, int sum) {
        if (i == STEPS) {
            return CompletableFuture.completedFuture(sum);
        }
        CompletableFuture<Integer> f = new CompletableFuture<>();
        executor.execute(() -> f.complete(ONE));
        return f.thenCompose(v -> hopStep(executor, i + 1, sum + v));
    }

    /**
     * {@code chain}: {@code depth + 1} nested compositions; the innermost waits for {@code leaf}.
     *
     * @param depth the number of calls below this one
     * @param leaf the innermost future
     * @return a future of {@code leaf}'s value plus {@code depth + 1}
     */
    public static CompletableFuture<Integer> chain(int depth, CompletableFuture<Integer> leaf) {
        CompletableFuture<Integer> inner = depth == 0 ? leaf : chain(depth - 1, leaf);
        return inner.thenCompose(v -> CompletableFuture.completedFuture(v + 1));
    }
}
