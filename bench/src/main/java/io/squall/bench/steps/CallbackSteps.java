package io.squall.bench.steps;

import static io.squall.bench.steps.Steps.ONE;
import static io.squall.bench.steps.Steps.STEPS;

import io.squall.Future;
import io.squall.IOLoop;
import java.util.function.Consumer;

/**
 * The await shapes hand-written as callbacks on Squall's {@link Future} and {@link IOLoop}: the floor a
 * coroutine rewrite can approach. Each loop is one reusable callback object with a fast path for done
 * futures (what a careful programmer writes), so a step costs only the future it waits for.
 */
public final class CallbackSteps {
    private CallbackSteps() {
        throw new AssertionError("no instances");
    }

    /**
     * {@code done}: {@link Steps#STEPS} steps on an already-completed future.
     *
     * @param done a completed future holding {@link Steps#ONE}
     * @return a future of the sum
     */
    public static Future<Integer> done(Future<Integer> done) {
        Loop loop = new Loop() {
            @Override
            Future<Integer> next() {
                return done;
            }
        };
        loop.run();
        return loop.result;
    }

    /**
     * {@code hop}: each step's future is completed by a callback on {@code ioLoop}, queued with addCallback
     * (next iteration) or dispatch (same iteration), as in {@link SquallSteps#hop}. Run it on {@code ioLoop}.
     *
     * @param ioLoop the loop
     * @param dispatch whether to queue the completing callback with dispatch instead of addCallback
     * @return a future of the sum
     */
    public static Future<Integer> hop(IOLoop ioLoop, boolean dispatch) {
        Loop loop = new Loop() {
            @Override
            Future<Integer> next() {
                Future<Integer> f = new Future<>();
                Runnable complete = () -> f.setResult(ONE);
                if (dispatch) {
                    ioLoop.dispatch(complete);
                } else {
                    ioLoop.addCallback(complete);
                }
                return f;
            }
        };
        loop.run();
        return loop.result;
    }

    /**
     * {@code chain}: {@code depth + 1} nested calls, each registering a callback on the next inner one's
     * future; results travel outwards through {@code ioLoop.dispatch} so the stack stays flat.
     *
     * @param depth the number of calls below this one
     * @param leaf the innermost future
     * @param ioLoop the loop the callbacks run on
     * @return a future of {@code leaf}'s value plus {@code depth + 1}
     */
    public static Future<Integer> chain(int depth, Future<Integer> leaf, IOLoop ioLoop) {
        Future<Integer> inner = depth == 0 ? leaf : chain(depth - 1, leaf, ioLoop);
        Future<Integer> out = new Future<>();
        inner.addDoneCallback(new Relay(out, ioLoop));
        return out;
    }

    /** One level of the chain: completes {@code out} with the inner value plus one, on the loop. */
    private static final class Relay implements Consumer<Future<Integer>>, Runnable {
        private final Future<Integer> out;
        private final IOLoop ioLoop;
        private Future<Integer> inner;

        Relay(Future<Integer> out, IOLoop ioLoop) {
            this.out = out;
            this.ioLoop = ioLoop;
        }

        @Override
        public void accept(Future<Integer> done) {
            inner = done;
            ioLoop.dispatch(this);
        }

        @Override
        public void run() {
            out.setResult(inner.result() + 1);
        }
    }

    /** A loop of STEPS waits as one reusable callback: the state machine a person would write by hand. */
    private abstract static class Loop implements Consumer<Future<Integer>> {
        final Future<Integer> result = new Future<>();
        private int i;
        private int sum;

        abstract Future<Integer> next();

        void run() {
            while (i < STEPS) {
                Future<Integer> f = next();
                if (!f.isDone()) {
                    f.addDoneCallback(this);
                    return;
                }
                sum += f.result();
                i++;
            }
            result.setResult(sum);
        }

        @Override
        public void accept(Future<Integer> f) {
            sum += f.result();
            i++;
            run();
        }
    }
}
