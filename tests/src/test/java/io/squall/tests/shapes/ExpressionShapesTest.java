package io.squall.tests.shapes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Awaits nested inside expressions, so that values of every type are pending on the operand stack when the
 * coroutine suspends: int, long, double, float, boolean, byte, char, short, references, arrays, null,
 * uninitialized objects ({@code new Foo(a, await(x), b)}), string concatenation, compound assignments, array
 * stores, ternaries, short-circuit logic, casts and unboxing, receivers of calls.
 */
class ExpressionShapesTest extends ShapeTest {

    static int g(int b, int x) {
        return b * 100 + x;
    }

    static String mix(int i, long l, double d, float f, boolean z, byte b, char c, short sh, String str,
            int[] ia, long[][] la, Object nul, String last) {
        return i + "," + l + "," + d + "," + f + "," + z + "," + b + "," + c + "," + sh + "," + str + ","
                + Arrays.toString(ia) + "," + Arrays.deepToString(la) + "," + nul + "," + last;
    }

    static long wide(long a, double b, long c, double d) {
        return a * 1000 + (long) (b * 100) + c * 10 + (long) d;
    }

    // ---- a + g(b, await(x)) and friends with int operands pending

    static final class IntPendingShape {
        @Coroutine
        static Future<Integer> intPending(Src s, int a, int b) {
            int r = a + g(b, await(s.of(7)));
            r = r * 2 - g(await(s.of(1)), a) / (b + await(s.of(1)));
            int q = (a << 2) + (b ^ await(s.of(0x55))) % 17 + -await(s.of(3));
            return Future.of(r + q);
        }
    }

