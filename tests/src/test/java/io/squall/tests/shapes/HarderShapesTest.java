package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.Gen;
import io.squall.annotations.Coroutine;
import io.squall.tests.RecordingHandler;

/**
 * Shapes aimed at the analysis rather than the syntax: locals live only on exception edges (used only in a
 * handler), class initialization order around {@code new Foo(await(x))}, hundreds of concurrent invocations
 * of one coroutine, a serializable coroutine lambda, cancelling a suspended coroutine's future, a lambda created
 * inside a synchronized block, {@code @Coroutine} on a method that does not return a future.
 */
class HarderShapesTest extends ShapeTest {

    // ---- locals that are live only through the exception edge of the await

    static final class HandlerOnlyLocalsShape {
        @Coroutine
        static Future<String> run(Src s, int k) {
            String onlyInHandler = "ctx" + k;
            long wide = 40L + k;
            double real = k / 2.0;
            Object[] box = {k};
            try {
                int v = await(s.<Integer>fail(new IllegalStateException("failed" + k)));
                return Future.of("value " + v);
            } catch (IllegalStateException e) {
                return Future.of(onlyInHandler + "/" + wide + "/" + real + "/" + box[0] + "/" + e.getMessage());
            }
        }

        @Coroutine
        static Future<String> outerHandler(Src s, List<String> log) {
            String outer = "outer-only";
            try {
                String middle = "middle-only";
                try {
                    for (int i = 0; i < 3; i++) {
                        log.add("it" + await(s.of(i)));
                    }
                    await(s.fail(new UnsupportedOperationException("deep")));
                } catch (IllegalArgumentException e) {
                    return Future.of(middle + " wrong handler");
                } finally {
                    log.add("finally " + middle);
                }
            } catch (UnsupportedOperationException e) {
                return Future.of(outer + ":" + e.getMessage());
            }
            return Future.of("none");
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void localsLiveOnlyInExceptionHandlers(Src.Mode mode) {
        check(mode, s -> HandlerOnlyLocalsShape.run(s, 3), () -> "ctx3/43/1.5/3/failed3");
        List<String> log = new ArrayList<>();
        check(mode, s -> HandlerOnlyLocalsShape.outerHandler(s, log), () -> "outer-only:deep");
        assertEquals(List.of("it0", "it1", "it2", "finally middle-only"), log);
    }

    // ---- JLS 15.9.4: the class is initialized (NEW) before the constructor arguments are evaluated

    static final List<String> INIT_LOG = Collections.synchronizedList(new ArrayList<>());

    static final class InitOrderA {
        static {
            INIT_LOG.add("clinit A");
        }

        final String v;

        InitOrderA(String v) {
            this.v = v;
        }
    }

    static final class InitOrderB {
        static {
            INIT_LOG.add("clinit B");
        }

        final String v;

        InitOrderB(String v) {
            this.v = v;
        }
    }

    static String note(String what) {
        INIT_LOG.add(what);
        return what;
    }

    static final class InitOrderShape {
        @Coroutine
        static Future<String> coroutine(Src s) {
            InitOrderA a = new InitOrderA(note("arg A") + await(s.of("!")));
            return Future.of(a.v);
        }

        static String plain() {
            InitOrderB b = new InitOrderB(note("arg B") + "!");
            return b.v.replace('B', 'A');
        }
    }

    @Test
    void classIsInitializedBeforeConstructorArgumentsAreEvaluated() {
        INIT_LOG.clear();
        assertEquals("arg B!", InitOrderShape.plain().replace('A', 'B'));
        assertEquals(List.of("clinit B", "arg B"), INIT_LOG, "plain Java order (JLS 15.9.4)");
        INIT_LOG.clear();
        check(Src.Mode.THREAD, InitOrderShape::coroutine, () -> "arg A!");
        assertEquals(List.of("clinit A", "arg A"), INIT_LOG,
                "a rewritten new Foo(await(x)) must initialize Foo before evaluating the arguments, as javac's code does");
    }

    // ---- hundreds of concurrent invocations of the same coroutine, interleaved

    static final class ConcurrentShape {
        @Coroutine
        static Future<Long> worker(Src s, int id, int steps) {
            long acc = id;
            String tag = "w" + id;
            for (int i = 0; i < steps; i++) {
                acc = acc * 31 + await(s.of(id * 1000 + i));
                if (!tag.equals("w" + id)) {
                    throw new AssertionError("local of another invocation leaked in: " + tag);
                }
            }
            return Future.of(acc);
        }

        static long plain(int id, int steps) {
            long acc = id;
            for (int i = 0; i < steps; i++) {
                acc = acc * 31 + (id * 1000 + i);
            }
            return acc;
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void manyConcurrentInvocationsOfOneCoroutine(Src.Mode mode) {
        int n = 300;
        int steps = 8;
        Src s = src(mode);
        List<Long> results = loop.runSync(() -> {
            List<Future<Long>> all = new ArrayList<>();
            for (int id = 0; id < n; id++) {
                all.add(ConcurrentShape.worker(s, id, steps));
            }
            return Gen.multi(all);
        }, Duration.ofSeconds(90));
        for (int id = 0; id < n; id++) {
            assertEquals(ConcurrentShape.plain(id, steps), results.get(id), "worker " + id);
        }
        assertEquals(List.of(), s.violations());
        assertEquals(s.pendingMade(), s.verifiedPending());
    }

    // ---- a serializable coroutine lambda survives serialization

    interface SerializableCoroutine extends Function<Src, Future<String>>, Serializable {
    }

    static final class SerializableLambdaShape {
        static SerializableCoroutine make(String captured) {
            return s -> Future.of(captured + await(s.of("-serialized")));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Src.Mode.class, names = {"DONE", "THREAD", "MIXED"})
    void serializableLambda(Src.Mode mode) throws Exception {
        SerializableCoroutine original = SerializableLambdaShape.make("value");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(original);
        }
        SerializableCoroutine copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (SerializableCoroutine) in.readObject();
        }
        check(mode, copy, () -> "value-serialized");
    }

    // ---- cancelling a suspended coroutine's future: the await throws, the body unwinds quietly (issue 16:
    // cancellation reaches the await; before it, the body ran on to its end)

    static final class CancelShape {
        @Coroutine
        static Future<String> run(Future<String> first, Future<String> second, List<String> log) {
            log.add("start");
            String a = await(first);
            log.add("resumed " + a);
            String b = await(second);
            log.add("finished " + b);
            return Future.of(a + b);
        }
    }

    @Test
    void cancellingTheFutureOfASuspendedCoroutineIsQuiet() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(capture);
        try {
            Future<String> first = new Future<>();
            Future<String> second = new Future<>();
            List<String> log = new ArrayList<>();
            Future<String> co = loop.runSync(() -> Future.of(CancelShape.run(first, second, log)));
            assertFalse(co.isDone());
            assertTrue(co.cancel());
            loop.callLater(Duration.ofMillis(1), () -> first.trySetResult("a"));
            loop.callLater(Duration.ofMillis(5), () -> second.trySetResult("b"));
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(60)));
            assertEquals(List.of("start"), log, "the await throws CancellationException; the body goes no further");
            assertTrue(first.isCancelled(), "the awaited future is cancelled");
            assertFalse(second.isCancelled(), "a future the body never reached is untouched");
            assertTrue(co.isCancelled());
            List<String> problems = new ArrayList<>();
            synchronized (records) {
                for (LogRecord r : records) {
                    String text = r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown());
                    if (r.getLevel().intValue() >= Level.WARNING.intValue() && !text.contains("never retrieved")) {
                        problems.add(text);
                    }
                }
            }
            assertEquals(List.of(), problems, "completing a cancelled coroutine's future must not log errors");
        } finally {
            squall.removeHandler(capture);
        }
    }

    // ---- a coroutine lambda created while the enclosing method holds a monitor is not refused

    static final class LambdaInSynchronizedShape {
        static Function<Src, Future<Integer>> make(Object lock) {
            synchronized (lock) {
                return s -> Future.of(await(s.of(41)) + 1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdaCreatedInsideSynchronizedBlockWorks(Src.Mode mode) {
        check(mode, LambdaInSynchronizedShape.make(new Object()), () -> 42);
    }

    // ---- @Coroutine on a method that does not return a future type

    @SuppressWarnings("squall:return-type") static final class NotAFutureShape { // refused on purpose
        @Coroutine
        static String notAFuture(Future<String> f) {
            return "got " + await(f);
        }
    }

    @Test
    void coroutineAnnotationOnNonFutureMethodFailsClearly() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NotAFutureShape.notAFuture(Future.of("x")));
        assertTrue(e.getMessage().contains("notAFuture"), e.getMessage());
    }

    // ---- for header declaring two variables, one of them awaited; comma-separated updates with awaits

    static final class ForHeaderShape {
        @Coroutine
        static Future<String> run(Src s) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, j = await(s.of(10)); i < j; i += await(s.of(3)), j -= await(s.of(1))) {
                sb.append(i).append(':').append(j).append(' ');
            }
            return Future.of(sb.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void forHeaderWithSeveralVariables(Src.Mode mode) {
        check(mode, ForHeaderShape::run, () -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0, j = 10; i < j; i += 3, j -= 1) {
                sb.append(i).append(':').append(j).append(' ');
            }
            return sb.toString();
        });
    }

    // ---- @Coroutine methods without any await are coroutines too (API.md: semantics 3 and 4)

    static final class NoAwaitShape {
        @Coroutine
        static Future<String> throwsWithoutAwait(String why) {
            if (why != null) {
                throw new IllegalArgumentException(why);
            }
            return Future.of("no");
        }

        @Coroutine
        static Future<String> returnsNullWithoutAwait() {
            return null;
        }

        @Coroutine
        static java.util.concurrent.CompletableFuture<String> cfThrowsWithoutAwait() {
            throw new UnsupportedOperationException("cf");
        }

        @Coroutine
        static Future<Integer> plainValue(int k) {
            return Future.of(k * 2);
        }
    }

    @Test
    void coroutineWithoutAwaitThatThrowsReturnsFailedFuture() {
        Future<String> f;
        try {
            f = NoAwaitShape.throwsWithoutAwait("thrown");
        } catch (IllegalArgumentException e) {
            throw new AssertionError("a @Coroutine method must never throw to its caller (API.md semantics 4)", e);
        }
        assertTrue(f.isDone());
        assertEquals("thrown", assertThrows(IllegalArgumentException.class, f::result).getMessage());
        java.util.concurrent.CompletableFuture<String> cf;
        try {
            cf = NoAwaitShape.cfThrowsWithoutAwait();
        } catch (UnsupportedOperationException e) {
            throw new AssertionError("a @Coroutine method must never throw to its caller (API.md semantics 4)", e);
        }
        assertTrue(cf.isCompletedExceptionally());
        assertEquals(4, NoAwaitShape.plainValue(2).result());
    }

    @Test
    void coroutineWithoutAwaitReturningNullCompletesWithNull() {
        Future<String> f = NoAwaitShape.returnsNullWithoutAwait();
        assertTrue(f != null, "return null in a coroutine completes its future with null (API.md semantics 3)");
        assertTrue(f.isDone());
        assertEquals(null, f.result());
    }

    // ---- overloaded coroutines (static and instance, same name) in one class

    static final class OverloadShape {
        final String self = "inst";

        @Coroutine
        static Future<String> over(Src s) {
            return Future.of("()" + await(s.of(0)));
        }

        @Coroutine
        static Future<String> over(Src s, int k) {
            return Future.of("(int)" + await(s.of(k)));
        }

        @Coroutine
        static Future<String> over(Src s, long k) {
            return Future.of("(long)" + await(s.of(k)));
        }

        @Coroutine
        static Future<String> over(Src s, String k) {
            return Future.of("(String)" + await(s.of(k)));
        }

        @Coroutine
        Future<String> over(Src s, double k) {
            return Future.of(self + "(double)" + await(s.of(k)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void overloadedCoroutines(Src.Mode mode) {
        check(mode, s -> OverloadShape.over(s), () -> "()0");
        check(mode, s -> OverloadShape.over(s, 1), () -> "(int)1");
        check(mode, s -> OverloadShape.over(s, 2L), () -> "(long)2");
        check(mode, s -> OverloadShape.over(s, "3"), () -> "(String)3");
        check(mode, s -> new OverloadShape().over(s, 4.5), () -> "inst(double)4.5");
    }

    // ---- labelled break/continue out of a switch inside try/finally (javac copies the finally with its awaits)

    static final class JumpThroughFinallyShape {
        @Coroutine
        static Future<String> run(Src s, int[] codes) {
            StringBuilder sb = new StringBuilder();
            outer:
            for (int i = 0; i < codes.length; i++) {
                try {
                    switch (await(s.of(codes[i]))) {
                        case 1:
                            sb.append("c");
                            continue outer;
                        case 2:
                            sb.append("b");
                            break outer;
                        case 3:
                            return Future.of(sb + "r" + await(s.of(i)));
                        default:
                            sb.append(await(s.of("d")));
                    }
                    sb.append(';');
                } finally {
                    sb.append('{').append(await(s.of(i))).append('}');
                }
            }
            return Future.of(sb.toString());
        }

        static String plain(int[] codes) {
            StringBuilder sb = new StringBuilder();
            outer:
            for (int i = 0; i < codes.length; i++) {
                try {
                    switch (codes[i]) {
                        case 1:
                            sb.append("c");
                            continue outer;
                        case 2:
                            sb.append("b");
                            break outer;
                        case 3:
                            return sb + "r" + i;
                        default:
                            sb.append("d");
                    }
                    sb.append(';');
                } finally {
                    sb.append('{').append(i).append('}');
                }
            }
            return sb.toString();
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void labelledJumpsThroughFinally(Src.Mode mode) {
        int[] a = {0, 1, 0, 2, 0};
        int[] b = {1, 0, 3, 0};
        check(mode, s -> JumpThroughFinallyShape.run(s, a), () -> JumpThroughFinallyShape.plain(a));
        check(mode, s -> JumpThroughFinallyShape.run(s, b), () -> JumpThroughFinallyShape.plain(b));
    }

    // ---- unicode names and a user subclass of Future

    static final class Ünïcödé {
        @Coroutine
        static Future<String> grüße(Src s, String wörld) {
            return Future.of("grüße " + await(s.of(wörld)));
        }
    }

    static final class MyFuture<T> extends Future<T> {
    }

    static final class SubclassShape {
        @Coroutine
        static Future<Integer> run(MyFuture<Integer> f) {
            return Future.of(await(f) + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void unicodeNamesAndFutureSubclass(Src.Mode mode) {
        check(mode, s -> Ünïcödé.grüße(s, "wörld"), () -> "grüße wörld");
        MyFuture<Integer> mine = new MyFuture<>();
        int v = loop.runSync(() -> {
            Future<Integer> f = SubclassShape.run(mine);
            worker.execute(() -> mine.setResult(41));
            return f;
        });
        assertEquals(42, v);
    }

    // ---- chained assignments (dup, dup_x1, dup_x2, dup2_x1, dup2_x2 after the await)

    static final class ChainedAssignmentShape {
        int field;
        long wideField;

        @Coroutine
        Future<String> run(Src s) {
            int a;
            int b;
            long c;
            int[] ia = new int[2];
            long[] la = new long[2];
            a = b = await(s.of(5));
            field = a = await(s.of(6));
            ia[1] = b = await(s.of(7));
            wideField = c = await(s.of(8L));
            la[await(s.of(0))] = c = await(s.of(9L));
            await(s.of(this)).field += await(s.of(100));
            return Future.of(a + "," + b + "," + c + "," + field + "," + wideField + "," + ia[1] + "," + la[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void chainedAssignments(Src.Mode mode) {
        check(mode, s -> new ChainedAssignmentShape().run(s), () -> "6,7,9,106,8,7,9");
    }

    // ---- the future expression and everything before it on the line run exactly once (never run twice)

    static final class ExactlyOnceShape {
        int produced;
        int ticks;

        Future<Integer> produce(Src s, int v) {
            produced++;
            return s.of(v);
        }

        int tick() {
            return ++ticks;
        }

        @Coroutine
        Future<String> run(Src s, int n) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.append(tick()).append(':').append(await(produce(s, i))).append(',');
            }
            int x = tick() + await(produce(s, 100)) + tick();
            return Future.of(sb.toString() + x);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void sideEffectsBeforeAwaitRunExactlyOnce(Src.Mode mode) {
        ExactlyOnceShape shape = new ExactlyOnceShape();
        check(mode, s -> shape.run(s, 5), () -> "1:0,2:1,3:2,4:3,5:4," + (6 + 100 + 7));
        assertEquals(6, shape.produced, "each future expression evaluated once");
        assertEquals(7, shape.ticks, "each call before an await evaluated once");
    }

    // ---- coroutine lambdas created inside interface default and static methods

    interface LambdaFactory {
        default Function<Src, Future<String>> fromDefault(String p) {
            return s -> Future.of(p + await(s.of("-default")));
        }

        static Function<Src, Future<String>> fromStatic(String p) {
            return s -> Future.of(p + await(s.of("-static")));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdasCreatedInInterfaceMethods(Src.Mode mode) {
        check(mode, new LambdaFactory() {
        }.fromDefault("x"), () -> "x-default");
        check(mode, LambdaFactory.fromStatic("y"), () -> "y-static");
    }

    // ---- anonymous class defined after an await inside a coroutine, capturing locals

    interface Greeting {
        String greet(String who);
    }

    static final class AnonymousAfterAwaitShape {
        @Coroutine
        static Future<String> run(Src s) {
            String hello = await(s.of("hello"));
            long n = await(s.of(3L));
            Greeting g = new Greeting() {
                @Override
                public String greet(String who) {
                    return hello + " " + who + " x" + n;
                }
            };
            return Future.of(g.greet(await(s.of("you"))));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void anonymousClassCreatedAfterAwait(Src.Mode mode) {
        check(mode, AnonymousAfterAwaitShape::run, () -> "hello you x3");
    }

    // ---- called while the loop is not running: suspends, and resumes once the loop runs

    static final class OutsideLoopShape {
        @Coroutine
        static Future<String> run(Future<String> f) {
            return Future.of("after " + await(f));
        }
    }

    @Test
    void calledWhileLoopIsNotRunningResumesWhenItRuns() throws Exception {
        Future<String> f = new Future<>();
        Future<String> co = OutsideLoopShape.run(f);
        assertFalse(co.isDone());
        worker.submit(() -> f.setResult("x")).get();
        assertFalse(co.isDone(), "must resume on the loop, which is not running yet");
        assertEquals("after x", loop.runSync(() -> co));
    }

    // ---- an expression lambda whose body is an await that yields a Future: the coroutine follows it

    static final class AwaitYieldsFutureShape {
        static Function<Src, Future<String>> make() {
            return s -> await(s.of(s.of("inner")));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdaBodyAwaitingAFutureOfAFuture(Src.Mode mode) {
        // The body may end without suspending and return the (pending) inner future, which the coroutine then
        // follows on whatever thread completes it: no thread is asserted here.
        Src s = src(mode);
        Run<String> run = run(s, AwaitYieldsFutureShape.make());
        assertOutcome(Outcome.value("inner"), run.outcome);
        assertEquals(List.of(), s.violations());
        assertEquals(s.pendingMade(), s.verifiedPending());
    }

    // ---- completions racing with the suspension (no gate), on several loops and threads at once

    static final class RacyShape {
        static void spin(int n) {
            long x = 0;
            for (int i = 0; i < n * 20; i++) {
                x += i;
            }
            if (x == 42) {
                Thread.yield();
            }
        }

        @Coroutine
        static Future<long[]> racy(java.util.concurrent.Executor worker, io.squall.IOLoop loop, int n) {
            long sum = 0;
            long offLoop = 0;
            for (int i = 0; i < n; i++) {
                Future<Integer> f = new Future<>();
                int v = i;
                worker.execute(() -> {
                    spin(v % 64);
                    f.setResult(v);
                });
                spin((v * 7) % 64);
                sum += await(f);
                if (!loop.inLoopThread()) {
                    offLoop++;
                }
            }
            return Future.of(new long[] {sum, offLoop});
        }
    }

    @Test
    void completionsRacingWithSuspensionOnSeveralLoops() throws Exception {
        int n = 2000;
        int loops = 3;
        java.util.concurrent.ExecutorService completers = java.util.concurrent.Executors.newFixedThreadPool(3);
        List<Thread> threads = new ArrayList<>();
        List<long[]> results = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try {
            for (int k = 0; k < loops; k++) {
                Thread th = new Thread(() -> {
                    io.squall.IOLoop own = new io.squall.IOLoop();
                    own.makeCurrent();
                    try {
                        results.add(own.runSync(() -> RacyShape.racy(completers, own, n), Duration.ofSeconds(120)));
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        own.close();
                    }
                }, "racy-loop-" + k);
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(180_000);
            }
        } finally {
            completers.shutdownNow();
        }
        assertEquals(List.of(), failures);
        assertEquals(loops, results.size());
        for (long[] r : results) {
            assertEquals((long) n * (n - 1) / 2, r[0], "sum of awaited values");
            assertEquals(0, r[1], "awaits that resumed off their loop's thread");
        }
    }
}
