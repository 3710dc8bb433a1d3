package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/**
 * Lambdas as coroutines: capturing and non-capturing, capturing this, locals and loop variables, returning
 * Future, CompletionStage and CompletableFuture, through JDK and custom functional interfaces, nested lambdas,
 * lambdas defined inside coroutines, passed straight to {@code runSync}. Each shape's lambdas live in their
 * own nested class, so that a class the JVM rejects fails only its own test.
 */
@SuppressWarnings("squall:swallowed-cancellation") class LambdaShapesTest extends ShapeTest {

    /** A custom functional interface whose method returns a Future. */
    @FunctionalInterface
    interface AsyncOp<A, R> {
        Future<R> apply(A a, int k);
    }

    static final class NonCapturingShape {
        static Function<Src, Future<Integer>> make() {
            return s -> Future.of(await(s.of(20)) + await(s.of(22)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void nonCapturingLambda(Src.Mode mode) {
        check(mode, NonCapturingShape.make(), () -> 42);
    }

    static final class CapturingShape {
        final String tag = "T";

        Function<Src, Future<String>> make(long base, String[] box) {
            return s -> {
                long v = base + await(s.of(1L));
                box[0] = box[0] + await(s.of("!"));
                return Future.of(tag + v + box[0]);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void capturingLocalsAndThis(Src.Mode mode) {
        long base = 1L << 33;
        String[] box = {"boxed"};
        check(mode, new CapturingShape().make(base, box), () -> "T" + (base + 1) + "boxed!");
    }

    static final class CompletionStageShape {
        static Function<Src, CompletionStage<String>> make() {
            return s -> {
                String a = await(s.cf("stage"));
                return CompletableFuture.completedFuture(a + await(s.of(1)));
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdaReturningCompletionStage(Src.Mode mode) {
        Function<Src, CompletionStage<String>> f = CompletionStageShape.make();
        check(mode, s -> Future.from(f.apply(s)), () -> "stage1");
    }

    static final class CompletableFutureShape {
        static Function<Src, CompletableFuture<Integer>> make(int factor) {
            return s -> {
                int v = await(s.cf(5)) * factor;
                if (v > 100) {
                    throw new IllegalStateException("too big");
                }
                return CompletableFuture.completedFuture(v + await(s.of(0)));
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdaReturningCompletableFuture(Src.Mode mode) {
        Function<Src, CompletableFuture<Integer>> f = CompletableFutureShape.make(3);
        check(mode, s -> Future.from(f.apply(s)), () -> 15);
        Function<Src, CompletableFuture<Integer>> tooBig = CompletableFutureShape.make(30);
        check(mode, s -> Future.from(tooBig.apply(s)), () -> raise(new IllegalStateException("too big")));
    }

    static final class CustomInterfaceShape {
        static AsyncOp<Src, String> op() {
            return (s, k) -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < k; i++) {
                    sb.append(await(s.of(i)));
                }
                return Future.of(sb.toString());
            };
        }

        static BiFunction<Src, Double, Future<Double>> half() {
            return (s, d) -> Future.of(await(s.of(d)) / 2);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void customFunctionalInterfaceAndBiFunction(Src.Mode mode) {
        AsyncOp<Src, String> op = CustomInterfaceShape.op();
        check(mode, s -> op.apply(s, 5), () -> "01234");
        BiFunction<Src, Double, Future<Double>> half = CustomInterfaceShape.half();
        check(mode, s -> half.apply(s, 5.0), () -> 2.5);
    }

    static final class LoopVariableShape {
        static Supplier<Future<List<String>>> make(Src s, List<Future<String>> started) {
            return () -> {
                for (int i = 0; i < 5; i++) {
                    int k = i;
                    Supplier<Future<String>> one = () -> Future.of("job" + k + ":" + await(s.of(k * k)));
                    started.add(one.get());
                }
                return Gen.multi(started);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdasCapturingLoopVariablesRunConcurrently(Src.Mode mode) {
        Src s = src(mode);
        Supplier<Future<List<String>>> all = LoopVariableShape.make(s, new ArrayList<>());
        Run<List<String>> run = run(s, x -> all.get());
        assertOutcome(Outcome.value(List.of("job0:0", "job1:1", "job2:4", "job3:9", "job4:16")), run.outcome);
        assertSuspensions(s, run);
    }

    static final class NestedLambdasShape {
        static Function<Src, Future<String>> make() {
            return s -> {
                IntFunction<Future<Integer>> inner = k -> {
                    Callable<Future<Integer>> innermost = () -> Future.of(await(s.of(k)) + 1);
                    try {
                        return Future.of(await(innermost.call()) * 10);
                    } catch (Exception e) {
                        return Future.failed(e);
                    }
                };
                int a = await(inner.apply(1));
                int b = await(inner.apply(2));
                return Future.of(a + "," + b);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void nestedLambdaCoroutines(Src.Mode mode) {
        check(mode, NestedLambdasShape.make(), () -> "20,30");
    }

    static final class CoroutineDefiningLambdasShape {
        @Coroutine
        static Future<Integer> coroutineDefiningLambdas(Src s, int n) {
            Function<Integer, Future<Integer>> square = k -> Future.of(await(s.of(k * k)));
            int total = 0;
            for (int i = 0; i < n; i++) {
                total += await(square.apply(await(s.of(i))));
            }
            return Future.of(total);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdaDefinedInsideCoroutine(Src.Mode mode) {
        check(mode, s -> CoroutineDefiningLambdasShape.coroutineDefiningLambdas(s, 6), () -> 0 + 1 + 4 + 9 + 16 + 25);
    }

    static final class FailingLambdasShape {
        static Function<Src, Future<String>> early() {
            return s -> {
                if (s != null) {
                    throw new IllegalArgumentException("early");
                }
                return Future.of(await(s.of("never")));
            };
        }

        static Function<Src, Future<String>> late() {
            return s -> {
                String v = await(s.of("late"));
                throw new IllegalArgumentException(v);
            };
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdaFailingBeforeAndAfterSuspension(Src.Mode mode) {
        Src s = src(mode);
        Run<String> run = run(s, FailingLambdasShape.early());
        assertEquals(IllegalArgumentException.class, run.failure().getClass());
        assertEquals("early", run.failure().getMessage());
        check(mode, FailingLambdasShape.late(), () -> raise(new IllegalArgumentException("late")));
    }

    static final class RunSyncLambdaShape {
        static String run(IOLoop loop, Src s) {
            return loop.runSync(() -> {
                String a = await(s.of("direct"));
                long b = await(s.of(7L));
                s.checkThread("after awaits in a runSync lambda");
                return Future.of(a + b);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdaPassedStraightToRunSync(Src.Mode mode) {
        Src s = src(mode);
        assertEquals("direct7", RunSyncLambdaShape.run(loop, s));
        assertEquals(List.of(), s.violations());
        assertEquals(s.pendingMade(), s.verifiedPending());
    }

    static final class MethodReferenceShape {
        @Coroutine
        static Future<Integer> viaReference(Src s) {
            return Future.of(await(s.of(98)) + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void methodReferenceToCoroutine(Src.Mode mode) {
        Function<Src, Future<Integer>> ref = MethodReferenceShape::viaReference;
        check(mode, ref, () -> 99);
    }
}
