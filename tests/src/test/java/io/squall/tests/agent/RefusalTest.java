package io.squall.tests.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.agent.SquallAgent;

/**
 * Refused coroutines: the class still loads and its other methods work; calling the refused method returns
 * a failed future whose message names the class, method, source file and line, the reason and the fix; the
 * agent logs the refusal once, when the class is loaded.
 */
@Timeout(60)
class RefusalTest {

    private static final String SOURCE = String.join("\n",
            "package refused;",
            "import static io.squall.Async.await;",
            "import io.squall.Future;",
            "import io.squall.annotations.Coroutine;",
            "import java.util.concurrent.CompletableFuture;",
            "public class Locks {",
            "    private final Object lock = new Object();",
            "    @Coroutine public Future<String> inBlock(Future<String> f) {",
            "        synchronized (lock) {",
            "            return Future.of(await(f));", // line 10
            "        }",
            "    }",
            "    @Coroutine public synchronized Future<String> inMethod(Future<String> f) {",
            "        return Future.of(await(f));", // line 14
            "    }",
            "    @Coroutine public String notAFuture(Future<String> f) {",
            "        return await(f);", // line 17
            "    }",
            "    @Coroutine public CompletableFuture<String> stage(Future<String> f) {",
            "        synchronized (this) { return CompletableFuture.completedFuture(await(f)); }", // line 20
            "    }",
            "    @Coroutine public Future<String> fine(Future<String> f) {",
            "        String s;",
            "        synchronized (lock) { s = \"locked-\"; }",
            "        return Future.of(s + await(f));",
            "    }",
            "    @Coroutine public synchronized Future<String> syncWithoutAwait() {",
            "        return Future.of(\"ok\");",
            "    }",
            "}");

    private final IOLoop loop = new IOLoop();

    @AfterEach
    void close() {
        loop.close();
        assertEquals(0, SquallAgent.verifyFailures());
    }

