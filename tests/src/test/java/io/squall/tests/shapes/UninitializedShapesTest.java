package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Uninitialized objects live across an await (issue 18): when a switch expression among the arguments of
 * {@code new} contains a {@code try}, javac empties the operand stack into locals first, so the {@code NEW}
 * reference and the arguments already evaluated sit in local slots while the coroutine is suspended. On resume
 * the rewrite re-runs the original {@code NEW} and puts the fresh reference back into every slot and stack
 * entry. Each shape runs against its plain twin in every {@link Src.Mode}; constructors and static
 * initializers count their runs. Each shape lives in its own nested class, so a class the JVM rejects fails
 * only its own test. (The same shapes compiled by javac with other options and by ECJ are in the {@code Uninit}
 * fixture of {@link CompiledVariantsTest} and {@link EcjCompiledTest}.)
 */
class UninitializedShapesTest extends ShapeTest {

    record Box(int k, String s) {}

    record Pair(int x, Box b) {}

    record Triple(String a, Box b, String c) {}

    // ---- the method of the issue

    static final class IssueShape {
        @Coroutine
        static Future<Box> make(Src s, int k) {
            return Future.of(new Box(k, switch (k) {
                case 0 -> {
                    try {
                        yield await(s.of("zero"));
                    } catch (RuntimeException e) {
                        yield "caught";
                    }
                }
                case 1 -> {
                    try {
                        yield await(s.<String>fail(new IllegalStateException("boom")));
                    } catch (IllegalStateException e) {
                        yield "caught " + e.getMessage();
                    }
                }
                default -> "other";
            }));
        }
    }

