package io.squall.tests.shapes;

import static io.squall.Async.await;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/** Awaits in for, while and do loops, nested loops, labelled break and continue, for-each, loop conditions. */
class LoopShapesTest extends ShapeTest {

    // ---- for loop with an await in the body

    static final class ForSumShape {
        @Coroutine
        static Future<Integer> forSum(Src s, int n) {
            int sum = 0;
            for (int i = 0; i < n; i++) {
                sum += await(s.of(i * i));
            }
            return Future.of(sum);
        }
    }

    static int forSumPlain(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += i * i;
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void forLoop(Src.Mode mode) {
        check(mode, s -> ForSumShape.forSum(s, 12), () -> forSumPlain(12));
    }

    // ---- await in the condition and in the update of a for loop

    static final class ForConditionAndUpdateShape {
        @Coroutine
        static Future<String> forConditionAndUpdate(Src s, int limit) {
            StringBuilder sb = new StringBuilder();
            for (int i = await(s.of(1)); i < await(s.of(limit)); i += await(s.of(2))) {
                sb.append(i).append(',');
            }
            return Future.of(sb.toString());
        }
    }

    static String forConditionAndUpdatePlain(int limit) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < limit; i += 2) {
            sb.append(i).append(',');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void forConditionAndUpdate(Src.Mode mode) {
        check(mode, s -> ForConditionAndUpdateShape.forConditionAndUpdate(s, 11), () -> forConditionAndUpdatePlain(11));
    }

    // ---- while loop whose condition awaits

    static final class WhileCollatzShape {
        @Coroutine
        static Future<List<Integer>> whileCollatz(Src s, int start) {
            List<Integer> seen = new ArrayList<>();
            int x = start;
            while (await(s.of(x)) != 1) {
                seen.add(x);
                x = x % 2 == 0 ? x / 2 : 3 * x + 1;
            }
            seen.add(x);
            return Future.of(seen);
        }
    }

    static List<Integer> whileCollatzPlain(int start) {
        List<Integer> seen = new ArrayList<>();
        int x = start;
        while (x != 1) {
            seen.add(x);
            x = x % 2 == 0 ? x / 2 : 3 * x + 1;
        }
        seen.add(x);
        return seen;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void whileLoop(Src.Mode mode) {
        check(mode, s -> WhileCollatzShape.whileCollatz(s, 27), () -> whileCollatzPlain(27));
    }

    // ---- do/while with awaits in the body and the condition, long and double accumulators

    static final class DoWhileShape {
        @Coroutine
        static Future<String> doWhile(Src s, int n) {
            long product = 1L;
            double mean = 0.0;
            int i = 0;
            do {
                long v = await(s.of((long) i + 2));
                product *= v;
                mean += await(s.of(i * 0.5)) / n;
                i++;
            } while (await(s.of(i)) < n);
            return Future.of(product + "/" + mean);
        }
    }

    static String doWhilePlain(int n) {
        long product = 1L;
        double mean = 0.0;
        int i = 0;
        do {
            long v = (long) i + 2;
            product *= v;
            mean += i * 0.5 / n;
            i++;
        } while (i < n);
        return product + "/" + mean;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void doWhileLoop(Src.Mode mode) {
        check(mode, s -> DoWhileShape.doWhile(s, 9), () -> doWhilePlain(9));
    }

    // ---- nested loops, three deep, awaits at each level

    static final class NestedShape {
        @Coroutine
        static Future<int[]> nested(Src s, int n) {
            int[] counts = new int[n];
            for (int i = 0; i < n; i++) {
                int j = 0;
                while (j < i) {
                    int k = await(s.of(j));
                    do {
                        counts[i] += await(s.of(k + i));
                        k--;
                    } while (k >= 0);
                    j++;
                }
                counts[i] += await(s.of(100 * i));
            }
            return Future.of(counts);
        }
    }

    static int[] nestedPlain(int n) {
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            int j = 0;
            while (j < i) {
                int k = j;
                do {
                    counts[i] += k + i;
                    k--;
                } while (k >= 0);
                j++;
            }
            counts[i] += 100 * i;
        }
        return counts;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void nestedLoops(Src.Mode mode) {
        check(mode, s -> NestedShape.nested(s, 6), () -> nestedPlain(6));
    }

    // ---- labelled break and continue across nested loops

    static final class LabelledShape {
        @Coroutine
        static Future<String> labelled(Src s, int n) {
            StringBuilder out = new StringBuilder();
            outer:
            for (int i = 0; i < n; i++) {
                inner:
                for (int j = 0; j < n; j++) {
                    int v = await(s.of(i * n + j));
                    if (v % 7 == 3) {
                        continue outer;
                    }
                    if (v % 5 == 4) {
                        continue inner;
                    }
                    if (v > 3 * n + 2) {
                        break outer;
                    }
                    if (await(s.of(j)) == i) {
                        break;
                    }
                    out.append(v).append(' ');
                }
                out.append('|');
            }
            return Future.of(out.toString());
        }
    }

    static String labelledPlain(int n) {
        StringBuilder out = new StringBuilder();
        outer:
        for (int i = 0; i < n; i++) {
            inner:
            for (int j = 0; j < n; j++) {
                int v = i * n + j;
                if (v % 7 == 3) {
                    continue outer;
                }
                if (v % 5 == 4) {
                    continue inner;
                }
                if (v > 3 * n + 2) {
                    break outer;
                }
                if (j == i) {
                    break;
                }
                out.append(v).append(' ');
            }
            out.append('|');
        }
        return out.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void labelledBreakContinue(Src.Mode mode) {
        check(mode, s -> LabelledShape.labelled(s, 6), () -> labelledPlain(6));
    }

    // ---- labelled block (not a loop) with break out of it after an await

    static final class LabelledBlockShape {
        @Coroutine
        static Future<Integer> labelledBlock(Src s, int x) {
            int r = 0;
            block:
            {
                r = await(s.of(x));
                if (r > 10) {
                    break block;
                }
                r = r * await(s.of(3));
            }
            return Future.of(r + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void labelledBlockBreak(Src.Mode mode) {
        check(mode, s -> LabelledBlockShape.labelledBlock(s, 4), () -> 13);
        check(mode, s -> LabelledBlockShape.labelledBlock(s, 40), () -> 41);
    }

    // ---- for-each over a list (iterator on the stack of locals) and over an array

    static final class ForEachShape {
        @Coroutine
        static Future<String> forEach(Src s, List<String> words, int[] weights) {
            StringBuilder sb = new StringBuilder();
            for (String w : words) {
                sb.append(await(s.of(w.toUpperCase()))).append(':');
                for (int weight : weights) {
                    sb.append(await(s.of(weight * w.length())));
                }
                sb.append(';');
            }
            return Future.of(sb.toString());
        }
    }

    static String forEachPlain(List<String> words, int[] weights) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            sb.append(w.toUpperCase()).append(':');
            for (int weight : weights) {
                sb.append(weight * w.length());
            }
            sb.append(';');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void forEachLoops(Src.Mode mode) {
        List<String> words = List.of("squall", "tornado", "gale");
        int[] weights = {1, 2, 3};
        check(mode, s -> ForEachShape.forEach(s, words, weights), () -> forEachPlain(words, weights));
    }

    // ---- explicit iterator removing while awaiting, over a map's entries

    static final class IteratorRemoveShape {
        @Coroutine
        static Future<Map<String, Integer>> iteratorRemove(Src s, Map<String, Integer> in) {
            Map<String, Integer> m = new TreeMap<>(in);
            Iterator<Map.Entry<String, Integer>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Integer> e = it.next();
                if (await(s.of(e.getValue() % 2 == 0))) {
                    it.remove();
                } else {
                    e.setValue(await(s.of(e.getValue() * 10)));
                }
            }
            return Future.of(m);
        }
    }

    static Map<String, Integer> iteratorRemovePlain(Map<String, Integer> in) {
        Map<String, Integer> m = new TreeMap<>(in);
        Iterator<Map.Entry<String, Integer>> it = m.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Integer> e = it.next();
            if (e.getValue() % 2 == 0) {
                it.remove();
            } else {
                e.setValue(e.getValue() * 10);
            }
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void iteratorLoop(Src.Mode mode) {
        Map<String, Integer> in = Map.of("a", 1, "b", 2, "c", 3, "d", 4, "e", 5);
        check(mode, s -> IteratorRemoveShape.iteratorRemove(s, in), () -> iteratorRemovePlain(in));
    }

    // ---- infinite loop left by return from inside, and by break after an await

    static final class InfiniteShape {
        @Coroutine
        static Future<Integer> infinite(Src s, int target) {
            int i = 0;
            while (true) {
                int v = await(s.of(i * 3));
                if (v >= target) {
                    return Future.of(v);
                }
                i++;
            }
        }
    }

    static final class ForEverShape {
        @Coroutine
        static Future<Integer> forEver(Src s, int target) {
            int i = 0;
            for (;;) {
                if (await(s.of(i)) == target) {
                    break;
                }
                i += 2;
            }
            return Future.of(-i);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void infiniteLoops(Src.Mode mode) {
        check(mode, s -> InfiniteShape.infinite(s, 20), () -> 21);
        check(mode, s -> ForEverShape.forEver(s, 14), () -> -14);
    }

    // ---- loop whose body awaits nothing on some iterations; counters in long and short slots

    static final class SparseShape {
        @Coroutine
        static Future<String> sparse(Src s, int n) {
            long total = 0;
            short hits = 0;
            char c = 'a';
            for (int i = 0; i < n; i++) {
                if (i % 3 == 0) {
                    total += await(s.of((long) i << 33));
                    hits++;
                    c = await(s.of((char) (c + 1)));
                } else {
                    total -= i;
                }
            }
            return Future.of(total + ":" + hits + ":" + c);
        }
    }

    static String sparsePlain(int n) {
        long total = 0;
        short hits = 0;
        char c = 'a';
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                total += (long) i << 33;
                hits++;
                c = (char) (c + 1);
            } else {
                total -= i;
            }
        }
        return total + ":" + hits + ":" + c;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void sparseAwaitsInLoop(Src.Mode mode) {
        check(mode, s -> SparseShape.sparse(s, 14), () -> sparsePlain(14));
    }
}
