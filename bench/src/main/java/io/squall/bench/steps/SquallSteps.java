package io.squall.bench.steps;

import static io.squall.Async.await;
import static io.squall.bench.steps.Steps.ONE;
import static io.squall.bench.steps.Steps.STEPS;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/** The await shapes written with Squall coroutines, as a user would write them. Needs the agent. */
public final class SquallSteps {
    private SquallSteps() {
        throw new AssertionError("no instances");
    }

    /**
     * {@code done}: a loop of {@link Steps#STEPS} awaits of an already-completed future.
     *
     * @param done a completed future holding {@link Steps#ONE}
     * @return a future of the sum ({@link Steps#STEPS})
     */
    @Coroutine
    public static Future<Integer> done(Future<Integer> done) {
        int sum = 0;
        for (int i = 0; i < STEPS; i++) {
            sum += await(done);
        }
        return Future.of(sum);
    }

    /**
     * {@code hop}: each step awaits a fresh future that a callback on {@code loop} completes, so every step
     * suspends and resumes. The callback is queued with {@link IOLoop#addCallback} (it runs in the loop's
     * next iteration, after the selector is polled) or, with {@code dispatch}, with {@link IOLoop#dispatch}
     * (it runs as soon as the running task returns, in the same iteration). Run it on {@code loop}.
     *
     * @param loop the loop the coroutine runs on
     * @param dispatch whether to queue the completing callback with dispatch instead of addCallback
     * @return a future of the sum ({@link Steps#STEPS})
     */
    @Coroutine
    public static Future<Integer> hop(IOLoop loop, boolean dispatch) {
        int sum = 0;
        for (int i = 0; i < STEPS; i++) {
            Future<Integer> f = new Future<>();
            Runnable complete = () -> f.setResult(ONE);
            if (dispatch) {
                loop.dispatch(complete);
            } else {
                loop.addCallback(complete);
            }
            sum += await(f);
        }
        return Future.of(sum);
    }

    /**
     * {@code chain}: {@code depth + 1} nested coroutine calls; the innermost awaits {@code leaf}, each outer
     * one awaits the next inner one and adds one.
     *
     * @param depth the number of calls below this one
     * @param leaf the future the innermost call awaits
     * @return a future of {@code leaf}'s value plus {@code depth + 1}
     */
    @Coroutine
    public static Future<Integer> chain(int depth, Future<Integer> leaf) {
        int v = depth == 0 ? await(leaf) : await(chain(depth - 1, leaf));
        return Future.of(v + 1);
    }

    /**
     * {@code chain} again, as a method of its own (so with a resumer of its own): with {@link #chainC} and
     * {@link #hop}, it makes the continuation's resume call site see several coroutines, as in an application,
     * for {@code chainMegamorphic}.
     *
     * @param depth the number of calls below this one
     * @param leaf the future the innermost call awaits
     * @return a future of {@code leaf}'s value plus {@code depth + 1}
     */
    @Coroutine
    public static Future<Integer> chainB(int depth, Future<Integer> leaf) {
        int v = depth == 0 ? await(leaf) : await(chainB(depth - 1, leaf));
        return Future.of(v + 1);
    }

    /**
     * As {@link #chainB}, a third method.
     *
     * @param depth the number of calls below this one
     * @param leaf the future the innermost call awaits
     * @return a future of {@code leaf}'s value plus {@code depth + 1}
     */
    @Coroutine
    public static Future<Integer> chainC(int depth, Future<Integer> leaf) {
        int v = depth == 0 ? await(leaf) : await(chainC(depth - 1, leaf));
        return Future.of(v + 1);
    }

    /**
     * Runs {@link #hop}, {@link #chainB} and {@link #chainC} on {@code loop} until the JIT has seen them at the
     * continuation's resume call site (before {@code chain} runs there), so that the site is megamorphic.
     *
     * @param loop a loop that is not running
     */
    public static void pollute(IOLoop loop) {
        for (int i = 0; i < 3000; i++) {
            boolean dispatch = (i & 1) == 0;
            Steps.expect(loop.runSync(() -> hop(loop, dispatch)));
            Steps.expect(loop.runSync(() -> {
                Future<Integer> leaf = new Future<>();
                Future<Integer> b = chainB(STEPS - 1, leaf);
                loop.addCallback(() -> leaf.setResult(0));
                return b;
            }));
            Steps.expect(loop.runSync(() -> {
                Future<Integer> leaf = new Future<>();
                Future<Integer> c = chainC(STEPS - 1, leaf);
                loop.addCallback(() -> leaf.setResult(0));
                return c;
            }));
        }
    }
}