    static Box makePlain(int k) {
        return new Box(k, switch (k) {
            case 0 -> "zero";
            case 1 -> "caught boom";
            default -> "other";
        });
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void theIssuesMethodReturnsTheBox(Src.Mode mode) {
        assertEquals(new Box(0, "zero"), check(mode, s -> IssueShape.make(s, 0), () -> makePlain(0)));
        check(mode, s -> IssueShape.make(s, 1), () -> makePlain(1));
        assertEquals(makePlain(7), run(src(mode), s -> IssueShape.make(s, 7)).value(), "the arm that does not await");
    }

    // ---- two uninitialized objects live at once, two await sites sharing them, an await straight in the
    // arguments (stack) next to one in a switch with try (locals), long and double arguments before the NEW

    static final class NestedShape {
        @Coroutine
        static Future<Pair> nested(Src s, int x, int y) {
            return Future.of(new Pair(x, new Box(y, switch (y & 1) {
                case 0 -> {
                    try {
                        yield await(s.of("even")) + await(s.of(y));
                    } catch (RuntimeException e) {
                        yield "caught";
                    }
                }
                default -> "odd";
            })));
        }

        @Coroutine
        static Future<Triple> mixed(Src s, int k) {
            return Future.of(new Triple(await(s.of("a" + k)), new Box(k, switch (k) {
                case 0 -> {
                    try {
                        yield await(s.of("b"));
                    } finally {
                        s.checkThread("finally");
                    }
                }
                default -> "b" + k;
            }), await(s.of("c"))));
        }

        // javac 17 and 25 crash (NullPointerException in Gen.doHandleSwitchExpression) when a long or double is
        // on the operand stack under a switch expression containing a try, so the wide values come after it.
        @Coroutine
        static Future<String> wide(Src s, long a, double b, int k) {
            return Future.of(show(new Box(k, switch (k) {
                case 0 -> {
                    try {
                        yield await(s.of("w"));
                    } catch (RuntimeException e) {
                        yield "caught";
                    }
                }
                default -> "v";
            }), a, b, new Box(k + 1, await(s.of("direct"))), a * 2));
        }

        static String show(Box box, long a, double b, Box d, long c) {
            return a + "/" + b + "/" + box + "/" + c + "/" + d;
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void twoUninitializedObjectsAtOnce(Src.Mode mode) {
        check(mode, s -> NestedShape.nested(s, 3, 4), () -> new Pair(3, new Box(4, "even4")));
        assertEquals(new Pair(3, new Box(5, "odd")), run(src(mode), s -> NestedShape.nested(s, 3, 5)).value());
        check(mode, s -> NestedShape.mixed(s, 0), () -> new Triple("a0", new Box(0, "b"), "c"));
        check(mode, s -> NestedShape.mixed(s, 2), () -> new Triple("a2", new Box(2, "b2"), "c"));
        long big = 1L << 40;
        check(mode, s -> NestedShape.wide(s, big, 2.5, 0),
                () -> NestedShape.show(new Box(0, "w"), big, 2.5, new Box(1, "direct"), big * 2));
    }

    // ---- inside a loop

    static final class LoopShape {
        @Coroutine
        static Future<List<Box>> loop(Src s, int n) {
            List<Box> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(new Box(i, switch (i % 3) {
                    case 0 -> {
                        try {
                            yield await(s.of("z" + i));
                        } catch (RuntimeException e) {
                            yield "caught";
                        }
                    }
                    case 1 -> {
                        try {
                            yield i > 2 ? await(s.<String>fail(new IllegalStateException("f" + i))) : "one";
                        } catch (IllegalStateException e) {
                            yield e.getMessage();
                        }
                    }
                    default -> "two";
                }));
            }
            return Future.of(out);
        }
    }

    static List<Box> loopPlain(int n) {
        List<Box> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Box(i, i % 3 == 0 ? "z" + i : i % 3 == 1 ? (i > 2 ? "f" + i : "one") : "two"));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void insideALoop(Src.Mode mode) {
        check(mode, s -> LoopShape.loop(s, 7), () -> loopPlain(7));
    }

    // ---- in a lambda coroutine

    static final class LambdaShape {
        static Function<Src, Future<Box>> make(int k) {
            return s -> Future.of(new Box(k, switch (k) {
                case 0 -> {
                    try {
                        yield await(s.of("lambda"));
                    } catch (RuntimeException e) {
                        yield "caught";
                    }
                }
                default -> "other";
            }));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void inALambdaCoroutine(Src.Mode mode) {
        check(mode, LambdaShape.make(0), () -> new Box(0, "lambda"));
    }

    // ---- inside try/finally that awaits (and a finally inside the switch that awaits too)

    static final class TryFinallyShape {
        @Coroutine
        static Future<String> inner(Src s, int k, List<String> log) {
            try {
                Box b = new Box(k, switch (k) {
                    case 0 -> {
                        try {
                            yield await(s.of("t"));
                        } finally {
                            log.add("inner " + await(s.of("f1")));
                        }
                    }
                    default -> "d";
                });
                return Future.of(b.toString());
            } finally {
                log.add("outer " + await(s.of("f2")));
            }
        }

        @Coroutine
        static Future<String> outer(Src s, int k) {
            List<String> log = new ArrayList<>();
            String r = await(inner(s, k, log));
            return Future.of(r + log);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void insideTryFinallyThatAwaits(Src.Mode mode) {
        check(mode, s -> TryFinallyShape.outer(s, 0), () -> new Box(0, "t") + "[inner f1, outer f2]");
        check(mode, s -> TryFinallyShape.outer(s, 1), () -> new Box(1, "d") + "[outer f2]");
    }

    // ---- a failed await: the exception propagates and no constructor ran

    static final class FailedShape {
        static final AtomicInteger CONSTRUCTED = new AtomicInteger();
        static final List<Built> BUILT = new CopyOnWriteArrayList<>();

        static final class Built {
            final int k;
            final String v;

            Built(int k, String v) {
                CONSTRUCTED.incrementAndGet();
                this.k = k;
                this.v = v;
                BUILT.add(this);
            }
        }

        @Coroutine
        static Future<Built> make(Src s, int k) {
            return Future.of(new Built(k, switch (k) {
                case 0 -> {
                    try {
                        yield await(s.<String>fail(new IllegalStateException("no " + k)));
                    } finally {
                        s.checkThread("finally");
                    }
                }
                case 1 -> {
                    try {
                        yield await(s.<String>fail(new IllegalStateException("no " + k)));
                    } catch (IllegalArgumentException e) {
                        yield "wrong handler";
                    }
                }
                default -> {
                    try {
                        yield await(s.of("yes"));
                    } catch (RuntimeException e) {
                        yield "caught";
                    }
                }
            }));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void aFailedAwaitLeavesNoHalfBuiltObject(Src.Mode mode) {
        for (int k = 0; k < 2; k++) {
            int before = FailedShape.CONSTRUCTED.get();
            int built = FailedShape.BUILT.size();
            int key = k;
            Src src = src(mode);
            Run<FailedShape.Built> run = run(src, s -> FailedShape.make(s, key));
            assertNull(run.value());
            assertEquals(IllegalStateException.class, run.failure().getClass(), String.valueOf(run.failure()));
            assertEquals("no " + k, run.failure().getMessage());
            assertSuspensions(src, run);
            assertEquals(before, FailedShape.CONSTRUCTED.get(), "no constructor ran for the failed construction");
            assertEquals(built, FailedShape.BUILT.size());
        }
        int before = FailedShape.CONSTRUCTED.get();
        Src src = src(mode);
        Run<FailedShape.Built> run = run(src, s -> FailedShape.make(s, 2));
        FailedShape.Built b = (FailedShape.Built) run.value();
        assertNotNull(b, String.valueOf(run.failure()));
        assertEquals("yes", b.v);
        assertEquals(before + 1, FailedShape.CONSTRUCTED.get(), "the constructor ran exactly once");
        for (FailedShape.Built each : FailedShape.BUILT) {
            assertNotNull(each.v, "every registered object is fully built");
        }
    }

    // ---- the static initializer of the class being constructed runs exactly once, before the arguments

    static final class StaticInitShape {
        static final List<String> EVENTS = new CopyOnWriteArrayList<>();

        static final class Once {
            static {
                EVENTS.add("static init");
            }

            final String v;

            Once(int k, String v) {
                EVENTS.add("constructor " + k);
                this.v = k + v;
            }
        }

        static String arg(String v) {
            EVENTS.add("argument " + v);
            return v;
        }

        @Coroutine
        static Future<String> make(Src s, int k) {
            return Future.of(new Once(k, arg("first") + switch (k) {
                case 0 -> {
                    try {
                        yield await(s.of("-awaited-")) + arg("second") + await(s.of("-again"));
                    } catch (RuntimeException e) {
                        yield "caught";
                    }
                }
                default -> "other";
            }).v);
        }
    }

    @Test
    void theStaticInitializerRunsExactlyOnce() {
        assertEquals(List.of(), StaticInitShape.EVENTS, "nothing touched Once before the test");
        Src src = src(Src.Mode.TIMER);
        Run<String> run = run(src, s -> StaticInitShape.make(s, 0));
        assertEquals("0first-awaited-second-again", run.value(), String.valueOf(run.failure()));
        assertSuspensions(src, run);
        assertEquals(List.of("static init", "argument first", "argument second", "constructor 0"),
                StaticInitShape.EVENTS, "class initialized once, at the NEW, before the arguments");
        Src again = src(Src.Mode.THREAD);
        Run<String> second = run(again, s -> StaticInitShape.make(s, 0));
        assertEquals("0first-awaited-second-again", second.value(), String.valueOf(second.failure()));
        assertEquals(1, StaticInitShape.EVENTS.stream().filter("static init"::equals).count());
        assertEquals(2, StaticInitShape.EVENTS.stream().filter(e -> e.startsWith("constructor")).count());
        assertTrue(src.pendingMade() > 0);
    }
}
