package io.squall.tests.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;

/**
 * One program of mixed shapes compiled at test time by the running JDK's javac with different options
 * (debug info on and off, older class file versions), run as a coroutine with done and with pending
 * futures, and compared with its straight-line twin compiled in the same class.
 */
class CompiledVariantsTest {

    /**
     * {@code AWAIT(x)} is {@code await(f.apply(x))} in the coroutine and {@code x} in the twin, so both run
     * the same logic.
     */
    private static final String BODY = String.join("\n",
            "    long total = 0; String text = \"\"; double d = 0.5; float fl = 1.5f; char ch = 'a';",
            "    java.util.List<String> list = new java.util.ArrayList<>();",
            "    for (int i = 0; i < 5; i++) {",
            "        total += AWAIT(i) * 2L + (i % 2 == 0 ? AWAIT(i + 1) : 3);",
            "        if (i == 3) { continue; }",
            "        text = text + AWAIT(i) + ch + (long) AWAIT(7) + d;",
            "    }",
            "    try {",
            "        list.add(\"t\" + AWAIT(1));",
            "        if (AWAIT(2) == 2) { throw new IllegalStateException(\"x\" + AWAIT(3)); }",
            "    } catch (IllegalStateException e) {",
            "        list.add(e.getMessage() + AWAIT(4));",
            "    } finally {",
            "        list.add(\"f\" + AWAIT(5));",
            "    }",
            "    Holder h = new Holder(AWAIT(8), new Holder(AWAIT(9), null));",
            "    int[] arr = new int[3];",
            "    arr[AWAIT(1)] += AWAIT(10);",
            "    String key = \"k\" + AWAIT(2);",
            "    switch (key) { case \"k2\": total += AWAIT(100); break; default: total -= 1; }",
            "    Object o = AWAIT(3) > 2 ? (Object) list : (Object) text;",
            "    total += Math.max(AWAIT(4), (long) (fl * AWAIT(2)));",
            "    return RESULT(total + \"|\" + text + \"|\" + list + \"|\" + h + \"|\" + arr[1] + \"|\" + o.hashCode()"
                    + " + \"|\" + (d + fl + AWAIT(1)));");

    private static String source() {
        String coroutine = expand(BODY, "await(f.apply(", "))").replace("RESULT(", "Future.of(");
        return String.join("\n",
                "package variants;",
                "import static io.squall.Async.await;",
                "import io.squall.Future;",
                "import io.squall.annotations.Coroutine;",
                "import java.util.function.IntFunction;",
                "public class Program {",
                "  static final class Holder {",
                "    final int v; final Holder next;",
                "    Holder(int v, Holder next) { this.v = v; this.next = next; }",
                "    public String toString() { return v + (next == null ? \"\" : \">\" + next); }",
                "  }",
                "  @Coroutine public static Future<String> coroutine(IntFunction<Future<Integer>> f) {",
                coroutine,
                "  }",
                "  public static String twin() {",
                BODY.replace("AWAIT(", "id(").replace("RESULT(", "("),
                "  }",
                "  static int id(int x) { return x; }",
                "}");
    }

