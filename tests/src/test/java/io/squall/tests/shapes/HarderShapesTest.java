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

    // ---- cancelling a suspended coroutine's future: the coroutine still runs to its end quietly

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
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(capture);
        try {
            Future<String> first = new Future<>();
            Future<String> second = new Future<>();
            List<String> log = new ArrayList<>();
            Future<String> co = loop.runSync(() -> Future.of(CancelShape.run(first, second, log)));
            assertFalse(co.isDone());
            assertTrue(co.cancel());
            loop.callLater(Duration.ofMillis(1), () -> first.setResult("a"));
            loop.callLater(Duration.ofMillis(5), () -> second.setResult("b"));
            loop.runSync(() -> Gen.sleep(Duration.ofMillis(60)));
            assertEquals(List.of("start", "resumed a", "finished b"), log, "the body runs to its end");
            assertTrue(co.isCancelled());
            List<String> problems = new ArrayList<>();
            for (LogRecord r : records) {
                String text = r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown());
                if (!text.contains("never retrieved")) {
                    problems.add(text);
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

    static final class NotAFutureShape {
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
}
