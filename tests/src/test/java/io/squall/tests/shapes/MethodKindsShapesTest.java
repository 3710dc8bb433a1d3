package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Every kind of method as a coroutine: static, instance, private, generic, varargs, interface default,
 * static nested, inner (with the outer instance), anonymous, local class, recursive, overriding with a super
 * call, abstract implemented, final; declared to return Future, CompletionStage or CompletableFuture.
 */
class MethodKindsShapesTest extends ShapeTest {

    final String name = "outer";

    // ---- static, instance, private, final
    static final class StaticCoShape {
        @Coroutine
        static Future<Integer> staticCo(Src s, int a) {
            return Future.of(a + await(s.of(1)));
        }
    }

    static final class InstanceShape {
        final String name = "outer";

        @Coroutine
        Future<String> instanceCo(Src s) {
            return Future.of(this.name + await(s.of("!")) + await(privateCo(s, 2)));
        }

        @Coroutine
        private Future<Integer> privateCo(Src s, int k) {
            int v = await(s.of(k));
            return Future.of(v * 10);
        }

        @Coroutine
        final Future<String> finalCo(Src s) {
            Future<Integer> inner = privateCo(s, 3);
            return Future.of("final" + await(inner));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void staticInstancePrivateFinal(Src.Mode mode) {
        check(mode, s -> StaticCoShape.staticCo(s, 41), () -> 42);
        check(mode, s -> new InstanceShape().instanceCo(s), () -> "outer!20");
        check(mode, s -> new InstanceShape().finalCo(s), () -> "final30");
    }

    // ---- generic methods with bounded type parameters and wildcards

    static final class MaxOfShape {
        @Coroutine
        static <T extends Comparable<? super T>> Future<T> maxOf(Src s, List<? extends T> items) {
            T best = null;
            for (T item : items) {
                T v = await(s.of(item));
                if (best == null || v.compareTo(best) > 0) {
                    best = v;
                }
            }
            return Future.of(best);
        }
    }

    static final class PairsShape {
        @Coroutine
        static <K, V extends Number> Future<List<String>> pairs(Src s, K key, V[] values) {
            List<String> out = new ArrayList<>();
            for (V v : values) {
                out.add(key + "=" + await(s.of(v)).doubleValue());
            }
            return Future.of(out);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void genericMethods(Src.Mode mode) {
        check(mode, s -> MaxOfShape.maxOf(s, List.of("pear", "apple", "zucchini", "fig")), () -> "zucchini");
        check(mode, s -> MaxOfShape.maxOf(s, List.of(3, 9, 2)), () -> 9);
        Integer[] nums = {1, 2};
        check(mode, s -> PairsShape.pairs(s, 'k', nums), () -> List.of("k=1.0", "k=2.0"));
    }

    // ---- varargs of references and of primitives

    static final class VarargsShape {
        @Coroutine
        static Future<String> varargs(Src s, String sep, Object... parts) {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) {
                sb.append(await(s.of(p))).append(sep);
            }
            return Future.of(sb.toString());
        }
    }

    static final class VarargsLongsShape {
        @Coroutine
        static Future<Long> varargsLongs(Src s, long... values) {
            long sum = 0;
            for (int i = 0; i < values.length; i++) {
                sum += await(s.of(values[i])) * (i + 1);
            }
            return Future.of(sum);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void varargsMethods(Src.Mode mode) {
        check(mode, s -> VarargsShape.varargs(s, ",", "a", 1, 'c', 2.5), () -> "a,1,c,2.5,");
        check(mode, s -> VarargsShape.varargs(s, "-", (Object) "only"), () -> "only-");
        check(mode, s -> VarargsLongsShape.varargsLongs(s, 1L, 10L, 100L), () -> 321L);
    }

    // ---- interface default (and static) coroutine methods, abstract implemented, override with super

    interface Greeter {
        String who();

        @Coroutine
        default Future<String> greet(Src s) {
            String w = await(s.of(who()));
            return Future.of("hello " + w + await(s.of("!")));
        }

        @Coroutine
        static Future<String> twice(Src s, Greeter g) {
            return Future.of(await(g.greet(s)) + " " + await(g.greet(s)));
        }
    }

    abstract static class Base {
        @Coroutine
        @SuppressWarnings("squall:abstract") abstract Future<Integer> size(Src s);

        @Coroutine
        Future<String> describe(Src s) {
            return Future.of("base" + await(s.of(":")));
        }
    }

    static final class Impl extends Base implements Greeter {
        @Override
        public String who() {
            return "impl";
        }

        @Override
        @Coroutine
        Future<Integer> size(Src s) {
            return Future.of(await(s.of(who())).length());
        }

        @Override
        @Coroutine
        Future<String> describe(Src s) {
            String parent = await(super.describe(s));
            return Future.of(parent + "impl" + await(size(s)));
        }

        @Override
        @Coroutine
        public Future<String> greet(Src s) {
            return Future.of("[" + await(Greeter.super.greet(s)) + "]");
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void interfaceDefaultAbstractAndSuper(Src.Mode mode) {
        Greeter plain = () -> "lambda";
        check(mode, s -> plain.greet(s), () -> "hello lambda!");
        check(mode, s -> Greeter.twice(s, plain), () -> "hello lambda! hello lambda!");
        Impl impl = new Impl();
        check(mode, s -> impl.describe(s), () -> "base:impl4");
        check(mode, s -> impl.greet(s), () -> "[hello impl!]");
    }

    // ---- static nested, inner (uses the outer instance), anonymous, local classes

    static final class Nested {
        @Coroutine
        Future<String> run(Src s) {
            return Future.of("nested" + await(s.of(1)));
        }
    }

    final class Inner {
        final int k;

        Inner(int k) {
            this.k = k;
        }

        @Coroutine
        Future<String> run(Src s) {
            String v = await(s.of(name));
            return Future.of(v + "/" + MethodKindsShapesTest.this.name.length() + "/" + await(s.of(k)));
        }
    }

    interface Job {
        Future<String> run(Src s);
    }

    Job anonymous(String prefix) {
        return new Job() {
            int calls;

            @Override
            @Coroutine
            public Future<String> run(Src s) {
                calls++;
                String v = await(s.of(prefix));
                return Future.of(v + name + calls + await(s.of("?")));
            }
        };
    }

    static Job local(int base) {
        class Local implements Job {
            @Override
            @Coroutine
            public Future<String> run(Src s) {
                int total = base;
                for (int i = 0; i < 3; i++) {
                    total += await(s.of(i));
                }
                return Future.of("local" + total);
            }
        }
        return new Local();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void nestedInnerAnonymousLocal(Src.Mode mode) {
        check(mode, s -> new Nested().run(s), () -> "nested1");
        check(mode, s -> new Inner(5).run(s), () -> "outer/5/5");
        Job anon = anonymous("pre-");
        check(mode, anon::run, () -> "pre-outer1?");
        check(mode, anon::run, () -> "pre-outer2?");
        check(mode, s -> local(10).run(s), () -> "local13");
    }

    // ---- recursion: a coroutine awaiting itself (tree sum, Fibonacci)

    static final class FibShape {
        @Coroutine
        static Future<Long> fib(Src s, int n) {
            if (n < 2) {
                return Future.of(await(s.of((long) n)));
            }
            long a = await(FibShape.fib(s, n - 1));
            long b = await(FibShape.fib(s, n - 2));
            return Future.of(a + b);
        }
    }

    static long fibPlain(int n) {
        return n < 2 ? n : fibPlain(n - 1) + fibPlain(n - 2);
    }

    static final class DepthShape {
        @Coroutine
        static Future<Integer> depth(Src s, Object[] tree) {
            int best = 0;
            for (Object child : tree) {
                if (child instanceof Object[]) {
                    best = Math.max(best, await(DepthShape.depth(s, (Object[]) child)));
                } else {
                    await(s.of(child));
                }
            }
            return Future.of(best + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void recursiveCoroutines(Src.Mode mode) {
        check(mode, s -> FibShape.fib(s, 12), () -> fibPlain(12));
        Object[] tree = {1, new Object[] {2, new Object[] {3, new Object[] {}}}, new Object[] {4}};
        check(mode, s -> DepthShape.depth(s, tree), () -> 4);
    }

    // ---- declared return types CompletionStage and CompletableFuture

    static final class StageCoShape {
        @Coroutine
        static CompletionStage<String> stageCo(Src s, String x) {
            String v = await(s.of(x));
            return CompletableFuture.completedFuture(v + await(s.cf("-stage")));
        }
    }

    static final class CfCoShape {
        @Coroutine
        static CompletableFuture<Integer> cfCo(Src s, int x) {
            int v = await(s.cf(x));
            return CompletableFuture.completedFuture(v * await(s.of(3)));
        }
    }

    static final class CfFailsShape {
        @Coroutine
        static CompletableFuture<Integer> cfFails(Src s) {
            await(s.of(1));
            throw new IllegalStateException("cf body failed");
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void completionStageAndCompletableFutureReturnTypes(Src.Mode mode) {
        check(mode, s -> Future.from(StageCoShape.stageCo(s, "x")), () -> "x-stage");
        check(mode, s -> Future.from(CfCoShape.cfCo(s, 14)), () -> 42);
        check(mode, s -> Future.from(CfFailsShape.cfFails(s)), () -> raise(new IllegalStateException("cf body failed")));
    }

    // ---- a coroutine that takes a lambda and calls it between awaits; sorting by awaited keys

    static final class SortByAwaitedLengthShape {
        @Coroutine
        static Future<List<String>> sortByAwaitedLength(Src s, List<String> in) {
            List<String> copy = new ArrayList<>(in);
            int[] lengths = new int[copy.size()];
            for (int i = 0; i < copy.size(); i++) {
                lengths[i] = await(s.of(copy.get(i).length()));
            }
            copy.sort(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()));
            assertEquals(in.size(), Arrays.stream(lengths).count());
            return Future.of(copy);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void lambdasUsedInsideCoroutine(Src.Mode mode) {
        check(mode, s -> SortByAwaitedLengthShape.sortByAwaitedLength(s, List.of("ccc", "a", "bb", "aa")), () -> List.of("a", "aa", "bb", "ccc"));
    }
}
