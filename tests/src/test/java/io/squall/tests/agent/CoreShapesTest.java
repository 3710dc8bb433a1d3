package io.squall.tests.agent;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;

/** Core coroutine shapes, each suspended for real on a timer and compared with the same logic run straight. */
@Timeout(30)
@SuppressWarnings("squall:swallowed-cancellation") class CoreShapesTest {

    private final IOLoop loop = new IOLoop();
    private final List<Thread> resumedOn = new ArrayList<>();

    @AfterEach
    void close() {
        loop.close();
        assertEquals(0, SquallAgent.verifyFailures(), "rewritten classes pass verification");
    }

    /** A future completed by a loop timer after a short delay: always pending when awaited. */
    private <T> Future<T> later(T value) {
        Future<T> f = new Future<>();
        IOLoop.current().callLater(Duration.ofMillis(1), () -> f.setResult(value));
        return f;
    }

    private <T> Future<T> failLater(Throwable t) {
        Future<T> f = new Future<>();
        IOLoop.current().callLater(Duration.ofMillis(1), () -> f.setException(t));
        return f;
    }

    private <T> T run(Supplier<? extends Future<T>> fn) {
        return loop.runSync(fn, Duration.ofSeconds(20));
    }

    @Coroutine
    Future<Integer> add(int a, int b) {
        int x = await(later(a));
        resumedOn.add(Thread.currentThread());
        int y = await(later(b));
        return Future.of(x + y);
    }

    @Test
    void awaitsPendingFuturesAndResumesOnTheLoopThread() {
        Future<Integer>[] holder = new Future[1];
        int r = run(() -> {
            holder[0] = add(2, 3);
            assertFalse(holder[0].isDone(), "suspended at the first await");
            return holder[0];
        });
        assertEquals(5, r);
        assertEquals(List.of(Thread.currentThread()), resumedOn);
    }

    @Coroutine
    static Future<Long> loopSum(int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += await(Future.of((long) i)) + await(slow(i));
        }
        return Future.of(sum);
    }

    static Future<Long> slow(int i) {
        Future<Long> f = new Future<>();
        IOLoop.current().addCallback(() -> f.setResult((long) i * 2));
        return f;
    }

    @Test
    void awaitsInALoopWithDoneAndPendingFutures() {
        long expected = 0;
        for (int i = 0; i < 100; i++) {
            expected += i + i * 2L;
        }
        assertEquals(expected, (long) run(() -> loopSum(100)));
    }

    @Coroutine
    Future<String> tryCatchFinally(boolean fail) {
        StringBuilder log = new StringBuilder();
        try {
            log.append("a");
            String s = await(fail ? failLater(new IOException("boom")) : later("b"));
            log.append(s);
        } catch (Exception e) {
            log.append(e instanceof IOException ? "caught:" : "wrong:").append(e.getMessage());
            log.append(await(later("-c")));
        } finally {
            log.append(await(later("-f")));
        }
        return Future.of(log.toString());
    }

    @Test
    void tryCatchFinallyAroundAwaits() {
        assertEquals("ab-f", run(() -> tryCatchFinally(false)));
        assertEquals("acaught:boom-c-f", run(() -> tryCatchFinally(true)));
    }

    @Coroutine
    Future<Double> wideStack(long l, double d) {
        double r = l + d * 2 + add3(l, await(later(7L)), d + await(later(1.5)));
        return Future.of(r);
    }

    static double add3(long a, long b, double c) {
        return a * 100 + b * 10 + c;
    }

    @Test
    void longAndDoubleOnTheOperandStack() {
        assertEquals(3 + 0.25 * 2 + add3(3, 7, 0.25 + 1.5), run(() -> wideStack(3, 0.25)));
    }

    static final class Pair {
        final String a;
        final int b;

        Pair(String a, int b) {
            this.a = a;
            this.b = b;
        }
    }

    @Coroutine
    Future<String> constructorArguments() {
        Pair p = new Pair("x" + await(later("y")), new Pair(await(later("z")), 4).b + await(later(1)));
        return Future.of(p.a + p.b);
    }

    @Test
    void newWithAwaitInItsArguments() {
        assertEquals("xy5", run(this::constructorArguments));
    }

    @Coroutine
    Future<String> ternaryAndSwitch(int k, String key) {
        String r = (k > 0 ? await(later("pos")) : "neg") + ":";
        switch (key) {
            case "one":
                r += await(later(1));
                break;
            case "two":
                r += await(later(2)) * 2;
                break;
            default:
                r += "?";
        }
        return Future.of(r);
    }

    @Test
    void ternaryAndStringSwitch() {
        assertEquals("pos:1", run(() -> ternaryAndSwitch(1, "one")));
        assertEquals("neg:4", run(() -> ternaryAndSwitch(-1, "two")));
        assertEquals("neg:?", run(() -> ternaryAndSwitch(0, "x")));
    }

    @Coroutine
    Future<int[]> arraysAndCompound() {
        int[] a = new int[3];
        a[await(later(1))] = await(later(10));
        a[2] += await(later(5));
        a[2] *= await(later(3));
        return Future.of(a);
    }

    @Test
    void arrayStoresAndCompoundAssignments() {
        int[] a = run(this::arraysAndCompound);
        assertEquals(0, a[0]);
        assertEquals(10, a[1]);
        assertEquals(15, a[2]);
    }

    @Test
    void lambdaCoroutinesCapturingLocals() {
        String prefix = "p";
        Supplier<Future<String>> s = () -> Future.of(prefix + await(later("q")) + await(later(1)));
        assertEquals("pq1", run(s));
    }

    @Coroutine
    Future<String> stage() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        new Thread(() -> cf.complete("stage")).start();
        String a = await(cf);
        CompletionStage<String> done = CompletableFuture.completedFuture("!");
        return Future.of(a + await(done));
    }

    @Test
    void awaitsCompletionStages() {
        assertEquals("stage!", run(this::stage));
    }

    @Coroutine
    Future<String> failing(int when) throws IOException {
        if (when == 0) {
            throw new IOException("before");
        }
        await(later(1));
        if (when == 1) {
            throw new IOException("after");
        }
        return null;
    }

    @Test
    void exceptionsCompleteTheFutureAndAreNeverThrownToTheCaller() throws Exception {
        Future<String> f = failing(0);
        assertTrue(f.isDone());
        assertEquals("before", f.exception().getMessage());
        IOException e = assertThrows(IOException.class, () -> run(() -> {
            try {
                return failing(1);
            } catch (IOException ex) {
                throw new AssertionError(ex);
            }
        }));
        assertEquals("after", e.getMessage());
        assertSame(null, run(() -> {
            try {
                return failing(2);
            } catch (IOException ex) {
                throw new AssertionError(ex);
            }
        }));
    }

    @Coroutine
    static Future<Integer> chain(int depth, Future<Integer> innermost) {
        if (depth == 0) {
            return innermost;
        }
        return Future.of(await(chain(depth - 1, innermost)) + 1);
    }

    @Coroutine
    static Future<Integer> manyAwaits(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += await(slow(1)) / 2;
        }
        return Future.of(sum);
    }

    @Test
    void aMillionSuspensionsInOneLoopKeepTheStackFlat() {
        assertEquals(1_000_000, (int) run(() -> manyAwaits(1_000_000)));
    }
}
