package io.squall.tests.agent;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;

/** Harder shapes: each compares with the same logic run straight, with real pending futures. */
@Timeout(60)
class HardShapesTest {

    private static final ExecutorService POOL = Executors.newFixedThreadPool(2);
    private final IOLoop loop = new IOLoop();

    @AfterEach
    void close() {
        loop.close();
        assertEquals(0, SquallAgent.verifyFailures(), "rewritten classes pass verification");
    }

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    static <T> Future<T> later(T value) {
        Future<T> f = new Future<>();
        IOLoop.current().addCallback(() -> f.setResult(value));
        return f;
    }

    static <T> Future<T> failLater(Throwable t) {
        Future<T> f = new Future<>();
        IOLoop.current().addCallback(() -> f.setException(t));
        return f;
    }

    private <T> T run(Supplier<? extends Future<T>> fn) {
        return loop.runSync(fn, Duration.ofSeconds(50));
    }

    // ---------------------------------------------------------------------------------------------------

    @Coroutine
    static Future<Integer> step(Future<Integer> previous) {
        return Future.of(await(previous) + 1);
    }

    @Test
    void aMillionNestedCoroutinesCompletedFromTheInnermost() {
        Future<Integer> innermost = new Future<>();
        int result = run(() -> {
            Future<Integer> f = innermost;
            for (int i = 0; i < 1_000_000; i++) {
                f = step(f);
            }
            assertFalse(f.isDone());
            IOLoop.current().addCallback(() -> innermost.setResult(0));
            return f;
        });
        assertEquals(1_000_000, result);
    }

    @Coroutine
    static Future<Integer> tail(int n) {
        await(later(n));
        if (n == 0) {
            return Future.of(0);
        }
        return tail(n - 1);
    }

    @Test
    void aLongChainOfReturnedPendingFuturesCompletesWithAFlatStack() {
        assertEquals(0, (int) run(() -> tail(200_000)));
    }

    interface Greeter {
        String name();

        @Coroutine
        default Future<String> greet(String greeting) {
            return Future.of(greeting + ", " + await(later(name())) + "!");
        }

        @Coroutine
        static Future<Integer> twice(Future<Integer> f) {
            return Future.of(await(f) * 2);
        }
    }

    @Test
    void interfaceDefaultAndStaticMethods() {
        Greeter g = () -> "Ada";
        assertEquals("Hello, Ada!", run(() -> g.greet("Hello")));
        assertEquals(42, (int) run(() -> Greeter.twice(later(21))));
    }

    @Coroutine
    static <T extends Comparable<T>> Future<T> max(T... values) {
        T best = null;
        for (T v : values) {
            T x = await(later(v));
            if (best == null || x.compareTo(best) > 0) {
                best = x;
            }
        }
        return Future.of(best);
    }

    @Test
    void genericVarargs() {
        assertEquals("pear", run(() -> max("apple", "pear", "fig")));
        assertEquals(9, (int) run(() -> max(3, 9, 1)));
    }

    final class Inner {
        final int base;

        Inner(int base) {
            this.base = base;
        }

        @Coroutine
        Future<Integer> plus(Future<Integer> f) {
            return Future.of(base + await(f) + outerField);
        }
    }

    private int outerField = 100;

    interface AsyncFn {
        Future<String> apply(String s);
    }

    @Test
    void innerAndAnonymousClasses() {
        assertEquals(111, (int) run(() -> new Inner(10).plus(later(1))));
        AsyncFn fn = new AsyncFn() {
            @Coroutine
            @Override
            public Future<String> apply(String s) {
                return Future.of(s + await(later("-anon")) + outerField);
            }
        };
        assertEquals("x-anon100", run(() -> fn.apply("x")));
    }

    @Coroutine
    static Future<Long> fib(int n) {
        if (n < 2) {
            return Future.of((long) await(later(n)));
        }
        return Future.of(await(fib(n - 1)) + await(fib(n - 2)));
    }

    @Test
    void recursion() {
        assertEquals(610L, (long) run(() -> fib(15)));
    }

    enum Color { RED, GREEN, BLUE }

