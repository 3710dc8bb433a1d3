package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.PeriodicCallback;
import io.squall.annotations.Coroutine;

/**
 * Issue 13 item 1: loop ownership. Loop-bound calls made on a worker thread are refused with a message naming both
 * threads and what to do; work scheduled on a loop that is never started is warned about, once; legitimate setups
 * (a loop set up before it starts, a thread that makes its own loop first) keep working.
 */
@Timeout(120)
class LoopOwnershipTest {

    private final IOLoop loop = new IOLoop();
    private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "blocking-pool"));

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
        loop.close();
    }

    /** The mistake: a retry delay taken inside blocking work on a pool thread. */
    @Coroutine
    static Future<String> napOnAWorker(IOLoop loop, ExecutorService pool) {
        Future<Void> nap = await(loop.runInExecutor(pool, () -> Gen.sleep(Duration.ofMillis(20))));
        await(nap);
        return Future.of("woke");
    }

    @Test
    void genSleepInARunInExecutorTaskIsRefusedNamingBothThreads() {
        String me = Thread.currentThread().getName();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> loop.runSync(() -> napOnAWorker(loop, pool), Duration.ofSeconds(10)));
        assertEquals("Gen.sleep() was called on thread 'blocking-pool', a runInExecutor worker of the IOLoop of"
                + " thread '" + me + "', which has no IOLoop of its own: it needs this thread's current loop, and would"
                + " schedule on a new one that nobody runs, and never complete. Loop-bound calls belong on the loop's"
                + " own thread. From a worker thread, hand the work to the loop with loop.addCallback(() -> ...) (safe"
                + " from any thread; take loop = IOLoop.current() on the loop thread), or finish the blocking part"
                + " first (await(loop.runInExecutor(...))) and go on on the loop. If this thread is meant to run a loop"
                + " of its own, create it first with IOLoop.current() and start() it (only the main thread gets a loop"
                + " implicitly).", e.getMessage());
    }

    @Test
    void genSleepOnAnyPoolThreadWhileALoopRunsIsRefused() {
        String me = Thread.currentThread().getName();
        Object outcome = loop.runSync(() -> Future.from(CompletableFuture.supplyAsync(() -> {
            try {
                return Gen.withTimeout(Duration.ofSeconds(1), new Future<String>());
            } catch (IllegalStateException refused) {
                return refused;
            }
        }, pool)), Duration.ofSeconds(10));
        assertTrue(outcome instanceof IllegalStateException, String.valueOf(outcome));
        String m = ((IllegalStateException) outcome).getMessage();
        assertTrue(m.startsWith("Gen.withTimeout() was called on thread 'blocking-pool', a ThreadPoolExecutor worker,"
                + " which has no IOLoop of its own, while the IOLoop of thread '" + me + "' is running: it needs this"
                + " thread's current loop, and would schedule on a new one that nobody runs, and never complete."), m);
    }

    @Test
    void periodicCallbackStartedOnAWorkerIsRefusedAndAddCallbackIsTheFix() {
        AtomicInteger ticks = new AtomicInteger();
        PeriodicCallback pc = new PeriodicCallback(ticks::incrementAndGet, Duration.ofMillis(5));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runSync(() -> loop
                .runInExecutor(pool, () -> {
                    pc.start();
                    return null;
                }), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().startsWith("PeriodicCallback.start() was called on thread 'blocking-pool', a"
                + " runInExecutor worker of the IOLoop of thread '" + Thread.currentThread().getName() + "'"),
                e.getMessage());
        assertTrue(!pc.isRunning());

        // What the message says to do: hand the start to the loop.
        loop.runSync(() -> loop.runInExecutor(pool, () -> {
            loop.addCallback(pc::start);
            return null;
        }), Duration.ofSeconds(10));
        loop.runSync(() -> Gen.sleep(Duration.ofMillis(60)));
        assertTrue(pc.isRunning());
        assertTrue(ticks.get() > 0, "ticks: " + ticks);

        // Stopping it from the pool is refused too, and names the loop it runs on.
        Object refused = loop.runSync(() -> loop.runInExecutor(pool, () -> {
            try {
                pc.stop();
                return "stopped";
            } catch (IllegalStateException stop) {
                return stop.getMessage();
            }
        }), Duration.ofSeconds(10));
        assertTrue(String.valueOf(refused).startsWith("PeriodicCallback.stop() was called on thread 'blocking-pool',"
                + " but PeriodicCallback("), String.valueOf(refused));
        assertTrue(String.valueOf(refused).endsWith("runs on the IOLoop of thread '" + Thread.currentThread().getName()
                + "' and is not thread-safe: call it there, e.g. from another thread with loop.addCallback(callback::stop)"),
                String.valueOf(refused));
        pc.stop();
    }

    @Test
    void aLoopSetUpBeforeItStartsStillWorksOnAnyThread() throws Exception {
        // The loop of this test runs meanwhile; a thread that makes its own loop first may schedule before start().
        AtomicInteger ticks = new AtomicInteger();
        String[] result = new String[1];
        loop.runSync(() -> loop.runInExecutor(pool, () -> {
            Thread t = new Thread(() -> {
                IOLoop own = IOLoop.current();
                PeriodicCallback pc = new PeriodicCallback(ticks::incrementAndGet, Duration.ofMillis(5));
                pc.start();
                Future<Void> nap = Gen.sleep(Duration.ofMillis(40));
                own.runSync(() -> nap);
                pc.stop();
                own.close();
                result[0] = "ok";
            }, "own-loop-thread");
            t.start();
            t.join();
            return null;
        }), Duration.ofSeconds(10));
        assertEquals("ok", result[0]);
        assertTrue(ticks.get() > 0, "ticks: " + ticks);
        // And the test thread itself, setting up its loop before runSync:
        loop.makeCurrent();
        Future<Void> nap = Gen.sleep(Duration.ofMillis(5));
        loop.runSync(() -> nap, Duration.ofSeconds(10));
        assertTrue(nap.isDone());
    }

    @Test
    void gensleepOnAThreadWhoseOwnLoopNeverRunsWarnsThatItsLoopNeverRuns() throws Exception {
        String out = runMain(WorkerSleepMain.class);
        assertTrue(out.contains("Work was scheduled on the IOLoop of thread 'my-worker' 300 ms ago"), out);
        assertTrue(out.contains("from thread my-worker) but that loop has never been started"), out);
        assertTrue(out.contains("loop.addCallback(...), which is safe from any thread"), out);
        assertEquals(out.indexOf("never been started"), out.lastIndexOf("never been started"), out);
        assertTrue(out.contains("sleep done? false"), out);
    }

    @Test
    void aCoroutineStartedOnAThreadWhoseOwnLoopNeverRunsWarnsThatItsLoopNeverRuns() throws Exception {
        String out = runMain(WorkerCoroutineMain.class);
        assertTrue(out.contains("Work was scheduled on the IOLoop of thread 'my-worker' 300 ms ago (first"
                + " Future(pending) of a coroutine, from thread main)"), out);
        assertTrue(out.contains("but that loop has never been started, so it will never run: typically a coroutine"
                + " called on a worker thread, which resumes on that thread's loop"), out);
        assertEquals(out.indexOf("never been started"), out.lastIndexOf("never been started"), out);
        assertTrue(out.contains("coroutine done? false"), out);
    }

    private static String runMain(Class<?> main) throws Exception {
        List<String> cmd = List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-javaagent:" + agentJar(),
                "-Dio.squall.debug.loopStartWarningMillis=300", "-cp", System.getProperty("java.class.path"),
                main.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
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
