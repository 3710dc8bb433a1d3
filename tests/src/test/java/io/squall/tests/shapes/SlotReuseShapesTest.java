package io.squall.tests.shapes;

import static io.squall.Async.await;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Local variable slots that javac reuses with different types in sibling scopes (int, then a reference, then
 * a long or double spanning two slots), slots that are unset on some paths at an await, dead references.
 */
class SlotReuseShapesTest extends ShapeTest {

    static final class SiblingsShape {
        @Coroutine
        static Future<String> siblings(Src s, int n) {
            StringBuilder sb = new StringBuilder();
            for (int round = 0; round < n; round++) {
                {
                    int a = await(s.of(round));
                    short b = (short) (a * 2);
                    sb.append(a).append(b);
                }
                {
                    String a = await(s.of("s" + round));
                    Object b = await(s.of(List.of(round)));
                    sb.append(a).append(b);
                }
                {
                    double a = await(s.of(round / 4.0));
                    long b = await(s.of((long) round << 40));
                    sb.append(a).append(b);
                }
                {
                    long a = await(s.of(-1L));
                    int[] b = {await(s.of(round))};
                    float c = await(s.of(0.5f));
                    sb.append(a).append(b[0]).append(c);
                }
                if (round % 2 == 0) {
                    char c = await(s.of('c'));
                    boolean d = await(s.of(true));
                    sb.append(c).append(d);
                } else {
                    double c = await(s.of(9.75));
                    sb.append(c);
                }
                sb.append(';');
            }
            return Future.of(sb.toString());
        }
    }

    static String siblingsPlain(int n) {
        StringBuilder sb = new StringBuilder();
        for (int round = 0; round < n; round++) {
            {
                int a = round;
                short b = (short) (a * 2);
                sb.append(a).append(b);
            }
            {
                String a = "s" + round;
                Object b = List.of(round);
                sb.append(a).append(b);
            }
            {
                double a = round / 4.0;
                long b = (long) round << 40;
                sb.append(a).append(b);
            }
            {
                long a = -1L;
                int[] b = {round};
                float c = 0.5f;
                sb.append(a).append(b[0]).append(c);
            }
            if (round % 2 == 0) {
                char c = 'c';
                boolean d = true;
                sb.append(c).append(d);
            } else {
                double c = 9.75;
                sb.append(c);
            }
            sb.append(';');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void siblingScopesWithDifferentTypes(Src.Mode mode) {
        check(mode, s -> SiblingsShape.siblings(s, 4), () -> siblingsPlain(4));
    }

    // ---- a variable definitely assigned only on some paths, and a slot whose type differs per branch at
    // the join before an await (the verifier sees TOP there)

    static final class PartiallyAssignedShape {
        @Coroutine
        static Future<String> partiallyAssigned(Src s, int k) {
            String result;
            int x;
            if (k > 0) {
                x = await(s.of(k));
                result = "pos" + x;
            } else {
                String tmp = await(s.of("neg"));
                result = tmp + k;
            }
            String after = await(s.of("|"));
            long wide;
            if (k > 5) {
                wide = await(s.of(5L));
            } else {
                wide = -k;
            }
            return Future.of(result + after + wide);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void slotsUnsetOnSomePaths(Src.Mode mode) {
        check(mode, s -> PartiallyAssignedShape.partiallyAssigned(s, 3), () -> "pos3|-3");
        check(mode, s -> PartiallyAssignedShape.partiallyAssigned(s, 9), () -> "pos9|5");
        check(mode, s -> PartiallyAssignedShape.partiallyAssigned(s, -2), () -> "neg-2|2");
    }

    // ---- catch parameters and for-loop variables reuse slots of earlier locals

    static final class CatchSlotsShape {
        @Coroutine
        static Future<List<Object>> catchSlots(Src s) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long big = await(s.of(i * 10L));
                out.add(big);
            }
            try {
                await(s.fail(new IllegalStateException("first")));
            } catch (IllegalStateException e) {
                out.add(e.getMessage() + await(s.of(1)));
            }
            for (String w : List.of("x", "y")) {
                out.add(w + await(s.of(w.length())));
            }
            try {
                double d = await(s.of(2.5));
                out.add(d);
                await(s.fail(new ArithmeticException("second")));
            } catch (ArithmeticException e) {
                double after = await(s.of(0.5));
                out.add(e.getMessage() + after);
            }
            return Future.of(out);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void catchAndLoopVariablesReuseSlots(Src.Mode mode) {
        check(mode, CatchSlotsShape::catchSlots,
                () -> List.<Object>of(0L, 10L, 20L, "first1", "x1", "y1", 2.5, "second0.5"));
    }

    // ---- a large object that is dead at the await (only its size survives)

    static final class DeadReferenceShape {
        @Coroutine
        static Future<Integer> deadReference(Src s) {
            int total = 0;
            for (int i = 0; i < 3; i++) {
                byte[] big = new byte[1 << 16];
                int len = big.length;
                total += len + await(s.of(i));
            }
            return Future.of(total);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void deadReferenceAcrossAwait(Src.Mode mode) {
        check(mode, DeadReferenceShape::deadReference, () -> 3 * 65536 + 3);
    }

    // ---- many locals of all types live across one await (wide spill)

    static final class ManyLocalsShape {
        @Coroutine
        static Future<String> manyLocals(Src s, int seed) {
            int a = seed;
            long b = seed * 3L;
            double c = seed / 3.0;
            float d = seed * 0.5f;
            boolean e = seed % 2 == 0;
            byte f = (byte) seed;
            char g = (char) ('a' + seed);
            short h = (short) (seed * 100);
            String i = "i" + seed;
            Object j = null;
            int[] k = {seed};
            long l2 = Long.MAX_VALUE - seed;
            double m = Double.NaN;
            await(s.of(0));
            a += await(s.of(1));
            String r = a + "," + b + "," + c + "," + d + "," + e + "," + f + "," + g + "," + h + "," + i + "," + j + ","
                    + k[0] + "," + l2 + "," + m;
            return Future.of(r);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void manyLocalsOfEveryType(Src.Mode mode) {
        int seed = 7;
        check(mode, s -> ManyLocalsShape.manyLocals(s, seed), () -> (seed + 1) + "," + seed * 3L + "," + seed / 3.0 + "," + seed * 0.5f
                + "," + false + "," + (byte) seed + "," + (char) ('a' + seed) + "," + (short) (seed * 100) + ",i7,null,7,"
                + (Long.MAX_VALUE - seed) + ",NaN");
    }
}
