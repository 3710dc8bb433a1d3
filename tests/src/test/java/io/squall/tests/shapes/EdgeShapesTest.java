package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Less common places for coroutines and awaits: bridge methods (generic and covariant), enum constant bodies,
 * records, lambdas created in static initializers and constructors, generic classes, private interface
 * methods, assert statements, switch on boxed and char selectors, local classes, many parameters, precise
 * rethrow, deeply nested finally blocks (javac copies them on every path), one future awaited twice and by
 * two coroutines, constructors that throw after their arguments were awaited.
 */
class EdgeShapesTest extends ShapeTest {

    // ---- bridge methods: generic parameter bridge and covariant return bridge (javac copies @Coroutine there)

    interface Handler<T> {
        Future<String> handle(Src s, T t);
    }

    interface StageOp {
        CompletionStage<String> run(Src s);
    }

    static final class BridgeShape implements Handler<String>, StageOp {
        @Override
        @Coroutine
        public Future<String> handle(Src s, String t) {
            return Future.of(t.toUpperCase() + await(s.of("!")));
        }

        @Override
        @Coroutine
        public CompletableFuture<String> run(Src s) {
            return CompletableFuture.completedFuture("covariant" + await(s.of(1)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void bridgeMethods(Src.Mode mode) {
        Handler<String> h = new BridgeShape();
        StageOp op = new BridgeShape();
        check(mode, s -> h.handle(s, "bridged"), () -> "BRIDGED!");
        check(mode, s -> Future.from(op.run(s)), () -> "covariant1");
    }

    // ---- enum constants with their own coroutine bodies

    enum Op {
        PLUS {
            @Override
            @Coroutine
            Future<Integer> apply(Src s, int a) {
                return Future.of(a + await(s.of(a)));
            }
        },
        TIMES {
            @Override
            @Coroutine
            Future<Integer> apply(Src s, int a) {
                int r = 1;
                for (int i = 0; i < 3; i++) {
                    r *= await(s.of(a));
                }
                return Future.of(r);
            }
        };

        abstract Future<Integer> apply(Src s, int a);
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void enumConstantBodies(Src.Mode mode) {
        check(mode, s -> Op.PLUS.apply(s, 4), () -> 8);
        check(mode, s -> Op.TIMES.apply(s, 4), () -> 64);
    }

    // ---- records

    record Point(int x, long y) {
        @Coroutine
        Future<String> describe(Src s) {
            long d = x * (long) await(s.of(x)) + y * await(s.of(y));
            return Future.of(this + "=" + d);
        }

        @Coroutine
        static Future<Point> parse(Src s, String text) {
            String[] parts = await(s.of(text)).split(",");
            return Future.of(new Point(Integer.parseInt(await(s.of(parts[0]))), Long.parseLong(parts[1])));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void recordMethods(Src.Mode mode) {
        check(mode, s -> new Point(3, 4L).describe(s), () -> "Point[x=3, y=4]=25");
        check(mode, s -> Point.parse(s, "7,8"), () -> new Point(7, 8L));
    }

    // ---- lambdas created in a static initializer and in a constructor

    static final class StaticInitShape {
        static final Function<Src, Future<Integer>> LAMBDA;

        static {
            int base = Integer.parseInt("40");
            LAMBDA = s -> Future.of(base + await(s.of(2)));
        }
    }

    static final class ConstructorLambdaShape {
        final Function<Src, Future<String>> lambda;
        final String name;

        ConstructorLambdaShape(String prefix, long n) {
            this.name = "ctor";
            this.lambda = s -> Future.of(prefix + await(s.of(n)) + name + await(s.of(n * 2)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdasFromStaticInitializerAndConstructor(Src.Mode mode) {
        check(mode, StaticInitShape.LAMBDA, () -> 42);
        check(mode, new ConstructorLambdaShape("p", 5L).lambda, () -> "p5ctor10");
    }

    // ---- generic class with bounded type parameter; private interface method

    static final class Box<T extends Comparable<T>> {
        private T value;

        Box(T value) {
            this.value = value;
        }

        @Coroutine
        Future<T> maxWith(Src s, List<T> others) {
            for (T o : others) {
                T v = await(s.of(o));
                if (v.compareTo(value) > 0) {
                    value = v;
                }
            }
            return Future.of(value);
        }
    }

    interface WithPrivate {
        @Coroutine
        private Future<String> helper(Src s, String x) {
            return Future.of("<" + await(s.of(x)) + ">");
        }

        @Coroutine
        default Future<String> twice(Src s, String x) {
            return Future.of(await(helper(s, x)) + await(helper(s, x + x)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void genericClassAndPrivateInterfaceMethod(Src.Mode mode) {
        check(mode, s -> new Box<>(5).maxWith(s, List.of(3, 9, 7)), () -> 9);
        check(mode, s -> new Box<>("m").maxWith(s, List.of("a", "z")), () -> "z");
        WithPrivate w = new WithPrivate() {
        };
        check(mode, s -> w.twice(s, "x"), () -> "<x><xx>");
    }

    // ---- assert statements containing awaits (Surefire runs with -ea; the plain twin sees the same flag)

    static final class AssertShape {
        @Coroutine
        static Future<String> asserts(Src s, int v) {
            assert await(s.of(v)) >= 0;
            try {
                assert await(s.of(v)) > 5 : "too small: " + await(s.of(v));
                return Future.of("passed " + v);
            } catch (AssertionError e) {
                return Future.of("assertion " + e.getMessage());
            }
        }

        static String assertsPlain(int v) {
            assert v >= 0;
            try {
                assert v > 5 : "too small: " + v;
                return "passed " + v;
            } catch (AssertionError e) {
                return "assertion " + e.getMessage();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void assertStatements(Src.Mode mode) {
        check(mode, s -> AssertShape.asserts(s, 9), () -> AssertShape.assertsPlain(9));
        check(mode, s -> AssertShape.asserts(s, 2), () -> AssertShape.assertsPlain(2));
    }

    // ---- switch on Integer (unboxed selector), char and Character

    static final class BoxedSwitchShape {
        @Coroutine
        static Future<String> run(Src s, String text) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                Character c = await(s.of(text.charAt(i)));
                switch (c) {
                    case 'a':
                        sb.append(await(s.of(1)));
                        break;
                    case 'b':
                        continue;
                    default:
                        Integer boxed = await(s.of((int) c));
                        switch (boxed % 3) {
                            case 0 -> sb.append('z');
                            case 1 -> sb.append(await(s.of("one")));
                            default -> sb.append(boxed);
                        }
                }
                sb.append(',');
            }
            return Future.of(sb.toString());
        }

        static String plain(String text) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                Character c = text.charAt(i);
                switch (c) {
                    case 'a':
                        sb.append(1);
                        break;
                    case 'b':
                        continue;
                    default:
                        Integer boxed = (int) c;
                        switch (boxed % 3) {
                            case 0 -> sb.append('z');
                            case 1 -> sb.append("one");
                            default -> sb.append(boxed);
                        }
                }
                sb.append(',');
            }
            return sb.toString();
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void switchOnBoxedAndChar(Src.Mode mode) {
        check(mode, s -> BoxedSwitchShape.run(s, "abcdefab"), () -> BoxedSwitchShape.plain("abcdefab"));
    }

    // ---- local class capturing values computed before and after awaits

    static final class LocalClassShape {
        @Coroutine
        static Future<String> run(Src s, int k) {
            String before = await(s.of("before"));
            long wide = await(s.of(k * 1000L));
            class Capture {
                String show(String after) {
                    return before + "/" + wide + "/" + after;
                }
            }
            String after = await(s.of("after"));
            return Future.of(new Capture().show(after) + await(s.of(new Capture().show("again"))));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void localClassCapturing(Src.Mode mode) {
        check(mode, s -> LocalClassShape.run(s, 3), () -> "before/3000/afterbefore/3000/again");
    }

    // ---- many parameters of mixed widths

    static final class ManyParamsShape {
        @Coroutine
        static Future<String> run(Src s, int a, long b, double c, float d, boolean e, byte f, char g, short h,
                String i, Object j, int[] k, long l, double m, int n, long o, double p, String q, char r, byte t,
                long u, double v, int w, Object x, long y, double z) {
            await(s.of(0));
            String r1 = a + "," + b + "," + c + "," + d + "," + e + "," + f + "," + g + "," + h + "," + i + "," + j;
            await(s.of(1));
            String r2 = k[0] + "," + l + "," + m + "," + n + "," + o + "," + p + "," + q + "," + r + "," + t + ","
                    + u + "," + v + "," + w + "," + x + "," + y + "," + z;
            return Future.of(r1 + "|" + r2 + await(s.of("")));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void manyParameters(Src.Mode mode) {
        String expected = "1,2,3.0,4.0,true,6,g,8,i,null|11,12,13.0,14,15,16.0,q,r,19,20,21.0,22,x,24,25.0";
        check(mode, s -> ManyParamsShape.run(s, 1, 2L, 3.0, 4f, true, (byte) 6, 'g', (short) 8, "i", null,
                new int[] {11}, 12L, 13.0, 14, 15L, 16.0, "q", 'r', (byte) 19, 20L, 21.0, 22, "x", 24L, 25.0),
                () -> expected);
    }

    // ---- precise rethrow of Throwable, deeply nested finally blocks

    static final class RethrowShape {
        @Coroutine
        static Future<String> run(Src s, List<String> log, boolean fail) {
            try {
                log.add("try" + await(s.of(1)));
                if (fail) {
                    await(s.fail(new java.io.IOException("io")));
                }
                return Future.of("ok");
            } catch (Throwable t) {
                log.add("caught " + t.getClass().getSimpleName() + await(s.of("")));
                throw t;
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void preciseRethrow(Src.Mode mode) {
        List<String> log = new ArrayList<>();
        check(mode, s -> RethrowShape.run(s, log, false), () -> "ok");
        check(mode, s -> RethrowShape.run(s, log, true), () -> raise(new java.io.IOException("io")));
        assertEquals(List.of("try1", "try1", "caught IOException"), log);
    }

    static final class NestedFinallyShape {
        @Coroutine
        static Future<String> run(Src s, int failAt) {
            StringBuilder sb = new StringBuilder();
            try {
                try {
                    try {
                        try {
                            try {
                                sb.append(await(s.of("0")));
                                if (failAt == 0) {
                                    throw new IllegalStateException("deep");
                                }
                            } finally {
                                sb.append(await(s.of("a")));
                            }
                            if (failAt == 1) {
                                await(s.fail(new IllegalArgumentException("one")));
                            }
                        } finally {
                            sb.append(await(s.of("b")));
                        }
                    } finally {
                        sb.append(await(s.of("c")));
                        if (failAt == 2) {
                            return Future.of(sb + "!returned-from-finally");
                        }
                    }
                } finally {
                    sb.append(await(s.of("d")));
                }
            } catch (RuntimeException e) {
                sb.append('[').append(e.getMessage()).append(await(s.of("]")));
            } finally {
                sb.append(await(s.of("e")));
            }
            return Future.of(sb.toString());
        }

        @SuppressWarnings("finally")
        static String plain(int failAt) {
            StringBuilder sb = new StringBuilder();
            try {
                try {
                    try {
                        try {
                            try {
                                sb.append("0");
                                if (failAt == 0) {
                                    throw new IllegalStateException("deep");
                                }
                            } finally {
                                sb.append("a");
                            }
                            if (failAt == 1) {
                                raise(new IllegalArgumentException("one"));
                            }
                        } finally {
                            sb.append("b");
                        }
                    } finally {
                        sb.append("c");
                        if (failAt == 2) {
                            return sb + "!returned-from-finally";
                        }
                    }
                } finally {
                    sb.append("d");
                }
            } catch (RuntimeException e) {
                sb.append('[').append(e.getMessage()).append("]");
            } finally {
                sb.append("e");
            }
            return sb.toString();
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void deeplyNestedFinally(Src.Mode mode) {
        for (int failAt = -1; failAt < 3; failAt++) {
            int f = failAt;
            check(mode, s -> NestedFinallyShape.run(s, f), () -> NestedFinallyShape.plain(f));
        }
    }

    // ---- one future awaited twice in one coroutine and by two coroutines at once

    static final class SharedFutureShape {
        @Coroutine
        static Future<Integer> twice(Future<Integer> f) {
            int a = await(f);
            int b = await(f);
            return Future.of(a + b);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void sameFutureAwaitedTwiceAndByTwoCoroutines(Src.Mode mode) {
        Src s = src(mode);
        List<Integer> both = loop.runSync(() -> {
            Future<Integer> shared = s.of(21);
            return io.squall.Gen.multi(List.of(SharedFutureShape.twice(shared), SharedFutureShape.twice(shared)));
        });
        assertEquals(List.of(42, 42), both);
        assertEquals(s.pendingMade(), s.verifiedPending());
        assertEquals(List.of(), s.violations());
    }

    // ---- constructor that throws after its arguments were awaited; nested array argument

    static final class Picky {
        final int[] values;

        Picky(int[] values, String label) {
            if (values.length == 0 || label.isEmpty()) {
                throw new IllegalArgumentException("empty " + label);
            }
            this.values = values;
        }
    }

    static final class ThrowingConstructorShape {
        @Coroutine
        static Future<String> run(Src s, String label) {
            try {
                Picky p = new Picky(new int[] {await(s.of(1)), 2}, await(s.of(label)));
                return Future.of("made " + p.values.length);
            } catch (IllegalArgumentException e) {
                return Future.of("refused " + e.getMessage() + await(s.of(".")));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void constructorThrowingAfterAwaitedArguments(Src.Mode mode) {
        check(mode, s -> ThrowingConstructorShape.run(s, "ok"), () -> "made 2");
        check(mode, s -> ThrowingConstructorShape.run(s, ""), () -> "refused empty .");
    }

    // ---- do { continue; } while (false) and a method reference to an instance coroutine

    static final class DoContinueShape {
        int calls;

        @Coroutine
        Future<String> run(Src s) {
            StringBuilder sb = new StringBuilder();
            int i = 0;
            do {
                i++;
                if (await(s.of(i)) < 3) {
                    sb.append('c').append(i);
                    continue;
                }
                sb.append('x');
            } while (i < 5 && await(s.of(true)));
            calls++;
            return Future.of(sb + "/" + calls);
        }

        Function<Src, Future<String>> asReference() {
            return this::run;
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void doContinueAndInstanceMethodReference(Src.Mode mode) {
        DoContinueShape shape = new DoContinueShape();
        check(mode, shape.asReference(), () -> "c1c2xxx/1");
        check(mode, shape::run, () -> "c1c2xxx/2");
        assertTrue(shape.calls == 2);
    }
}