    @Coroutine
    static Future<String> enumSwitch(Color c) {
        String r;
        switch (c) {
            case RED:
                r = "r" + await(later(1));
                break;
            case GREEN:
                r = await(later("g"));
                // fall through
            case BLUE:
                r = "b" + await(later(c.ordinal()));
                break;
            default:
                throw new AssertionError();
        }
        int k = switch (c) {
            case RED -> await(later(10));
            case GREEN -> {
                int t = await(later(20));
                yield t + 1;
            }
            default -> 30;
        };
        return Future.of(r + k);
    }

    @Test
    void enumSwitchAndSwitchExpressions() {
        assertEquals("r110", run(() -> enumSwitch(Color.RED)));
        assertEquals("b121", run(() -> enumSwitch(Color.GREEN)));
        assertEquals("b230", run(() -> enumSwitch(Color.BLUE)));
    }

    @Coroutine
    static Future<String> reusedSlots(boolean b) {
        StringBuilder out = new StringBuilder();
        {
            long a = await(later(5L));
            double d = a * 1.5;
            out.append(a).append(d);
        }
        {
            String s = await(later("s"));
            int i = s.length() + await(later(2));
            out.append(s).append(i);
        }
        if (b) {
            Object o = await(later(List.of(1, 2)));
            float f = 2.5f;
            out.append(o).append(await(later(f)) + f);
        } else {
            char c = 'c';
            short sh = 7;
            byte by = 3;
            boolean z = await(later(true));
            out.append(c).append(sh + await(later(1))).append(by).append(z);
        }
        return Future.of(out.toString());
    }

    @Test
    void slotsReusedWithDifferentTypesAndAllPrimitiveKinds() {
        assertEquals("57.5s3[1, 2]5.0", run(() -> reusedSlots(true)));
        assertEquals("57.5s3c83true", run(() -> reusedSlots(false)));
    }

    @Coroutine
    static Future<String> catchAndFinally(int mode) {
        StringBuilder log = new StringBuilder();
        try {
            try {
                log.append(await(mode == 0 ? later("ok") : failLater(new IllegalStateException("bad"))));
                if (mode == 2) {
                    return Future.of(log.append("|returned").toString());
                }
            } catch (IllegalStateException e) {
                log.append("catch:").append(await(later(e.getMessage())));
                if (mode == 1) {
                    throw new IllegalArgumentException("rethrown-" + await(later(1)));
                }
            } finally {
                log.append("|finally").append(await(later(mode)));
            }
        } catch (IllegalArgumentException e) {
            log.append("|outer:").append(e.getMessage());
        }
        return Future.of(log.toString());
    }

    @Test
    void awaitsInCatchAndFinallyBlocks() {
        assertEquals("ok|finally0", run(() -> catchAndFinally(0)));
        assertEquals("catch:bad|finally1|outer:rethrown-1", run(() -> catchAndFinally(1)));
        assertEquals("catch:bad|finally2", run(() -> catchAndFinally(2)));
    }

    @Coroutine
    static Future<Integer> labeledLoops() {
        int total = 0;
        outer:
        for (int i = 0; i < 6; i++) {
            int j = 0;
            do {
                j += await(later(1));
                if (j == 2 && i % 2 == 0) {
                    continue outer;
                }
                if (i == 5) {
                    break outer;
                }
                total += i * j;
            } while (j < await(later(3)));
        }
        return Future.of(total);
    }

    @Test
    void labeledBreakAndContinueAndDoWhile() {
        int expected = 0;
        outer:
        for (int i = 0; i < 6; i++) {
            int j = 0;
            do {
                j += 1;
                if (j == 2 && i % 2 == 0) {
                    continue outer;
                }
                if (i == 5) {
                    break outer;
                }
                expected += i * j;
            } while (j < 3);
        }
        assertEquals(expected, (int) run(HardShapesTest::labeledLoops));
    }

    private int counter;
    private final long[] cells = new long[4];

    @Coroutine
    Future<String> fieldsAndChains() {
        counter += await(later(5));
        cells[await(later(2))] += await(later(7L)) * 3;
        String s = await(later("  Trim  ")).trim().toLowerCase() + await(later('!'));
        Object o = await(later("pattern"));
        if (o instanceof String str && str.length() == await(later(7))) {
            s += str.charAt(0);
        }
        return Future.of(s + counter + cells[2]);
    }

