package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/** API.md semantics 1-9, one test (or more) each. */
@SuppressWarnings("squall:swallowed-cancellation") class AwaitSemanticsTest extends ShapeTest {

    // ---- 1. the body runs at once on the caller's thread up to the first pending await

    static final class RecordsStepsShape {
        @Coroutine
        static Future<String> recordsSteps(Src s, List<String> steps) {
            steps.add("start on " + Thread.currentThread().getName());
            String a = await(s.of("a"));
            steps.add("after " + a);
            return Future.of(a + await(s.of("b")));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void bodyRunsAtOnceUpToTheFirstPendingAwait(Src.Mode mode) {
        Src s = src(mode);
        List<String> steps = new ArrayList<>();
        String me = Thread.currentThread().getName();
        String v = loop.runSync(() -> {
            Future<String> f = RecordsStepsShape.recordsSteps(s, steps);
            if (mode == Src.Mode.DONE) {
                assertEquals(List.of("start on " + me, "after a"), steps);
                assertTrue(f.isDone());
            } else {
                assertEquals(List.of("start on " + me), steps);
                assertFalse(f.isDone());
            }
            return f;
        });
        assertEquals("ab", v);
        assertEquals(List.of("start on " + me, "after a"), steps);
    }

    // ---- 1. a body that never suspends returns a done future; one that returns a pending future follows it

    static final class NeverSuspendsShape {
        @Coroutine
        static Future<Integer> neverSuspends(int x) {
            int v = await(Future.of(x)) + await(CompletableFuture.completedFuture(1));
            return Future.of(v);
        }
    }

    static final class ReturnsPendingShape {
        @Coroutine
        static Future<String> returnsPending(Future<String> pending) {
            String prefix = await(Future.of("p"));
            return prefix.isEmpty() ? Future.of("") : pending;
        }
    }

    @Test
    void neverSuspendingBodyReturnsDoneFuture() {
        Future<Integer> f = NeverSuspendsShape.neverSuspends(41);
        assertTrue(f.isDone());
        assertEquals(42, f.result());
    }

    @Test
    void returnedPendingFutureIsFollowed() {
        Future<String> pending = new Future<>();
        Future<String> f = loop.runSync(() -> Future.of(ReturnsPendingShape.returnsPending(pending)));
        assertFalse(f.isDone(), "must follow the pending future it returned");
        String v = loop.runSync(() -> {
            loop.callLater(Duration.ofMillis(1), () -> pending.setResult("followed"));
            return f;
        });
        assertEquals("followed", v);
    }

    static final class SuspendsThenReturnsPendingShape {
        @Coroutine
        static Future<String> suspendsThenReturnsPending(Src s) {
            String a = await(s.of("x"));
            return a.equals("x") ? s.of("y") : Future.of("wrong");
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void returnedPendingFutureAfterSuspensionIsFollowed(Src.Mode mode) {
        check(mode, SuspendsThenReturnsPendingShape::suspendsThenReturnsPending, () -> "y");
    }

    static final class ReturnsFailedFutureShape {
        @Coroutine
        static Future<String> returnsFailedFuture(Src s) {
            await(s.of(1));
            return Future.failed(new IOException("returned failure"));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void returnedFailedFutureFailsTheCoroutine(Src.Mode mode) {
        check(mode, ReturnsFailedFutureShape::returnsFailedFuture, () -> raise(new IOException("returned failure")));
    }

    // ---- 2. await of a done future does not suspend (Gen.moment callbacks do not get to run in between)

    static final class DoneDoesNotSuspendShape {
        @Coroutine
        static Future<List<String>> doneDoesNotSuspend(List<String> order) {
            IOLoop.current().addCallback(() -> order.add("callback"));
            for (int i = 0; i < 3; i++) {
                order.add("done" + await(Future.of(i)));
            }
            await(Gen.moment());
            order.add("after moment");
            return Future.of(order);
        }
    }

    @Test
    void awaitOfDoneFutureDoesNotSuspend() {
        List<String> order = loop.runSync(() -> DoneDoesNotSuspendShape.doneDoesNotSuspend(new ArrayList<>()));
        assertEquals(List.of("done0", "done1", "done2", "callback", "after moment"), order);
    }

    // ---- 3. return null completes with null

    static final class ReturnsNullShape {
        @Coroutine
        static Future<String> returnsNull(Src s, boolean afterSuspension) {
            if (afterSuspension) {
                await(s.of(0));
            }
            return null;
        }
    }

    static final class ReturnsFutureOfNullShape {
        @Coroutine
        static Future<String> returnsFutureOfNull(Src s) {
            return Future.of(await(s.<String>of(null)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void returnNullCompletesWithNull(Src.Mode mode) {
        assertNull(check(mode, s -> ReturnsNullShape.returnsNull(s, true), () -> null));
        assertNull(check(mode, ReturnsFutureOfNullShape::returnsFutureOfNull, () -> null));
        Future<String> f = ReturnsNullShape.returnsNull(null, false);
        assertTrue(f.isDone());
        assertNull(f.result());
    }

    // ---- 4. exceptions before or after the first suspension fail the future, never thrown to the caller

    static final class FailsEarlyShape {
        @Coroutine
        static Future<String> failsEarly(Src s, String text) {
            int n = Integer.parseInt(text);
            return Future.of("n=" + n + await(s.of("")));
        }
    }

    static final class FailsWithCheckedEarlyShape {
        @Coroutine
        static Future<String> failsWithCheckedEarly() throws IOException {
            if (Boolean.TRUE) {
                throw new IOException("early checked");
            }
            return Future.of(await(Future.of("unreached")));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void exceptionBeforeFirstSuspensionFailsTheFuture(Src.Mode mode) {
        check(mode, s -> FailsEarlyShape.failsEarly(s, "12"), () -> "n=12");
        Future<String> f = FailsEarlyShape.failsEarly(src(mode), "twelve");
        assertTrue(f.isDone());
        NumberFormatException e = assertThrows(NumberFormatException.class, f::result);
        assertTrue(e.getMessage().contains("twelve"));
    }

    @Test
    void checkedExceptionBeforeFirstSuspensionFailsTheFuture() {
        Future<String> f;
        try {
            f = FailsWithCheckedEarlyShape.failsWithCheckedEarly();
        } catch (IOException e) {
            throw new AssertionError("a coroutine must never throw to its caller", e);
        }
        assertTrue(f.isDone());
        assertEquals("early checked", assertThrows(IOException.class, f::result).getMessage());
    }

    // ---- 5. CompletionStage / CompletableFuture, CompletionException unwrapped, null, cancelled

    static final class StagesShape {
        @Coroutine
        static Future<String> stages(Src s) {
            CompletableFuture<String> cf = s.cf("cf");
            CompletionStage<Integer> stage = s.cf(2).thenApply(x -> x * 21);
            CompletionStage<String> minimal = s.cf("min").minimalCompletionStage();
            String a = await(cf);
            int b = await(stage);
            String c = await(minimal);
            return Future.of(a + b + c);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void awaitCompletionStages(Src.Mode mode) {
        Src s = src(mode);
        Run<String> run = run(s, StagesShape::stages);
        assertOutcome(Outcome.value("cf42min"), run.outcome);
    }

    static final class UnwrappingShape {
        @Coroutine
        static Future<String> unwrapping(Src s) {
            StringBuilder sb = new StringBuilder();
            try {
                await(s.cfFail(new IOException("plain cf failure")));
            } catch (Exception e) {
                sb.append(e.getClass().getSimpleName()).append(':').append(e.getMessage()).append(';');
            }
            try {
                await(s.cfFail(new CompletionException(new IllegalStateException("wrapped"))));
            } catch (Exception e) {
                sb.append(e.getClass().getSimpleName()).append(':').append(e.getMessage()).append(';');
            }
            try {
                await(s.cf(1).thenApply(x -> {
                    throw new ArithmeticException("in thenApply");
                }));
            } catch (Exception e) {
                sb.append(e.getClass().getSimpleName()).append(':').append(e.getMessage()).append(';');
            }
            return Future.of(sb.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void completionExceptionIsUnwrapped(Src.Mode mode) {
        Src s = src(mode);
        Run<String> run = run(s, UnwrappingShape::unwrapping);
        assertOutcome(Outcome.value("IOException:plain cf failure;IllegalStateException:wrapped;"
                + "ArithmeticException:in thenApply;"), run.outcome);
    }

    static final class AwaitNullShape {
        @Coroutine
        static Future<String> awaitNull(int which) {
            try {
                if (which == 0) {
                    await((Future<String>) null);
                } else {
                    await((CompletionStage<String>) null);
                }
                return Future.of("no exception");
            } catch (NullPointerException e) {
                return Future.of("npe");
            }
        }
    }

    static final class AwaitNullUncaughtShape {
        @Coroutine
        static Future<String> awaitNullUncaught() {
            Future<String> nothing = null;
            return Future.of(await(nothing));
        }
    }

    @Test
    void awaitOfNullThrowsNullPointerException() {
        assertEquals("npe", loop.runSync(() -> AwaitNullShape.awaitNull(0)));
        assertEquals("npe", loop.runSync(() -> AwaitNullShape.awaitNull(1)));
        Future<String> f = AwaitNullUncaughtShape.awaitNullUncaught();
        assertTrue(f.isDone());
        assertThrows(NullPointerException.class, f::result);
    }

    static final class AwaitCancelledShape {
        @Coroutine
        static Future<String> awaitCancelled(Future<String> f, CompletableFuture<String> cf) {
            StringBuilder sb = new StringBuilder();
            try {
                await(f);
            } catch (CancellationException e) {
                sb.append("future cancelled;");
            }
            try {
                await(cf);
            } catch (CancellationException e) {
                sb.append("cf cancelled;");
            }
            return Future.of(sb.toString());
        }
    }

    @Test
    void awaitOfCancelledFutureThrowsCancellationException() {
        Future<String> done = new Future<>();
        done.cancel();
        CompletableFuture<String> doneCf = new CompletableFuture<>();
        doneCf.cancel(false);
        assertEquals("future cancelled;cf cancelled;", loop.runSync(() -> AwaitCancelledShape.awaitCancelled(done, doneCf)));

        Future<String> later = new Future<>();
        CompletableFuture<String> laterCf = new CompletableFuture<>();
        String v = loop.runSync(() -> {
            Future<String> r = AwaitCancelledShape.awaitCancelled(later, laterCf);
            assertFalse(r.isDone());
            worker.execute(later::cancel);
            loop.callLater(Duration.ofMillis(5), () -> laterCf.cancel(true));
            return r;
        });
        assertEquals("future cancelled;cf cancelled;", v);
    }

    // ---- 6. resumes on the loop that was current where it suspended, whatever thread completes the future

    static final class ThreadsSeenShape {
        @Coroutine
        static Future<List<String>> threadsSeen(List<Future<Integer>> inputs) {
            List<String> threads = new ArrayList<>();
            for (Future<Integer> in : inputs) {
                await(in);
                threads.add(Thread.currentThread().getName());
            }
            return Future.of(threads);
        }
    }

    @Test
    void resumesOnItsLoopThreadWhateverThreadCompletes() throws Exception {
        AtomicReference<List<String>> seen = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Future<Integer>> inputs = List.of(new Future<>(), new Future<>(), new Future<>());
        CountDownLatch suspended = new CountDownLatch(1);
        Thread loopThread = new Thread(() -> {
            IOLoop other = new IOLoop();
            other.makeCurrent();
            try {
                seen.set(other.runSync(() -> {
                    Future<List<String>> f = ThreadsSeenShape.threadsSeen(inputs);
                    suspended.countDown();
                    return f;
                }, Duration.ofSeconds(60)));
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                other.close();
            }
        }, "second-loop");
        loopThread.start();
        assertTrue(suspended.await(30, TimeUnit.SECONDS));
        inputs.get(0).setResult(1);
        worker.submit(() -> inputs.get(1).setResult(2)).get();
        Thread third = new Thread(() -> inputs.get(2).setResult(3), "third-completer");
        third.start();
        third.join();
        loopThread.join(60_000);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(List.of("second-loop", "second-loop", "second-loop"), seen.get());
    }

    static final class InterleavedShape {
        @Coroutine
        static Future<String> interleaved(Src s, String name, List<String> log, int n) {
            for (int i = 0; i < n; i++) {
                log.add(name + i);
                await(Gen.moment());
                s.checkThread("after moment");
            }
            return Future.of(name + await(s.of("!")));
        }
    }

    @Test
    void twoCoroutinesInterleaveOnOneLoop() {
        Src s = src(Src.Mode.CALLBACK);
        List<String> log = new ArrayList<>();
        List<String> results = loop.runSync(() -> Gen.multi(List.of(InterleavedShape.interleaved(s, "a", log, 3),
                InterleavedShape.interleaved(s, "b", log, 3))));
        assertEquals(List.of("a!", "b!"), results);
        assertEquals(List.of("a0", "b0", "a1", "b1", "a2", "b2"), log);
        assertEquals(List.of(), s.violations());
    }

    // ---- Gen helpers awaited inside coroutines: sleep, multi (list and map), withTimeout, task

    static final class GenHelpersShape {
        @Coroutine
        static Future<String> genHelpers(Src s) {
            long t0 = IOLoop.current().time();
            await(Gen.sleep(Duration.ofMillis(20)));
            long slept = IOLoop.current().time() - t0;
            List<Integer> all = await(Gen.multi(List.of(s.of(1), s.of(2), s.of(3))));
            Map<String, String> m = await(Gen.multi(Map.of("k", s.of("v"))));
            String timedOut;
            try {
                await(Gen.withTimeout(Duration.ofMillis(10), new Future<String>()));
                timedOut = "no";
            } catch (Exception e) {
                timedOut = e.getClass().getSimpleName();
            }
            String viaTask = await(Gen.<String>task(cb -> IOLoop.current().callLater(Duration.ofMillis(1), () -> cb.accept("task"))));
            return Future.of((slept >= TimeUnit.MILLISECONDS.toNanos(20)) + ":" + all + m + timedOut + viaTask);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Src.Mode.class, names = {"DONE", "THREAD", "MIXED"})
    void genHelpersInsideCoroutines(Src.Mode mode) {
        Src s = src(mode);
        Run<String> run = run(s, GenHelpersShape::genHelpers);
        assertOutcome(Outcome.value("true:[1, 2, 3]{k=v}" + TimeoutException.class.getSimpleName() + "task"), run.outcome);
        assertSuspensions(s, run, false);
    }

    // ---- 9. await in a method that is not a coroutine throws IllegalStateException naming the method

    @SuppressWarnings("squall:not-coroutine") static final class NotCoroutines {
        static String notACoroutine(Future<String> f) {
            return "got " + await(f);
        }

        static Future<String> returnsFutureButNotAnnotated(Future<String> f) {
            return Future.of(await(f));
        }

        static java.util.function.Function<Integer, Integer> lambdaNotReturningAFuture(Future<Integer> f) {
            return k -> k + await(f);
        }
    }

    @Test
    void awaitOutsideCoroutineThrowsIllegalStateException() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> NotCoroutines.notACoroutine(Future.of("x")));
        assertTrue(e.getMessage().contains("notACoroutine"), e.getMessage());
        assertTrue(e.getMessage().contains("not a coroutine"), e.getMessage());
        assertTrue(e.getMessage().contains("@io.squall.annotations.Coroutine")
                || e.getMessage().contains("@Coroutine"), e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class,
                () -> NotCoroutines.returnsFutureButNotAnnotated(new Future<>()));
        assertTrue(e2.getMessage().contains("returnsFutureButNotAnnotated"), e2.getMessage());
        java.util.function.Function<Integer, Integer> lambda = NotCoroutines.lambdaNotReturningAFuture(Future.of(1));
        IllegalStateException e3 = assertThrows(IllegalStateException.class, () -> lambda.apply(1));
        assertTrue(e3.getMessage().contains("not a coroutine"), e3.getMessage());
    }

    // ---- the future awaited is the very object given (identity of values is kept)

    static final class IdentityShape {
        @Coroutine
        static Future<Object> identity(Src s, Object o) {
            return Future.of(await(s.of(o)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void awaitedValueIsTheSameObject(Src.Mode mode) {
        Object o = new Object();
        assertSame(o, check(mode, s -> IdentityShape.identity(s, o), () -> o));
    }
}