    static int intPendingPlain(int a, int b) {
        int r = a + g(b, 7);
        r = r * 2 - g(1, a) / (b + 1);
        int q = (a << 2) + (b ^ 0x55) % 17 + -3;
        return r + q;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void intOperandsOnStack(Src.Mode mode) {
        check(mode, s -> IntPendingShape.intPending(s, 5, 9), () -> intPendingPlain(5, 9));
    }

    // ---- long and double (two-slot) values pending, interleaved

    static final class WidePendingShape {
        @Coroutine
        static Future<Long> widePending(Src s, long x, double y) {
            long l = 3L * await(s.of(7L));
            long w = wide(x + 1, y * 2, await(s.of(x * 3)), await(s.of(y / 2)));
            double d = y + await(s.of(1.5)) * (x - await(s.of(2L)));
            float f = 1.5f * await(s.of(2.5f)) + (float) y;
            return Future.of(l + w + (long) (d * 10) + (long) (f * 100));
        }
    }

    static long widePendingPlain(long x, double y) {
        long l = 3L * 7L;
        long w = wide(x + 1, y * 2, x * 3, y / 2);
        double d = y + 1.5 * (x - 2L);
        float f = 1.5f * 2.5f + (float) y;
        return l + w + (long) (d * 10) + (long) (f * 100);
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void longAndDoubleOperandsOnStack(Src.Mode mode) {
        check(mode, s -> WidePendingShape.widePending(s, 1L << 35, 2.75), () -> widePendingPlain(1L << 35, 2.75));
    }

    // ---- every type at once on the stack, including a null constant and arrays

    static final class EveryTypeShape {
        @Coroutine
        static Future<String> everyType(Src s, int i, long l, double d, float f, boolean z, byte b, char c, short sh) {
            int[] ia = {i, i + 1};
            long[][] la = {{l}, {l + 1, l + 2}};
            String r = mix(i, l, d, f, z, b, c, sh, "str", ia, la, null, await(s.of("last")));
            String r2 = mix(await(s.of(i)), await(s.of(l)), await(s.of(d)), await(s.of(f)), await(s.of(z)),
                    await(s.of(b)), await(s.of(c)), await(s.of(sh)), await(s.of("s2")), await(s.of(ia)),
                    await(s.of(la)), await(s.<Object>of(null)), await(s.of("end")));
            return Future.of(r + "|" + r2);
        }
    }

    static String everyTypePlain(int i, long l, double d, float f, boolean z, byte b, char c, short sh) {
        int[] ia = {i, i + 1};
        long[][] la = {{l}, {l + 1, l + 2}};
        String r = mix(i, l, d, f, z, b, c, sh, "str", ia, la, null, "last");
        String r2 = mix(i, l, d, f, z, b, c, sh, "s2", ia, la, null, "end");
        return r + "|" + r2;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void everyTypeOnStack(Src.Mode mode) {
        check(mode, s -> EveryTypeShape.everyType(s, -4, Long.MIN_VALUE + 5, Math.PI, 0.1f, true, (byte) -7, '\u00e9', (short) 300),
                () -> everyTypePlain(-4, Long.MIN_VALUE + 5, Math.PI, 0.1f, true, (byte) -7, '\u00e9', (short) 300));
    }

    // ---- small int types and booleans in arrays (baload/bastore on boolean[] vs byte[], caload, saload)

    static final class SmallArraysShape {
        @Coroutine
        static Future<String> smallArrays(Src s) {
            boolean[] flags = new boolean[3];
            byte[] bytes = {1, 2, 3};
            char[] chars = {'a', 'b'};
            short[] shorts = {10, 20};
            float[] floats = {0.5f};
            flags[await(s.of(1))] = await(s.of(true));
            bytes[2] += await(s.of((byte) 100));
            chars[await(s.of(0))]++;
            chars[1] = await(s.of('z'));
            shorts[0] *= await(s.of((short) -3));
            floats[0] /= await(s.of(4f));
            return Future.of(Arrays.toString(flags) + Arrays.toString(bytes) + new String(chars) + Arrays.toString(shorts)
                    + Arrays.toString(floats));
        }
    }

    static String smallArraysPlain() {
        boolean[] flags = new boolean[3];
        byte[] bytes = {1, 2, 3};
        char[] chars = {'a', 'b'};
        short[] shorts = {10, 20};
        float[] floats = {0.5f};
        flags[1] = true;
        bytes[2] += (byte) 100;
        chars[0]++;
        chars[1] = 'z';
        shorts[0] *= (short) -3;
        floats[0] /= 4f;
        return Arrays.toString(flags) + Arrays.toString(bytes) + new String(chars) + Arrays.toString(shorts)
                + Arrays.toString(floats);
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void smallTypesInArrays(Src.Mode mode) {
        check(mode, SmallArraysShape::smallArrays, ExpressionShapesTest::smallArraysPlain);
    }

    // ---- constructors: new Foo(a, await(x), b), nested new Foo(new Bar(await(x))), chained calls on new

    static final class Bar {
        final String v;

        Bar(String v) {
            this.v = v;
        }

        Bar(long l, Bar inner, double d) {
            this.v = l + "<" + inner.v + ">" + d;
        }

        @Override
        public String toString() {
            return "Bar(" + v + ")";
        }
    }

    static final class Foo {
        final String text;

        Foo(int a, String x, long b) {
            text = a + x + b;
        }

        Foo(Bar bar) {
            text = "foo" + bar;
        }

        Foo(Foo inner, Bar bar, int n) {
            text = inner.text + "+" + bar + "*" + n;
        }

        String with(String more) {
            return text + "&" + more;
        }
    }

    static final class ConstructorsShape {
        @Coroutine
        static Future<String> constructors(Src s, int a, long b) {
            Foo f1 = new Foo(a, await(s.of("x")), b);
            Foo f2 = new Foo(new Bar(await(s.of("bar"))));
            Foo f3 = new Foo(new Foo(a, "y", await(s.of(b * 2))), new Bar(await(s.of(5L)), new Bar(await(s.of("in"))),
                    await(s.of(0.5))), await(s.of(a + 1)));
            String f4 = new Foo(new Bar("q")).with(await(s.of("more")));
            StringBuilder sb = new StringBuilder(await(s.of("init"))).append(new Bar(await(s.of("z"))));
            List<Object> objs = new ArrayList<>(List.of(new Foo(await(s.of(1)), "", 2L).text, new Bar(await(s.of("w")))));
            return Future.of(f1.text + "|" + f2.text + "|" + f3.text + "|" + f4 + "|" + sb + "|" + objs);
        }
    }

    static String constructorsPlain(int a, long b) {
        Foo f1 = new Foo(a, "x", b);
        Foo f2 = new Foo(new Bar("bar"));
        Foo f3 = new Foo(new Foo(a, "y", b * 2), new Bar(5L, new Bar("in"), 0.5), a + 1);
        String f4 = new Foo(new Bar("q")).with("more");
        StringBuilder sb = new StringBuilder("init").append(new Bar("z"));
        List<Object> objs = new ArrayList<>(List.of(new Foo(1, "", 2L).text, new Bar("w")));
        return f1.text + "|" + f2.text + "|" + f3.text + "|" + f4 + "|" + sb + "|" + objs;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void constructorArguments(Src.Mode mode) {
        check(mode, s -> ConstructorsShape.constructors(s, 3, 4L), () -> constructorsPlain(3, 4L));
    }

    // ---- constructor argument awaits inside a loop and inside a ternary (uninitialized object on both arms)

    static final class ConstructorsInBranchesShape {
        @Coroutine
        static Future<List<String>> constructorsInBranches(Src s, int n) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Bar b = i % 2 == 0 ? new Bar(await(s.of("even" + i))) : new Bar(i, new Bar(await(s.of("odd"))), i / 2.0);
                out.add(new Foo(i, i > 2 ? await(s.of("big")) : "small", await(s.of((long) -i))).with(b.v));
            }
            return Future.of(out);
        }
    }

    static List<String> constructorsInBranchesPlain(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Bar b = i % 2 == 0 ? new Bar("even" + i) : new Bar(i, new Bar("odd"), i / 2.0);
            out.add(new Foo(i, i > 2 ? "big" : "small", (long) -i).with(b.v));
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void constructorArgumentsInBranchesAndLoops(Src.Mode mode) {
        check(mode, s -> ConstructorsInBranchesShape.constructorsInBranches(s, 5), () -> constructorsInBranchesPlain(5));
    }

    // ---- array creation: dimensions and initializers with awaits (array ref and index pending)

    static final class ArraysShape {
        @Coroutine
        static Future<String> arrays(Src s) {
            int[] a = new int[await(s.of(3))];
            int[] b = {1, await(s.of(2)), 3, await(s.of(4))};
            String[] c = new String[] {"x", await(s.of("y")), null};
            long[][] d = new long[await(s.of(2))][await(s.of(3))];
            d[1][await(s.of(2))] = await(s.of(9L));
            double[][] e = {{await(s.of(1.0))}, {2.0, await(s.of(3.0))}};
            Object[] o = {await(s.of(1)), await(s.<Object>of(null)), await(s.of("three"))};
            a[0] = b.length + c.length;
            return Future.of(Arrays.toString(a) + Arrays.toString(b) + Arrays.toString(c) + Arrays.deepToString(d)
                    + Arrays.deepToString(e) + Arrays.toString(o));
        }
    }

    static String arraysPlain() {
        int[] a = new int[3];
        int[] b = {1, 2, 3, 4};
        String[] c = new String[] {"x", "y", null};
        long[][] d = new long[2][3];
        d[1][2] = 9L;
        double[][] e = {{1.0}, {2.0, 3.0}};
        Object[] o = {1, null, "three"};
        a[0] = b.length + c.length;
        return Arrays.toString(a) + Arrays.toString(b) + Arrays.toString(c) + Arrays.deepToString(d)
                + Arrays.deepToString(e) + Arrays.toString(o);
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void arrayCreationAndInitializers(Src.Mode mode) {
        check(mode, ArraysShape::arrays, ExpressionShapesTest::arraysPlain);
    }

    // ---- string concatenation (invokedynamic makeConcatWithConstants) with many awaited operands

    static final class ConcatShape {
        @Coroutine
        static Future<String> concat(Src s, int i, long l, char c, double d, Object o) {
            String a = "a" + i + await(s.of("-b-")) + l + c + await(s.of(1.5f)) + d + o + await(s.<Object>of(null)) + 'z';
            String b = await(s.of("x")) + await(s.of("y"));
            b += await(s.of(l)) + "/" + await(s.of(c));
            String e = i + l + await(s.of(3)) + "tail" + await(s.of(true)) + await(s.of((byte) 1)) + await(s.of((short) 2));
            return Future.of(a + "|" + b + "|" + e);
        }
    }

    static String concatPlain(int i, long l, char c, double d, Object o) {
        String a = "a" + i + "-b-" + l + c + 1.5f + d + o + null + 'z';
        String b = "x" + "y";
        b += l + "/" + c;
        String e = i + l + 3 + "tail" + true + (byte) 1 + (short) 2;
        return a + "|" + b + "|" + e;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void stringConcatenation(Src.Mode mode) {
        Object o = List.of(1, 2);
        check(mode, s -> ConcatShape.concat(s, 7, 1L << 40, 'q', -0.0, o), () -> concatPlain(7, 1L << 40, 'q', -0.0, o));
    }

    // ---- compound assignments on locals, fields, static fields, array elements with side-effecting index

    static final class CompoundShape {
        int counter;
        long total;
        static double staticSum;
        final int[] cells = new int[6];

        @Coroutine
        Future<String> compound(Src s) {
            int x = 10;
            long y = 3;
            double z = 1;
            x += await(s.of(5));
            x -= await(s.of(1)) * 2;
            x *= await(s.of(3));
            x /= await(s.of(2));
            x %= await(s.of(7));
            x <<= await(s.of(4));
            x >>= await(s.of(1));
            x |= await(s.of(0x100));
            x &= await(s.of(0x1f0));
            x ^= await(s.of(0xff));
            y += await(s.of(4L));
            y *= await(s.of(y));
            y >>>= await(s.of(1));
            z /= await(s.of(8.0));
            counter += await(s.of(11));
            this.counter *= await(s.of(2));
            total -= await(s.of(100L));
            staticSum += await(s.of(0.5));
            int i = 0;
            cells[i++] += await(s.of(7));
            cells[i++] = await(s.of(8));
            cells[i] = cells[i++] + await(s.of(9));
            cells[await(s.of(i)) + 1] -= await(s.of(i));
            cells[5]++;
            int post = cells[5]++ + await(s.of(0));
            int pre = ++cells[4] + await(s.of(0));
            String str = "s";
            str += await(s.of(1));
            Integer boxed = 1;
            boxed += await(s.of(41));
            return Future.of(x + ":" + y + ":" + z + ":" + counter + ":" + total + ":" + staticSum + ":"
                    + Arrays.toString(cells) + ":" + i + ":" + post + ":" + pre + ":" + str + ":" + boxed);
        }

        String compoundPlain() {
            int x = 10;
            long y = 3;
            double z = 1;
            x += 5;
            x -= 1 * 2;
            x *= 3;
            x /= 2;
            x %= 7;
            x <<= 4;
            x >>= 1;
            x |= 0x100;
            x &= 0x1f0;
            x ^= 0xff;
            y += 4L;
            y *= y;
            y >>>= 1;
            z /= 8.0;
            counter += 11;
            this.counter *= 2;
            total -= 100L;
            staticSum += 0.5;
            int i = 0;
            cells[i++] += 7;
            cells[i++] = 8;
            cells[i] = cells[i++] + 9;
            cells[i + 1] -= i;
            cells[5]++;
            int post = cells[5]++ + 0;
            int pre = ++cells[4] + 0;
            String str = "s";
            str += 1;
            Integer boxed = 1;
            boxed += 41;
            return x + ":" + y + ":" + z + ":" + counter + ":" + total + ":" + staticSum + ":"
                    + Arrays.toString(cells) + ":" + i + ":" + post + ":" + pre + ":" + str + ":" + boxed;
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void compoundAssignments(Src.Mode mode) {
        CompoundShape plain = new CompoundShape();
        CompoundShape.staticSum = 0;
        String expected = plain.compoundPlain();
        CompoundShape.staticSum = 0;
        check(mode, s -> new CompoundShape().compound(s), () -> expected);
    }

    // ---- ternaries containing awaits: in the condition, in either arm, nested, as an argument

    static final class TernariesShape {
        @Coroutine
        static Future<String> ternaries(Src s, int n) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int a = i % 2 == 0 ? await(s.of(i)) : -i;
                String b = await(s.of(i > 2)) ? "big" : await(s.of("small"));
                long c = i == 0 ? 0L : i == 1 ? await(s.of(10L)) : i == 2 ? 20L : await(s.of(30L + i));
                int d = g(i, i < 3 ? await(s.of(7)) : await(s.of(8)));
                Object e = i % 3 == 0 ? null : i % 3 == 1 ? await(s.of("one")) : (Object) await(s.of(2));
                double f = (await(s.of(i)) > 1 ? 1.5 : 2) * (i % 2 == 1 ? await(s.of(2.0)) : 1);
                sb.append(a).append(b).append(c).append(d).append(e).append(f).append(';');
            }
            return Future.of(sb.toString());
        }
    }

    static String ternariesPlain(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int a = i % 2 == 0 ? i : -i;
            String b = i > 2 ? "big" : "small";
            long c = i == 0 ? 0L : i == 1 ? 10L : i == 2 ? 20L : 30L + i;
            int d = g(i, i < 3 ? 7 : 8);
            Object e = i % 3 == 0 ? null : i % 3 == 1 ? "one" : (Object) 2;
            double f = (i > 1 ? 1.5 : 2) * (i % 2 == 1 ? 2.0 : 1);
            sb.append(a).append(b).append(c).append(d).append(e).append(f).append(';');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void ternaryExpressions(Src.Mode mode) {
        check(mode, s -> TernariesShape.ternaries(s, 6), () -> ternariesPlain(6));
    }

    // ---- short-circuit && and ||, negation, comparisons between two awaited values

    static int sideEffects;

    static boolean touch(boolean v) {
        sideEffects++;
        return v;
    }

    static final class LogicShape {
        @Coroutine
        static Future<String> logic(Src s, int n) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                if (await(s.of(i % 2 == 0)) && touch(await(s.of(i > 1)))) {
                    sb.append('A');
                }
                if (i == 3 || await(s.of(i)) < await(s.of(2)) || !await(s.of(i != 4))) {
                    sb.append('B');
                }
                boolean x = await(s.of(i)) >= 2 & await(s.of(true)) | i == 0 ^ await(s.of(false));
                sb.append(x ? 'x' : '-');
            }
            return Future.of(sb.toString() + sideEffects);
        }
    }

    static String logicPlain(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0 && touch(i > 1)) {
                sb.append('A');
            }
            if (i == 3 || i < 2 || !(i != 4)) {
                sb.append('B');
            }
            boolean x = i >= 2 & true | i == 0 ^ false;
            sb.append(x ? 'x' : '-');
        }
        return sb.toString() + sideEffects;
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void shortCircuitLogic(Src.Mode mode) {
        sideEffects = 0;
        String expected = logicPlain(6);
        sideEffects = 0;
        check(mode, s -> LogicShape.logic(s, 6), () -> expected);
    }

    // ---- instanceof patterns, casts, unboxing (including NPE from unboxing an awaited null)

    static final class CastsAndPatternsShape {
        @Coroutine
        static Future<String> castsAndPatterns(Src s, Object[] inputs) {
            StringBuilder sb = new StringBuilder();
            for (Object in : inputs) {
                if (await(s.of(in)) instanceof String str && str.length() > await(s.of(2))) {
                    sb.append("S").append(str.length());
                } else if (in instanceof Integer k) {
                    sb.append("I").append((byte) (int) await(s.of(k)));
                } else {
                    sb.append('?');
                }
            }
            long widened = (long) await(s.of(Integer.MAX_VALUE)) + 1;
            int narrowed = (int) (long) await(s.of(1L << 33 | 5));
            char fromInt = (char) (int) await(s.of(66));
            sb.append(widened).append(narrowed).append(fromInt);
            try {
                int unboxed = await(s.<Integer>of(null));
                sb.append(unboxed);
            } catch (NullPointerException e) {
                sb.append("npe");
            }
            return Future.of(sb.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void castsPatternsAndUnboxing(Src.Mode mode) {
        Object[] in = {"ab", "abcd", 300, 2.0};
        check(mode, s -> CastsAndPatternsShape.castsAndPatterns(s, in), () -> "?S4I44?" + (Integer.MAX_VALUE + 1L) + 5 + 'B' + "npe");
    }

    // ---- receivers pending: list.add(await), map.put(k, await), chained calls on an awaited receiver

    static final class ReceiversShape {
        @Coroutine
        Future<String> receivers(Src s) {
            List<Integer> list = new ArrayList<>();
            Map<String, List<Integer>> map = new TreeMap<>();
            list.add(await(s.of(1)));
            list.add(0, await(s.of(2)));
            map.put(await(s.of("k")), list);
            map.computeIfAbsent("j", k -> new ArrayList<>()).add(await(s.of(3)));
            String chained = await(s.of(new StringBuilder("x"))).append(await(s.of("y"))).reverse().toString();
            int len = this.helper(await(s.of("abc"))).length() + await(s.of("de")).length();
            IntSupplier sup = () -> list.size();
            return Future.of(map + chained + len + sup.getAsInt());
        }

        String helper(String v) {
            return v + v;
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void callReceiversOnStack(Src.Mode mode) {
        check(mode, s -> new ReceiversShape().receivers(s), () -> "{j=[3], k=[2, 1]}yx82");
    }

    // ---- awaits inside arguments several levels deep, with this pending too

    static final class DeepArgumentsShape {
        int base = 1000;

        int combine(int a, long b, String c) {
            return base + a + (int) b + c.length();
        }

        @Coroutine
        Future<Integer> deepArguments(Src s) {
            int r = combine(combine(await(s.of(1)), 2L, await(s.of("ab"))), await(s.of(3L)),
                    String.valueOf(combine(4, await(s.of(5L)), "c") + await(s.of(6))));
            return Future.of(r);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void deeplyNestedArguments(Src.Mode mode) {
        int inner = 1000 + 1 + 2 + 2;
        int third = String.valueOf(1000 + 4 + 5 + 1 + 6).length();
        check(mode, s -> new DeepArgumentsShape().deepArguments(s), () -> 1000 + inner + 3 + third);
    }

    // ---- arithmetic exception after the await, inside the expression

    static final class DivideShape {
        @Coroutine
        static Future<Integer> divide(Src s, int a) {
            return Future.of(a / await(s.of(0)));
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void arithmeticExceptionAfterResume(Src.Mode mode) {
        int zero = 0;
        check(mode, s -> DivideShape.divide(s, 5), () -> 5 / zero);
    }

    // ---- the same awaited value feeding a local used after many further suspensions

    static final class LocalsSurviveShape {
        @Coroutine
        static Future<String> localsSurvive(Src s, String p, long q, double r) {
            Object local = new Object[] {p};
            int step = 0;
            for (int i = 0; i < 5; i++) {
                step += await(s.of(i));
            }
            assertEquals(p, ((Object[]) local)[0]);
            return Future.of(p + q + r + step);
        }
    }

    @ParameterizedTest
    @EnumSource(Src.Mode.class)
    void parametersAndLocalsSurviveSuspensions(Src.Mode mode) {
        check(mode, s -> LocalsSurviveShape.localsSurvive(s, "p", 5L, 0.25), () -> "p50.2510");
    }
}