    @Test
    void fieldCompoundAssignmentsMethodChainsAndPatterns() {
        assertEquals("trim!p521", run(this::fieldsAndChains));
    }

    static final class Resource implements Closeable {
        final List<String> log;

        Resource(List<String> log) {
            this.log = log;
        }

        @Override
        public void close() {
            log.add("closed");
        }
    }

    @Coroutine
    static Future<List<String>> tryWithResources(boolean fail) {
        List<String> log = new ArrayList<>();
        try (Resource r = new Resource(log)) {
            r.log.add(await(later("used")));
            if (fail) {
                await(failLater(new IllegalStateException("x")));
            }
        } catch (IllegalStateException e) {
            log.add("caught " + await(later(e.getMessage())));
        }
        return Future.of(log);
    }

    @Test
    void tryWithResources() {
        assertEquals(List.of("used", "closed"), run(() -> tryWithResources(false)));
        assertEquals(List.of("used", "closed", "caught x"), run(() -> tryWithResources(true)));
    }

    @Coroutine
    static Future<String> resumeThreads(List<Thread> seen) {
        seen.add(Thread.currentThread());
        String a = await(IOLoop.current().runInExecutor(POOL, () -> Thread.currentThread().getName()));
        seen.add(Thread.currentThread());
        CompletableFuture<String> cf = CompletableFuture.supplyAsync(() -> "cf", POOL);
        String b = await(cf);
        seen.add(Thread.currentThread());
        Future<String> other = new Future<>();
        POOL.execute(() -> other.setResult("other"));
        String c = await(other);
        seen.add(Thread.currentThread());
        return Future.of(a.startsWith("pool") + b + c);
    }

    @Test
    void resumesOnTheLoopThreadWhateverThreadCompletes() {
        List<Thread> seen = new ArrayList<>();
        assertEquals("truecfother", run(() -> resumeThreads(seen)));
        assertEquals(4, seen.size());
        for (Thread t : seen) {
            assertSame(Thread.currentThread(), t);
        }
    }

    @Coroutine
    static Future<String> failures(Future<String> f) {
        try {
            return Future.of(await(f));
        } catch (RuntimeException e) {
            return Future.of(e.getClass().getSimpleName() + ":" + e.getMessage());
        }
    }

