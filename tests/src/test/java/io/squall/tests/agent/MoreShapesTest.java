package io.squall.tests.agent;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;
import io.squall.annotations.Coroutine;

/** More shapes users write: each compared with the value the same code gives without suspensions. */
@Timeout(60)
class MoreShapesTest {

    private final IOLoop loop = new IOLoop();

    @AfterEach
    void close() {
        loop.close();
        assertEquals(0, SquallAgent.verifyFailures(), "rewritten classes pass verification");
    }

    static <T> Future<T> later(T value) {
        Future<T> f = new Future<>();
        IOLoop.current().addCallback(() -> f.setResult(value));
        return f;
    }

    private <T> T run(Supplier<? extends Future<T>> fn) {
        return loop.runSync(fn, Duration.ofSeconds(50));
    }

    @Coroutine
    static Future<String> nestedCallsAndShortCircuits(int n) {
        String s = String.valueOf(Math.max(n, Integer.parseInt(String.valueOf(Math.abs(-await(later(n))) + 1))));
        int i = 0;
        while (i < 10 && (await(later(i)) % 3 != 2 || i == 0)) {
            i++;
        }
        boolean b = n > 100 || await(later(true)) && !await(later(false));
        assert await(later(1)) == 1 : "assertions run the await too";
        block:
        {
            if (await(later(n)) > 0) {
                break block;
            }
            s += "-never";
        }
        return Future.of(s + i + b);
    }

    @Test
    void nestedCallsShortCircuitsAssertsAndLabeledBlocks() {
        assertEquals("42true", run(() -> nestedCallsAndShortCircuits(3)));
    }

    @Coroutine
    static Future<String> arraysAndChars(int n) {
        int[][] grid = new int[await(later(2))][await(later(3))];
        grid[1][await(later(2))] = await(later(9));
        char c = 'a';
        c += await(later(2));
        long[] longs = {await(later(1L)), 2L, await(later(3L))};
        double[] ds = new double[] {await(later(0.5)), 1.5};
        String[] names = {"x", await(later("y")), "z"};
        Object[] mixed = {1, await(later('q')), 2.0f, null, await(later(names))};
        return Future.of(Arrays.deepToString(grid) + c + Arrays.toString(longs) + Arrays.toString(ds)
                + String.join("", names) + mixed.length + mixed[1] + ((String[]) mixed[4])[1] + n);
    }

    @Test
    void multiDimensionalArraysInitializersAndCharCompounds() {
        assertEquals("[[0, 0, 0], [0, 0, 9]]c[1, 2, 3][0.5, 1.5]xyz5qy7", run(() -> arraysAndChars(7)));
    }

    interface Shape {
        double area();
    }

    record Circle(double r) implements Shape, Serializable {
        public double area() {
            return Math.PI * r * r;
        }
    }

    record Square(double s) implements Shape, Serializable {
        public double area() {
            return s * s;
        }
    }

    @Coroutine
    static Future<String> patternsAndRecords(Object o) {
        String r;
        if (o instanceof Circle c && await(later(c.r())) > 0) {
            r = "circle" + (int) c.area();
        } else if (o instanceof Square s) {
            Shape sh = await(later(true)) ? s : new Circle(1);
            r = "square" + (int) sh.area();
        } else {
            r = "other";
        }
        var either = o instanceof Circle ? new Circle(await(later(2.0))) : new Square(await(later(3.0)));
        Serializable ser = either;
        return Future.of(r + ":" + (int) either.area() + ser.getClass().getSimpleName());
    }

    @Test
    void instanceofPatternsRecordsAndLeastUpperBoundTypes() {
        assertEquals("circle12:12Circle", run(() -> patternsAndRecords(new Circle(2))));
        assertEquals("square9:9Square", run(() -> patternsAndRecords(new Square(3))));
        assertEquals("other:9Square", run(() -> patternsAndRecords("x")));
    }

