package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * Base of the shape tests: a fresh IOLoop (owned by the test thread) and a worker pool per test, and
 * {@link #check}, which runs a shape once as a coroutine over a {@link Src} and once as plain code on plain
 * values and asserts that both end the same way, that the coroutine really suspended on pending futures, and
 * that it resumed on the loop's thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ShapeTest {

    private static final AtomicInteger WORKERS = new AtomicInteger();

    /** The test's loop, current on the test thread. */
    protected IOLoop loop;
    /** Threads that complete futures in {@link Src.Mode#THREAD} and {@link Src.Mode#EXECUTOR}. */
    protected ExecutorService worker;

    @BeforeEach
    void newLoop() {
        loop = new IOLoop();
        loop.makeCurrent();
        worker = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "shape-worker-" + WORKERS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @AfterEach
    void closeLoop() throws InterruptedException {
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
        loop.close();
    }

    /** A new source for one run. */
    protected Src src(Src.Mode mode) {
        return new Src(loop, Thread.currentThread(), mode, worker);
    }

    /**
     * Runs {@code coroutine} on the loop with a fresh source in {@code mode} and {@code plain} directly, and
     * asserts the same outcome (value, or exception class and message), real suspensions in pending modes,
     * and that the coroutine's future completed on the loop's thread.
     *
     * @return the coroutine's value (null if both failed)
     */
    protected <T> T check(Src.Mode mode, Function<Src, ? extends Future<T>> coroutine, Callable<T> plain) {
        Outcome expected = Outcome.of(plain);
        Src src = src(mode);
        Run<T> run = run(src, coroutine);
        assertOutcome(expected, run.outcome);
        assertSuspensions(src, run);
        @SuppressWarnings("unchecked")
        T value = (T) run.outcome.value;
        return value;
    }

    /**
     * As {@link #check}, but the agent may instead refuse the coroutine as too large once rewritten: then the
     * future must fail with an IllegalStateException naming the method and its source file, and saying why.
     */
    protected <T> void checkOrRefusedAsTooLarge(Src.Mode mode, Function<Src, ? extends Future<T>> coroutine,
            Callable<T> plain, String method, String file) {
        Outcome expected = Outcome.of(plain);
        Src src = src(mode);
        Run<T> run = run(src, coroutine);
        Throwable failure = run.outcome.failure;
        if (failure instanceof IllegalStateException && failure.getMessage() != null
                && failure.getMessage().toLowerCase(java.util.Locale.ROOT).contains("too large")) {
            String msg = failure.getMessage();
            assertTrue(msg.contains(method), "the refusal names the method: " + msg);
            assertTrue(msg.contains(file), "the refusal names the source file: " + msg);
            assertTrue(run.doneAtReturn, "a refused coroutine returns a failed future at once");
            System.out.println("[corpus] " + method + " refused as too large: " + msg);
            return;
        }
        assertOutcome(expected, run.outcome);
        assertSuspensions(src, run);
    }

    /** Asserts that {@code src}'s futures were pending in pending modes and that the coroutine stayed on its loop. */
    protected void assertSuspensions(Src src, Run<?> run) {
        assertSuspensions(src, run, true);
    }

    /**
     * As {@link #assertSuspensions(Src, Run)}; {@code onlySourceFutures} tells whether the shape awaits only
     * futures of {@code src} (then in {@link Src.Mode#DONE} it must never suspend).
     */
    protected void assertSuspensions(Src src, Run<?> run, boolean onlySourceFutures) {
        assertTrue(src.made() > 0, "the shape awaited nothing");
        assertEquals(java.util.List.of(), src.violations(), "violations");
        if (src.mode().pending()) {
            assertTrue(src.pendingMade() > 0, "no pending future was made");
            assertEquals(src.pendingMade(), src.verifiedPending(),
                    "every pending future must still be pending once the coroutine yields to the loop");
        }
        if (run.pendingBeforeReturn > 0) {
            assertFalse(run.doneAtReturn,
                    "the coroutine awaited a pending future before returning, so its future must be pending");
            assertSame(loop, run.loopAtCompletion, "completed on the wrong loop");
            assertSame(Thread.currentThread(), run.completedOn,
                    "the coroutine must resume (and complete) on the loop's thread, not " + run.completedOn);
        } else if (src.mode() == Src.Mode.DONE && onlySourceFutures) {
            assertTrue(run.doneAtReturn, "a coroutine that never suspends must return a done future");
        }
    }

    /**
     * Calls {@code coroutine} on the loop and runs the loop until its future is done.
     */
    protected <T> Run<T> run(Src src, Function<Src, ? extends Future<T>> coroutine) {
        Run<T> run = new Run<>();
        Object outcome;
        try {
            T value = loop.runSync(() -> {
                Future<T> f;
                try {
                    f = coroutine.apply(src);
                } catch (Throwable t) {
                    run.thrownToCaller = t;
                    return null;
                }
                if (f == null) {
                    run.returnedNull = true;
                    return null;
                }
                run.pendingBeforeReturn = src.pendingMade();
                run.doneAtReturn = f.isDone();
                f.addDoneCallback(done -> {
                    run.completedOn = Thread.currentThread();
                    run.loopAtCompletion = IOLoop.current();
                });
                return f;
            }, Duration.ofSeconds(90));
            run.outcome = Outcome.value(value);
        } catch (Throwable t) {
            run.outcome = Outcome.failure(t);
        }
        if (run.thrownToCaller != null) {
            fail("the coroutine threw to its caller instead of failing its future: " + run.thrownToCaller,
                    run.thrownToCaller);
        }
        assertFalse(run.returnedNull, "a coroutine call returned null instead of a Future");
        assertNotNull(run.outcome);
        return run;
    }

    static void assertOutcome(Outcome expected, Outcome actual) {
        if (expected.failure != null || actual.failure != null) {
            if (expected.failure == null) {
                throw new AssertionError("the coroutine failed but the plain code returned " + expected.value,
                        actual.failure);
            }
            if (actual.failure == null) {
                throw new AssertionError("the plain code threw " + expected.failure + " but the coroutine returned "
                        + actual.value, expected.failure);
            }
            if (expected.failure.getClass() != actual.failure.getClass()
                    || !Objects.equals(expected.failure.getMessage(), actual.failure.getMessage())) {
                AssertionError e = new AssertionError("plain code threw " + expected.failure
                        + " but the coroutine failed with " + actual.failure, actual.failure);
                e.addSuppressed(expected.failure);
                throw e;
            }
            return;
        }
        if (!Objects.deepEquals(expected.value, actual.value)) {
            fail("coroutine returned " + show(actual.value) + " but plain code returned " + show(expected.value));
        }
    }

    static String show(Object o) {
        if (o instanceof Object[]) {
            return Arrays.deepToString((Object[]) o);
        }
        if (o instanceof int[]) {
            return Arrays.toString((int[]) o);
        }
        if (o instanceof long[]) {
            return Arrays.toString((long[]) o);
        }
        if (o instanceof double[]) {
            return Arrays.toString((double[]) o);
        }
        return String.valueOf(o);
    }

    /** The outcome of one coroutine call. */
    protected static final class Run<T> {
        Outcome outcome;
        Throwable thrownToCaller;
        boolean returnedNull;
        int pendingBeforeReturn;
        boolean doneAtReturn;
        volatile Thread completedOn;
        volatile IOLoop loopAtCompletion;

        /** The value (null if failed). */
        public Object value() {
            return outcome.value;
        }

        /** The failure, or null. */
        public Throwable failure() {
            return outcome.failure;
        }
    }

    /** A value or a failure. */
    static final class Outcome {
        final Object value;
        final Throwable failure;

        private Outcome(Object value, Throwable failure) {
            this.value = value;
            this.failure = failure;
        }

        static Outcome value(Object v) {
            return new Outcome(v, null);
        }

        static Outcome failure(Throwable t) {
            if (t instanceof AssertionError) {
                throw (AssertionError) t;
            }
            return new Outcome(null, t);
        }

        static Outcome of(Callable<?> plain) {
            try {
                return value(plain.call());
            } catch (Throwable t) {
                return failure(t);
            }
        }
    }

    /** Plain-code helper: throws {@code t} where a coroutine awaits a failed future. */
    protected static <T> T raise(Throwable t) {
        throw Src.<RuntimeException>sneaky(t);
    }
}