    /** Replaces each {@code AWAIT(x)} with {@code open + x + close}, matching parentheses. */
    private static String expand(String body, String open, String close) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int at = body.indexOf("AWAIT(", i);
            if (at < 0) {
                return out.append(body.substring(i)).toString();
            }
            out.append(body, i, at).append(open);
            int depth = 1;
            int j = at + "AWAIT(".length();
            int start = j;
            while (depth > 0) {
                char c = body.charAt(j++);
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            }
            out.append(expand(body.substring(start, j - 1), open, close)).append(close);
            i = j;
        }
    }

    static List<List<String>> variants() {
        return List.of(List.of("-g"), List.of("-g:none"), List.of("-g:lines"), List.of("--release", "11", "-g:none"),
                List.of("--release", "17"), List.of("--release", "8", "-Xlint:-options"),
                List.of("--release", "8", "-g:none", "-Xlint:-options"));
    }

    private final IOLoop loop = new IOLoop();

    @AfterEach
    void close() {
        loop.close();
        assertEquals(0, SquallAgent.verifyFailures());
    }

    /** Pattern switches (record patterns, guards that await) need javac 21+: run on JDK 21+ only. */
    @org.junit.jupiter.api.Test
    void patternSwitchWithAwaitsInGuardsAndBodies() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 21, "needs javac 21+");
        String src = String.join("\n",
                "package patterns;",
                "import static io.squall.Async.await;",
                "import io.squall.Future;",
                "import io.squall.annotations.Coroutine;",
                "import java.util.function.IntFunction;",
                "public class Sw {",
                "  public sealed interface S permits P, Q {}",
                "  public record P(int x, String y) implements S {}",
                "  public record Q(S inner) implements S {}",
                "  @Coroutine public static Future<String> co(Object o, IntFunction<Future<Integer>> f) {",
                "    String r = switch (o) {",
                "      case P(int x, String y) when await(f.apply(x)) > 1 -> y + await(f.apply(x * 10));",
                "      case P p -> \"small\" + await(f.apply(p.x()));",
                "      case Q(P(var x, var y)) -> \"nested\" + x + y + await(f.apply(3));",
                "      case Q q -> \"q\";",
                "      case String s when s.length() > await(f.apply(2)) -> \"long\";",
                "      case null -> \"null\" + await(f.apply(0));",
                "      default -> \"other\";",
                "    };",
                "    return Future.of(r);",
                "  }",
                "}");
        Class<?> sw = InMemoryJavac.load(InMemoryJavac.compile(Map.of("patterns.Sw", src)))
                .loadClass("patterns.Sw");
        Class<?> p = sw.getClassLoader().loadClass("patterns.Sw$P");
        Class<?> q = sw.getClassLoader().loadClass("patterns.Sw$Q");
        Class<?> s = sw.getClassLoader().loadClass("patterns.Sw$S");
        Object p5 = p.getDeclaredConstructor(int.class, String.class).newInstance(5, "five");
        Object p1 = p.getDeclaredConstructor(int.class, String.class).newInstance(1, "one");
        Object qp = q.getDeclaredConstructor(s).newInstance(p1);
        Object qq = q.getDeclaredConstructor(s).newInstance(qp);
        Method co = sw.getMethod("co", Object.class, IntFunction.class);
        IntFunction<Future<Integer>> pending = i -> {
            Future<Integer> fut = new Future<>();
            IOLoop.current().callLater(Duration.ZERO, () -> fut.setResult(i));
            return fut;
        };
        List<String> out = new java.util.ArrayList<>();
        for (Object o : java.util.Arrays.asList(p5, p1, qp, qq, "lengthy", "ab", null, 7)) {
            out.add(loop.runSync(() -> {
                try {
                    @SuppressWarnings("unchecked")
                    Future<String> r = (Future<String>) co.invoke(null, o, pending);
                    return r;
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(30)));
        }
        assertEquals(List.of("five50", "small1", "nested1one3", "q", "long", "other", "null0", "other"), out);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void sameResultAsTheStraightLineTwin(List<String> options) throws Exception {
        Map<String, byte[]> classes = InMemoryJavac.compile(Map.of("variants.Program", source()),
                options.toArray(new String[0]));
        Class<?> program = InMemoryJavac.load(classes).loadClass("variants.Program");
        String expected = (String) program.getMethod("twin").invoke(null);
        Method coroutine = program.getMethod("coroutine", IntFunction.class);
        IntFunction<Future<Integer>> done = Future::of;
        IntFunction<Future<Integer>> pending = i -> {
            Future<Integer> fut = new Future<>();
            IOLoop.current().callLater(Duration.ZERO, () -> fut.setResult(i));
            return fut;
        };
        IntFunction<Future<Integer>> mixed = i -> i % 2 == 0 ? done.apply(i) : pending.apply(i);
        for (IntFunction<Future<Integer>> f : List.of(done, pending, mixed)) {
            String actual = loop.runSync(() -> {
                try {
                    @SuppressWarnings("unchecked")
                    Future<String> r = (Future<String>) coroutine.invoke(null, f);
                    return r;
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(30));
            assertEquals(expected, actual, String.join(" ", options));
        }
    }
}