    private static Object invoke(Object target, String name, Object... args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name)) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw new AssertionError("a coroutine threw to its caller", e.getCause());
                }
            }
        }
        throw new AssertionError("no method " + name);
    }

    private Object loadLogging(Map<String, byte[]> classes, ByteArrayOutputStream log) throws Exception {
        PrintStream saved = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            return InMemoryJavac.load(classes).loadClass("refused.Locks").getConstructor().newInstance();
        } finally {
            System.setErr(saved);
        }
    }

    @Test
    void refusedMethodsFailWithWhereWhyAndFixWhileTheRestOfTheClassWorks() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Object locks = loadLogging(InMemoryJavac.compile(Map.of("refused.Locks", SOURCE)), log);
        String logged = log.toString(StandardCharsets.UTF_8);

        Future<?> inBlock = (Future<?>) invoke(locks, "inBlock", Future.of("x"));
        String m = assertInstanceOf(IllegalStateException.class, inBlock.exception()).getMessage();
        assertTrue(m.contains("refused.Locks.inBlock(Future)"), m);
        assertTrue(m.contains("(Locks.java:10)"), m);
        assertTrue(m.contains("await inside a synchronized block"), m);
        assertTrue(m.contains("Fix: Move the await out of the synchronized block"), m);
        assertEquals(1, count(logged, m), "logged once at load: " + logged);
        StackTraceElement top = inBlock.exception().getStackTrace()[1];
        assertEquals("inBlock", top.getMethodName());
        assertEquals(10, top.getLineNumber(), "the refusal's own trace points at the refused await");
        assertTrue(logged.contains("[squall-agent]"), logged);

        Future<?> inMethod = (Future<?>) invoke(locks, "inMethod", Future.of("x"));
        String m2 = assertInstanceOf(IllegalStateException.class, inMethod.exception()).getMessage();
        assertTrue(m2.contains("refused.Locks.inMethod(Future) (Locks.java:14)"), m2);
        assertTrue(m2.contains("await in a synchronized method"), m2);
        assertTrue(m2.contains("Fix: Remove 'synchronized'"), m2);
        assertEquals(1, count(logged, m2), logged);

        IllegalStateException notFuture = assertThrows(IllegalStateException.class, () -> {
            try {
                locks.getClass().getMethod("notAFuture", Future.class).invoke(locks, Future.of("x"));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        assertTrue(notFuture.getMessage().contains("refused.Locks.notAFuture(Future)"), notFuture.getMessage());
        assertTrue(notFuture.getMessage().contains("must return io.squall.Future"), notFuture.getMessage());
        assertTrue(notFuture.getMessage().contains("Locks.java:17"), notFuture.getMessage());

        CompletableFuture<?> stage = (CompletableFuture<?>) invoke(locks, "stage", Future.of("x"));
        ExecutionException e = assertThrows(ExecutionException.class, stage::get);
        assertTrue(e.getCause().getMessage().contains("(Locks.java:20): await inside a synchronized block"),
                e.getCause().getMessage());

        Future<String> pending = new Future<>();
        Object fine = loop.runSync(() -> {
            try {
                Future<?> f = (Future<?>) invoke(locks, "fine", pending);
                IOLoop.current().addCallback(() -> pending.setResult("value"));
                return (Future<Object>) f;
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        });
        assertEquals("locked-value", fine);
        assertEquals("ok", ((Future<?>) invoke(locks, "syncWithoutAwait")).result());
    }

    @Test
    void withoutDebugInfoTheMessageSaysSoAndCoroutinesStillWork() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Object locks = loadLogging(InMemoryJavac.compile(Map.of("refused.Locks", SOURCE), "-g:none"), log);
        Future<?> inBlock = (Future<?>) invoke(locks, "inBlock", Future.of("x"));
        String m = inBlock.exception().getMessage();
        assertTrue(m.contains("refused.Locks.inBlock(Future) (compiled without debug info"), m);
        assertTrue(m.contains("await inside a synchronized block"), m);
        Future<String> pending = new Future<>();
        Object fine = loop.runSync(() -> {
            try {
                Future<?> f = (Future<?>) invoke(locks, "fine", pending);
                IOLoop.current().addCallback(() -> pending.setResult("v"));
                return (Future<Object>) f;
            } catch (Exception ex) {
                throw new AssertionError(ex);
            }
        });
        assertEquals("locked-v", fine);
    }

    @Test
    void aMethodTooLargeOnceRewrittenIsRefused() throws Exception {
        StringBuilder src = new StringBuilder("package big; import static io.squall.Async.await;"
                + " import io.squall.Future; import io.squall.annotations.Coroutine;"
                + " public class Big {\n @Coroutine public Future<Long> huge(Future<Long> f) {\n");
        int locals = 60;
        for (int i = 0; i < locals; i++) {
            src.append("  long v").append(i).append(" = ").append(i).append(";\n");
        }
        for (int i = 0; i < 300; i++) {
            src.append("  v").append(i % locals).append(" += await(f);\n");
        }
        src.append("  return Future.of(v0");
        for (int i = 1; i < locals; i++) {
            src.append(" + v").append(i);
        }
        src.append(");\n }\n @Coroutine public Future<Long> small(Future<Long> f) { return Future.of(await(f) + 1); }\n}\n");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        Object big;
        try {
            big = InMemoryJavac.load(InMemoryJavac.compile(Map.of("big.Big", src.toString())))
                    .loadClass("big.Big").getConstructor().newInstance();
        } finally {
            System.setErr(saved);
        }
        Future<?> huge = (Future<?>) invoke(big, "huge", Future.of(1L));
        String m = huge.exception().getMessage();
        assertTrue(m.contains("big.Big.huge(Future) (Big.java:"), m);
        assertTrue(m.contains("too large"), m);
        assertTrue(m.contains("Fix: Split the coroutine"), m);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(m));
        assertEquals(42L, ((Future<?>) invoke(big, "small", Future.of(41L))).result());
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
