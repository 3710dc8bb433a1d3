package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;

/**
 * Issue 13 item 1 (what remained): a coroutine called on a worker thread used to suspend on a new loop of that
 * thread that nobody runs, and hang (warned about after 5 s). It is now refused at its first await with an
 * {@link IllegalStateException} thrown to the caller, naming the coroutine, the thread, the loop that runs elsewhere
 * and the fixes; the fixes and the legal set-ups (a thread that makes its loop first, runSync on any thread, the main
 * thread whatever its name) keep working.
 */
@Timeout(60)
class CoroutineOnWorkerTest {

    private final IOLoop loop = new IOLoop();
    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "report-pool"));

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        loop.close();
    }

    /** The coroutine a user calls from the wrong thread: it needs a loop to resume on. */
    @Coroutine
    static Future<String> relay(Future<String> input) {
        String s = await(input);
        return Future.of("relayed " + s);
    }

    /** Completes with {@code value} after {@code d}. */
    @Coroutine
    static Future<String> after(Duration d, String value) {
        await(Gen.sleep(d));
        return Future.of(value);
    }

    /** A coroutine whose body asks for the loop itself before its first await. */
    @Coroutine
    static Future<String> offload(ExecutorService pool) {
        String s = await(IOLoop.current().runInExecutor(pool, () -> "computed"));
        return Future.of(s);
    }

    @Test
    void aCoroutineCalledInAnExecutorTaskIsRefusedAtOnceAndSpawnCallbackIsTheFix() {
        String me = Thread.currentThread().getName();
        Future<String> input = new Future<>();
        Object outcome = loop.runSync(() -> loop.runInExecutor(pool, () -> {
            try {
                return relay(input);
            } catch (IllegalStateException refused) {
                return refused;
            }
        }), Duration.ofSeconds(10));
        IllegalStateException e = assertInstanceOf(IllegalStateException.class, outcome);
        assertEquals("The coroutine " + CoroutineOnWorkerTest.class.getName() + ".relay was called on thread"
                + " 'report-pool', a runInExecutor worker of the IOLoop of thread '" + me + "', which has no IOLoop of"
                + " its own (called from " + caller(e) + "): at its first await it would suspend on a new loop"
                + " of this thread that nobody runs, and never resume. Call coroutines on a loop's thread: from another"
                + " thread, hand the call to the loop with loop.spawnCallback(() -> relay(...)) or loop.addCallback(()"
                + " -> ...) (safe from any thread; take loop = IOLoop.current() on the loop thread); a blocking caller"
                + " can instead run it on a loop of this thread with IOLoop.current().runSync(() -> relay(...)). If"
                + " this thread is meant to run a loop of its own, create it first with IOLoop.current() and start()"
                + " it (only the main thread gets a loop implicitly).", e.getMessage());

        // The fix the message names: hand the call to the loop from the pool thread.
        Future<String> result = new Future<>();
        String relayed = loop.runSync(() -> {
            loop.runInExecutor(pool, () -> {
                loop.spawnCallback(() -> {
                    Future<String> call = relay(input);
                    call.addDoneCallback(f -> result.setResult(f.result()));
                    return call;
                });
                loop.addCallback(() -> input.setResult("hello"));
                return null;
            });
            return result;
        }, Duration.ofSeconds(10));
        assertEquals("relayed hello", relayed);
    }

    /** The test's call to relay(), from the refusal's own stack (the frame below the coroutine's entry). */
    private static StackTraceElement caller(IllegalStateException e) {
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getMethodName().startsWith("lambda$aCoroutineCalledInAnExecutorTask")) {
                return f;
            }
        }
        throw new AssertionError("no caller frame in the refusal's stack");
    }

    @Test
    void onAPlainThreadThePoolKindAndTheRunningLoopAreNamed() throws Exception {
        String me = Thread.currentThread().getName();
        AtomicReference<Throwable> plain = new AtomicReference<>();
        AtomicReference<Throwable> common = new AtomicReference<>();
        loop.runSync(() -> loop.runInExecutor(pool, () -> {
            Thread t = new Thread(() -> {
                try {
                    relay(new Future<>());
                } catch (Throwable refused) {
                    plain.set(refused);
                }
            }, "my-worker");
            t.start();
            t.join();
            ForkJoinPool forkJoin = new ForkJoinPool(1);
            try {
                CompletableFuture.supplyAsync(() -> offload(pool), forkJoin).join();
            } catch (java.util.concurrent.CompletionException refused) {
                common.set(refused.getCause());
            } finally {
                forkJoin.shutdownNow();
            }
            return null;
        }), Duration.ofSeconds(10));
        String m = assertInstanceOf(IllegalStateException.class, plain.get()).getMessage();
        assertTrue(m.startsWith("The coroutine " + CoroutineOnWorkerTest.class.getName() + ".relay was called on"
                + " thread 'my-worker', a thread other than the main thread, which has no IOLoop of its own, while the"
                + " IOLoop of thread '" + me + "' is running (called from "), m);
        // A coroutine that asks for IOLoop.current() itself before its first await is refused there.
        String c = assertInstanceOf(IllegalStateException.class, common.get()).getMessage();
        assertTrue(c.startsWith("The coroutine " + CoroutineOnWorkerTest.class.getName() + ".offload was called on"
                + " thread '"), c);
        assertTrue(c.contains(", a ForkJoinPool worker (parallel streams and CompletableFuture's *Async methods run"
                + " there), which has no IOLoop of its own, while the IOLoop of thread '" + me + "' is running"), c);
    }

    @Test
    void aVirtualThreadIsNamedAsSuch() throws Exception {
        ExecutorService virtual;
        try {
            virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (NoSuchMethodException jdk17) {
            assumeTrue(false, "virtual threads need JDK 21+");
            return;
        }
        try {
            Object outcome = virtual.submit(() -> {
                try {
                    return relay(new Future<>());
                } catch (IllegalStateException refused) {
                    return refused;
                }
            }).get(10, TimeUnit.SECONDS);
            String m = assertInstanceOf(IllegalStateException.class, outcome).getMessage();
            assertTrue(m.contains("', a virtual thread, which has no IOLoop of its own"), m);
        } finally {
            virtual.shutdownNow();
        }
    }

    @Test
    void aWorkerNamedMainIsStillAWorker() throws Exception {
        AtomicReference<Throwable> refused = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Gen.sleep(Duration.ofMillis(1));
            } catch (Throwable e) {
                refused.set(e);
            }
        }, "main");
        t.start();
        t.join();
        String m = assertInstanceOf(IllegalStateException.class, refused.get()).getMessage();
        assertTrue(m.startsWith("Gen.sleep() was called on thread 'main', a thread other than the main thread, which"
                + " has no IOLoop of its own"), m);
    }

    @Test
    void legalSetUpsKeepWorking() throws Exception {
        Future<String> input = new Future<>();
        String[] results = new String[3];
        loop.runSync(() -> loop.runInExecutor(pool, () -> {
            // A thread that makes its own loop first may call coroutines before it starts that loop (Tornado's way).
            Thread own = new Thread(() -> {
                IOLoop mine = IOLoop.current();
                Future<String> f = relay(Future.of("early"));
                Future<String> late = relay(after(Duration.ofMillis(5), "late"));
                results[0] = f.result() + ", " + mine.runSync(() -> late, Duration.ofSeconds(10));
                mine.close();
            }, "own-loop-thread");
            own.start();
            own.join();
            // runSync on a pool thread runs a loop of that thread for the coroutine.
            IOLoop mine = IOLoop.current();
            try {
                results[1] = mine.runSync(() -> relay(after(Duration.ofMillis(5), "pooled")),
                        Duration.ofSeconds(10));
            } finally {
                mine.close();
            }
            return null;
        }), Duration.ofSeconds(20));
        // And coroutines on the loop's own thread, of course.
        results[2] = loop.runSync(() -> relay(after(Duration.ofMillis(5), "on the loop")));
        assertEquals("relayed early, relayed late", results[0]);
        assertEquals("relayed pooled", results[1]);
        assertEquals("relayed on the loop", results[2]);
    }

    @Test
    void theMainThreadIsRecognisedByItsStackNotItsName() throws Exception {
        String out = runMain(RenamedMainMain.class);
        assertTrue(out.contains("renamed main: relayed from app-main"), out);
        assertTrue(out.contains("worker named main: The coroutine " + RenamedMainMain.class.getName() + ".relay was"
                + " called on thread 'main', a thread other than the main thread, which has no IOLoop of its own"), out);
    }

    private static String runMain(Class<?> main) throws Exception {
        List<String> cmd = List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-javaagent:" + agentJar(), "-cp", System.getProperty("java.class.path"), main.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(50, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static String agentJar() {
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:")) {
                return arg.substring("-javaagent:".length());
            }
        }
        throw new IllegalStateException("this test runs with -javaagent (see tests/pom.xml)");
    }
}