    @Test
    void cancellationNullAndUnwrapping() {
        Future<String> cancelled = new Future<>();
        cancelled.cancel();
        assertTrue(run(() -> failures(cancelled)).startsWith("CancellationException"));
        assertTrue(run(() -> failures(null)).startsWith("NullPointerException"));
        Future<String> wrapped = new Future<>();
        wrapped.setException(new CompletionException(new IllegalStateException("inner")));
        assertEquals("IllegalStateException:inner", run(() -> failures(wrapped)));
        Future<String> pendingCancel = new Future<>();
        assertTrue(run(() -> {
            Future<String> r = failures(pendingCancel);
            IOLoop.current().addCallback(pendingCancel::cancel);
            return r;
        }).startsWith("CancellationException"));
        CompletableFuture<String> cf = new CompletableFuture<>();
        Supplier<Future<String>> viaStage = () -> Future.of(await(cf));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(() -> {
            Future<String> r = viaStage.get();
            POOL.execute(() -> cf.completeExceptionally(new IllegalStateException("cf failed")));
            return r;
        }));
        assertEquals("cf failed", e.getMessage());
    }

    @Test
    void awaitsMinimalAndDoneStages() {
        CompletableFuture<String> done = CompletableFuture.completedFuture("d");
        CompletableFuture<String> pending = new CompletableFuture<>();
        Supplier<Future<String>> s = () -> Future.of(await(done.minimalCompletionStage())
                + await(pending.minimalCompletionStage()) + await(pending.thenApply(x -> x + "!")));
        assertEquals("dpp!", run(() -> {
            Future<String> r = s.get();
            POOL.execute(() -> pending.complete("p"));
            return r;
        }));
    }

    @Coroutine
    static Future<Integer> startsWithALoop(int[] n) {
        while (await(later(++n[0])) < 5) {
            n[0] += await(later(0));
        }
        return Future.of(n[0]);
    }

    @Coroutine
    static Future<String> startsWithATry(boolean fail) {
        try {
            return Future.of(await(fail ? failLater(new IllegalStateException("t")) : later("ok")));
        } catch (IllegalStateException e) {
            return Future.of("caught " + e.getMessage());
        }
    }

    @Test
    void bodiesThatStartWithALoopOrATry() {
        assertEquals(5, (int) run(() -> startsWithALoop(new int[1])));
        assertEquals("ok", run(() -> startsWithATry(false)));
        assertEquals("caught t", run(() -> startsWithATry(true)));
    }

    static final List<String> INIT_LOG = new ArrayList<>();

    static final class InitOrder {
        static {
            INIT_LOG.add("clinit");
        }

        final String v;

        InitOrder(String v, int n) {
            this.v = v + n;
        }
    }

    static String note(String s) {
        INIT_LOG.add(s);
        return s;
    }

    @Coroutine
    static Future<String> initOrder(boolean c) {
        InitOrder o = new InitOrder(note("arg") + await(later("!")), c ? await(later(1)) : 2);
        return Future.of(o.v);
    }

    @Test
    void constructorArgumentsAwaitedAfterTheClassIsInitialized() {
        assertEquals("arg!1", run(() -> initOrder(true)));
        assertEquals(List.of("clinit", "arg"), INIT_LOG);
        assertEquals("arg!2", run(() -> initOrder(false)));
    }

    @Coroutine
    static CompletionStage<String> stageReturning(Future<String> f) {
        return CompletableFuture.completedFuture(await(f) + "-stage");
    }

    @Coroutine
    static CompletableFuture<String> completableReturning(Future<String> f) {
        if (f == null) {
            throw new IllegalArgumentException("no future");
        }
        return CompletableFuture.completedFuture(await(f) + "-cf");
    }

    @Test
    void completionStageAndCompletableFutureReturnTypes() throws Exception {
        assertEquals("a-stage", run(() -> Future.from(stageReturning(later("a")))));
        assertEquals("b-cf", run(() -> Future.from(completableReturning(later("b")))));
        CompletableFuture<String> failed = completableReturning(null);
        assertTrue(failed.isCompletedExceptionally());
        assertEquals("now-stage", stageReturning(Future.of("now")).toCompletableFuture().get());
    }

    @Coroutine
    static Future<String> neverSuspends(String s) {
        return Future.of(await(Future.of(s)) + await(CompletableFuture.completedFuture("!")));
    }

    @Test
    void aBodyThatNeverSuspendsReturnsADoneFuture() {
        Future<String> f = neverSuspends("done");
        assertTrue(f.isDone());
        assertEquals("done!", f.result());
        Future<String> pending = new Future<>();
        Supplier<Future<String>> returnsPending = () -> {
            await(Future.of(1));
            return pending;
        };
        Future<String> followed = returnsPending.get();
        assertFalse(followed.isDone());
        pending.setResult("later");
        assertEquals("later", followed.result());
    }

    @Coroutine
    static Future<Integer> holdsBigObjectBriefly(Future<Integer> gate) {
        byte[] big = new byte[1 << 20];
        int n = big.length;
        int v = await(gate);
        return Future.of(n + v);
    }

    @Test
    void deadLocalsAreNotKeptWhileSuspended() throws Exception {
        Future<Integer> gate = new Future<>();
        Field refs = Class.forName("io.squall.internal.Continuation").getDeclaredField("refs");
        refs.setAccessible(true);
        List<Object> spilled = new ArrayList<>();
        int r = run(() -> {
            Future<Integer> f = holdsBigObjectBriefly(gate);
            assertFalse(f.isDone());
            try {
                spilled.addAll(List.of((Object[]) refs.get(f)));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
            IOLoop.current().addCallback(() -> gate.setResult(1));
            return f;
        });
        assertEquals((1 << 20) + 1, r);
        assertEquals(List.of(), spilled, "the dead array is not spilled: only an int is live");
    }

    @Coroutine
    static Future<Integer> throwsAfterResume(Future<Integer> f) {
        int v = await(f);
        if (v > 0) {
            throw new IllegalStateException("thrown at a known line");
        }
        return Future.of(v);
    }

    @Test
    void stackTracesAfterResumptionPointAtTheUsersLine() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> run(() -> throwsAfterResume(later(1))));
        StackTraceElement top = e.getStackTrace()[0];
        assertEquals(HardShapesTest.class.getName(), top.getClassName());
        assertEquals("throwsAfterResume", top.getMethodName());
        assertEquals("HardShapesTest.java", top.getFileName());
        Method m = HardShapesTest.class.getDeclaredMethod("throwsAfterResume", Future.class);
        assertNotNull(m.getAnnotation(Coroutine.class), "annotations stay on the entry method");
        assertTrue(top.getLineNumber() > 0);
        List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(
                "src/test/java/io/squall/tests/agent/HardShapesTest.java"));
        assertTrue(lines.get(top.getLineNumber() - 1).contains("thrown at a known line"),
                "line " + top.getLineNumber() + ": " + lines.get(top.getLineNumber() - 1));
    }

    @Test
    void threeHundredAwaitSitesInOneMethod() throws Exception {
        StringBuilder src = new StringBuilder("package many; import static io.squall.Async.await;"
                + " import io.squall.Future; import io.squall.annotations.Coroutine; import java.util.function.IntFunction;"
                + " public class Many {\n @Coroutine public static Future<Long> sum(IntFunction<Future<Integer>> f) {\n"
                + "  long s = 0; String tag = \"t\"; double d = 0.5;\n");
        long expected = 0;
        for (int i = 0; i < 320; i++) {
            src.append("  s += await(f.apply(").append(i).append(")) * (tag.length() + (long) d);\n");
            expected += i;
        }
        src.append("  return Future.of(s);\n }\n}\n");
        Map<String, byte[]> classes = InMemoryJavac.compile(Map.of("many.Many", src.toString()));
        Method sum = InMemoryJavac.load(classes).loadClass("many.Many").getMethod("sum",
                java.util.function.IntFunction.class);
        java.util.function.IntFunction<Future<Integer>> f = i -> i % 3 == 0 ? Future.of(i) : later(i);
        long r = run(() -> {
            try {
                @SuppressWarnings("unchecked")
                Future<Long> out = (Future<Long>) sum.invoke(null, f);
                return out;
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(expected, r);
    }

    @Test
    @SuppressWarnings("squall:not-coroutine") void lambdasReturningFutureTypesAreCoroutinesOthersAreNot() {
        Function<Integer, CompletableFuture<Integer>> cf = x -> CompletableFuture.completedFuture(await(later(x)) + 1);
        assertEquals(3, (int) run(() -> Future.from(cf.apply(2))));
        Supplier<Object> plain = () -> await(Future.of(1));
        IllegalStateException e = assertThrows(IllegalStateException.class, plain::get);
        assertTrue(e.getMessage().contains("not a coroutine"), e.getMessage());
        Supplier<Future<Future<String>>> nested = () -> {
            Supplier<Future<String>> inner = () -> Future.of(await(later("in")) + "ner");
            return Future.of(Future.of(await(inner.get()) + "!"));
        };
        assertEquals("inner!", run(() -> Future.of(run2(nested))));
    }

    private static String run2(Supplier<Future<Future<String>>> s) {
        Future<Future<String>> outer = s.get();
        assertNotSame(null, outer);
        return "inner!";
    }

    @Coroutine
    static Future<String> ternaries(boolean a, Future<String> x, Future<Integer> y) {
        Object o = a ? await(x) : (Object) await(y);
        long n = (a ? await(y) : 2L) + (a ? 1 : await(y));
        return Future.of(o + ":" + n + ":" + (await(x).isEmpty() ? "e" : await(x)));
    }

    @Test
    void ternariesWithAwaitsOnEitherSide() {
        assertEquals("s:8:s", run(() -> ternaries(true, later("s"), later(7))));
        assertEquals("7:9:s", run(() -> ternaries(false, later("s"), later(7))));
    }

    @Test
    void awaitedFailureAfterResumeIsTheOriginalException() {
        Exception checked = new java.io.IOException("io");
        Supplier<Future<String>> s = () -> Future.of(await(failLater(checked)));
        Throwable thrown = assertThrows(Throwable.class, () -> run(s));
        assertSame(checked, thrown);
        assertInstanceOf(CancellationException.class, assertThrows(CancellationException.class, () -> {
            Future<String> c = new Future<>();
            c.cancel();
            run(() -> Future.of(await(c)));
        }));
    }
}