    static class Base {
        String who(String s) {
            return "base:" + s;
        }
    }

    static final class Derived extends Base {
        @Override
        String who(String s) {
            return "derived:" + s;
        }

        @Coroutine
        Future<String> callSuper() {
            return Future.of(super.who(await(later("a"))) + "|" + who(await(later("b"))) + "|"
                    + this.who(super.who(await(later("c")))));
        }
    }

    @Test
    void superCallsWithAwaitedArguments() {
        assertEquals("base:a|derived:b|derived:base:c", run(() -> new Derived().callSuper()));
    }

    static final class Repo<T extends Comparable<T>> {
        private final List<T> items = new ArrayList<>();

        @Coroutine
        Future<T> addAndMax(Future<T> f, Function<T, Future<T>> twice) {
            T v = await(f);
            items.add(v);
            items.add(await(twice.apply(v)));
            T best = items.get(0);
            for (T t : items) {
                if (t.compareTo(await(later(best))) > 0) {
                    best = t;
                }
            }
            return Future.of(best);
        }
    }

    @Test
    void genericClassWithBoundedTypeAndForEach() {
        Repo<Integer> repo = new Repo<>();
        assertEquals(42, (int) run(() -> repo.addAndMax(later(21), x -> later(x * 2))));
    }

    @Coroutine
    static Future<Long> paramsReassignedAndWideLoops(long n, double step, String tag) {
        long total = 0;
        for (long i = 0; i < n; i += await(later(1L))) {
            total += i;
            n = n - (await(later(tag)).isEmpty() ? 1 : 0);
        }
        step = step * await(later(2.0));
        tag = tag + await(later("!"));
        return Future.of(total + (long) step + tag.length());
    }

    @Test
    void reassignedWideParametersAndLongLoopCounters() {
        assertEquals(10 + 3 + 2, (long) run(() -> paramsReassignedAndWideLoops(5, 1.5, "t")));
    }

    @Coroutine
    static Future<String> lambdasInsideCoroutines(List<Integer> xs) {
        int base = await(later(10));
        List<Integer> mapped = new ArrayList<>();
        xs.forEach(x -> mapped.add(x + base));
        Function<Integer, Future<Integer>> asyncInc = x -> Future.of(await(later(x)) + 1);
        int sum = 0;
        for (int x : mapped) {
            sum += await(asyncInc.apply(x));
        }
        Supplier<CompletableFuture<String>> cf = () -> CompletableFuture.completedFuture("cf" + await(later(base)));
        return Future.of(sum + await(cf.get()));
    }

    @Test
    void lambdasCapturingAwaitedValuesAndAsyncLambdasInLoops() {
        assertEquals("39cf10", run(() -> lambdasInsideCoroutines(List.of(1, 2, 3))));
    }

    @Coroutine
    static Future<String> finallyWithContinue() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            try {
                if (i % 2 == 0) {
                    continue;
                }
                sb.append(await(later(i)));
                if (i == 3) {
                    break;
                }
            } catch (RuntimeException e) {
                sb.append("never");
            } finally {
                sb.append('f').append(await(later(i)));
            }
        }
        return Future.of(sb.toString());
    }

    @Test
    void finallyRunsOnContinueAndBreakWithAwaits() {
        assertEquals("f01f1f23f3", run(MoreShapesTest::finallyWithContinue));
    }

    @Coroutine
    static Future<Integer> synchronizedNearAwaits(Object lock) {
        int v;
        synchronized (lock) {
            v = 1;
        }
        v += await(later(2));
        synchronized (lock) {
            v *= 10;
        }
        try {
            v += await(later(3));
        } finally {
            synchronized (lock) {
                v += 100;
            }
        }
        return Future.of(v);
    }

    @Test
    void synchronizedBlocksBeforeAndAfterAwaitsAreFine() {
        assertEquals(133, (int) run(() -> synchronizedNearAwaits(new Object())));
    }
}
