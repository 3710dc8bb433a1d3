package io.squall.tests.traces;

import io.squall.tests.SourceLines;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.squall.CoroutineDump;
import io.squall.CoroutinesMXBean;
import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.annotations.Coroutine;
import io.squall.internal.ManagementRegistration;
import io.squall.net.IOStream;
import io.squall.sync.Event;
import io.squall.sync.Lock;
import io.squall.sync.Queue;
import io.squall.sync.Releaser;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Issue 11 part 2: the coroutine dump lists every suspended coroutine with its await site, what it awaits
 * (each awaitable's own description), how long, and the coroutines awaiting it; the same through the MXBean;
 * and the JFR suspend/resume events.
 */
@Timeout(120)
class CoroutineDumpTest {

    static final String FILE = "CoroutineDumpTest.java";

    static final class Causes {
        @Coroutine
        static Future<Void> sleeper() {
            await(Gen.sleep(Duration.ofHours(1))); // D-SLEEP
            return Future.of(null);
        }

        @Coroutine
        static Future<Void> eventWaiter(Event e) {
            await(e.waitFor()); // D-EVENT
            return Future.of(null);
        }

        @Coroutine
        static Future<Void> locker(Lock lock) {
            Releaser r = await(lock.acquire()); // D-LOCK
            r.close();
            return Future.of(null);
        }

        @Coroutine
        static Future<String> getter(Queue<String> q) {
            return Future.of(await(q.get())); // D-QUEUE
        }

        @Coroutine
        static Future<String> stage(CompletableFuture<String> cf) {
            return Future.of(await(cf)); // D-CF
        }

        @Coroutine
        static Future<String> executor(IOLoop loop, ExecutorService pool, CountDownLatch release) {
            return Future.of(await(loop.runInExecutor(pool, () -> { release.await(); return "done"; }))); // D-EXEC
        }

        @Coroutine
        static Future<String> outer(Future<String> gate) {
            return Future.of(await(inner(gate))); // D-OUTER
        }

        @Coroutine
        static Future<String> inner(Future<String> gate) {
            return Future.of(await(gate)); // D-INNER
        }

        @Coroutine
        static Future<Void> shortSleeper() {
            await(Gen.sleep(Duration.ofMillis(10))); // D-SHORT
            return Future.of(null);
        }

        @Coroutine
        static Future<byte[]> reader(IOStream stream) {
            return Future.of(await(stream.readBytes(4))); // D-STREAM
        }
    }

    static int line(String marker) {
        return SourceLines.lineOf("traces", FILE, marker);
    }

    @Test
    void tenThousandCoroutinesOnMixedCausesAreEachListedWithTheirSiteAndCause() throws Exception {
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        CountDownLatch release = new CountDownLatch(1);
        List<SocketChannel> sockets = new ArrayList<>();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Event event = new Event();
            Lock lock = new Lock();
            Releaser held = lock.acquire().result();
            Queue<String> queue = new Queue<>();
            CompletableFuture<String> cf = new CompletableFuture<>();
            Map<String, Integer> expected = new HashMap<>();
            int n = 0;
            for (int i = 0; i < 1500; i++) {
                Causes.sleeper();
                Causes.eventWaiter(event);
                Causes.locker(lock);
                Causes.getter(queue);
                Causes.stage(cf);
                Causes.executor(loop, pool, release);
                n += 6;
            }
            for (String m : List.of("D-SLEEP", "D-EVENT", "D-LOCK", "D-QUEUE", "D-CF", "D-EXEC")) {
                expected.put(m, 1500);
            }
            for (int i = 0; i < 495; i++) {
                Causes.outer(new Future<String>().describeAs("gate " + i));
                n += 2;
            }
            expected.put("D-OUTER", 495);
            expected.put("D-INNER", 495);
            for (int i = 0; i < 10; i++) {
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                sockets.add(client);
                sockets.add(server.accept());
                Causes.reader(new IOStream(client, loop, 1024));
                n++;
            }
            expected.put("D-STREAM", 10);
            assertEquals(10_000, n);

            CoroutineDump dump = loop.dumpCoroutines();
            List<CoroutineDump.Entry> entries = dump.coroutines();
            assertEquals(10_000, entries.size());
            Map<Integer, String> markerAt = new HashMap<>();
            expected.keySet().forEach(m -> markerAt.put(line(m), m));
            Map<String, Integer> seen = new HashMap<>();
            for (CoroutineDump.Entry e : entries) {
                StackTraceElement site = e.site();
                assertNotNull(site, e.toString());
                assertEquals(Causes.class.getName(), site.getClassName());
                assertEquals(FILE, site.getFileName());
                String marker = markerAt.get(site.getLineNumber());
                assertNotNull(marker, "unexpected site " + site);
                seen.merge(marker, 1, Integer::sum);
                assertTrue(!e.waited().isNegative(), e.toString());
                String a = e.awaiting();
                switch (marker) {
                    case "D-SLEEP":
                        assertEquals("sleeper", site.getMethodName());
                        assertTrue(a.startsWith("Future(pending): Gen.sleep(PT1H) timer, due in "), a);
                        break;
                    case "D-EVENT":
                        assertTrue(a.startsWith("Waiter(pending): Event.waitFor() on Event[clear,waiters:1500]"), a);
                        break;
                    case "D-LOCK":
                        assertTrue(a.startsWith("PermitWaiter(pending): Lock.acquire() on Lock[locked,waiters:1500]"), a);
                        break;
                    case "D-QUEUE":
                        assertTrue(a.startsWith("Waiter(pending): Queue.get() on Queue"), a);
                        break;
                    case "D-CF":
                        // CompletableFuture's own toString, e.g. "...@1b2c3d[Not completed, 1500 dependents]"
                        assertTrue(a.startsWith("Future(pending): java.util.concurrent.CompletableFuture@")
                                && a.contains("[Not completed"), a);
                        break;
                    case "D-EXEC":
                        assertTrue(a.startsWith("Future(pending): runInExecutor(") && a.contains(" on java.util.concurrent"), a);
                        break;
                    case "D-OUTER":
                        assertTrue(a.startsWith("Future(pending) of a coroutine " + Causes.class.getName()
                                + ".inner, suspended at " + FILE + ":" + line("D-INNER")), a);
                        assertEquals(List.of(), e.awaitedBy());
                        break;
                    case "D-INNER":
                        assertTrue(a.startsWith("Future(pending): gate "), a);
                        assertEquals(List.of(new StackTraceElement(Causes.class.getName(), "outer", FILE, line("D-OUTER"))),
                                e.awaitedBy());
                        break;
                    case "D-STREAM":
                        assertTrue(a.matches("Future\\(pending\\): IOStream\\(/127\\.0\\.0\\.1:\\d+\\)\\.readBytes\\(4\\)"), a);
                        break;
                    default:
                        throw new AssertionError(marker);
                }
            }
            assertEquals(expected, seen);
            String text = dump.toString();
            assertTrue(text.startsWith("Squall coroutine dump "), text.substring(0, 200));
            assertTrue(text.contains(": 10000 suspended coroutines on 1 loop\n"), text.substring(0, 200));
            assertTrue(text.contains("\n  " + Causes.class.getName() + ".inner(" + FILE + ":" + line("D-INNER")
                    + ") waiting "), "entries formatted as frames");
            assertTrue(text.contains("\n      awaited by " + Causes.class.getName() + ".outer(" + FILE + ":"
                    + line("D-OUTER") + ")\n"), "chains shown");

            // From another thread while the loop runs: the JVM-wide dump and the MXBean ask the loop.
            assertTrue(ManagementRegistration.register());
            AtomicReference<CoroutineDump> all = new AtomicReference<>();
            AtomicReference<String> viaBean = new AtomicReference<>();
            loop.runSync(() -> loop.runInExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "dumper");
                t.setDaemon(true);
                return t;
            }), () -> {
                all.set(CoroutineDump.all());
                MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
                viaBean.set((String) mbs.invoke(new ObjectName(CoroutinesMXBean.OBJECT_NAME), "dump", null, null));
                return null;
            }), Duration.ofSeconds(60));
            List<CoroutineDump.Entry> ours = all.get().byLoop().entrySet().stream()
                    .filter(e -> e.getKey().endsWith("@" + Integer.toHexString(System.identityHashCode(loop))))
                    .flatMap(e -> e.getValue().stream()).toList();
            assertTrue(ours.size() >= 10_000, "the JVM-wide dump holds this loop's coroutines: " + ours.size());
            assertTrue(viaBean.get().contains(Causes.class.getName() + ".sleeper(" + FILE + ":" + line("D-SLEEP")
                    + ") waiting "), viaBean.get().substring(0, 300));

            held.close();
            event.set();
            release.countDown();
            cf.complete("x");
        } finally {
            pool.shutdownNow();
            loop.close();
            for (SocketChannel s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void aDumpOfABlockedLoopShowsItsTimersOverdue() throws Exception {
        AtomicReference<IOLoop> loopRef = new AtomicReference<>();
        CountDownLatch suspended = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            IOLoop loop = IOLoop.current();
            loopRef.set(loop);
            loop.addCallback(() -> {
                Causes.shortSleeper();
                suspended.countDown();
                try {
                    release.await(); // the mistake: a callback that blocks its loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                loop.stop();
            });
            loop.start();
            loop.close();
        }, "dump-blocked-loop");
        t.start();
        String dump;
        try {
            assertTrue(suspended.await(30, java.util.concurrent.TimeUnit.SECONDS));
            Thread.sleep(100);
            dump = CoroutineDump.of(loopRef.get()).toString();
        } finally {
            release.countDown();
            t.join(30_000);
        }
        assertTrue(dump.contains(Causes.class.getName() + ".shortSleeper(" + FILE + ":" + line("D-SHORT")
                + ") waiting "), dump);
        // Its 10 ms are long past: the timer is overdue, not merely "due", which says the loop is not running it.
        assertTrue(dump.contains(" for Future(pending): Gen.sleep(PT0.01S) timer, overdue by "), dump);
    }

    @Test
    void aTimeoutSaysWhatTheCoroutineItGaveUpOnWasWaitingFor() {
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        try {
            java.util.concurrent.TimeoutException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.TimeoutException.class,
                    () -> loop.runSync(() -> Gen.withTimeout(Duration.ofMillis(20), Causes.sleeper())));
            // As the dump describes it, not a bare "Future(pending)".
            assertEquals("Gen.withTimeout: Future(pending) of a coroutine " + Causes.class.getName() + ".sleeper,"
                    + " suspended at " + FILE + ":" + line("D-SLEEP") + " not done after PT0.02S", e.getMessage());
        } finally {
            loop.close();
        }
    }

    @Test
    void aResumedCoroutineLeavesTheDump() {
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        try {
            Future<String> gate = new Future<>();
            Future<String> f = Causes.outer(gate);
            assertEquals(2, loop.dumpCoroutines().coroutines().size());
            loop.addCallback(() -> gate.setResult("ok"));
            assertEquals("ok", loop.runSync(() -> f));
            assertEquals(List.of(), loop.dumpCoroutines().coroutines());
            assertEquals(0, loop.suspendedCoroutines().size());
        } finally {
            loop.close();
        }
    }

    private static void hops(IOLoop loop, int n) {
        for (int i = 0; i < n; i++) {
            Future<String> gate = new Future<>();
            Future<String> f = Causes.inner(gate);
            loop.addCallback(() -> gate.setResult("ok"));
            loop.runSync(() -> f);
        }
    }

    @Test
    void jfrEventsRecordSuspensionsAndResumptionsOnlyWhenEnabled(@TempDir Path dir) throws Exception {
        IOLoop loop = new IOLoop();
        loop.makeCurrent();
        Path file = dir.resolve("coroutines.jfr");
        try (Recording on = new Recording()) {
            on.enable("io.squall.Suspend");
            on.enable("io.squall.Resume");
            on.start();
            hops(loop, 3);
            on.stop();
            on.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            List<RecordedEvent> suspends = events.stream()
                    .filter(e -> e.getEventType().getName().equals("io.squall.Suspend")).toList();
            List<RecordedEvent> resumes = events.stream()
                    .filter(e -> e.getEventType().getName().equals("io.squall.Resume")).toList();
            assertEquals(3, suspends.size(), events.toString());
            assertEquals(3, resumes.size(), events.toString());
            for (RecordedEvent e : suspends) {
                assertEquals(Causes.class.getName() + ".inner", e.getString("coroutine"));
                assertEquals(FILE + ":" + line("D-INNER"), e.getString("site"));
                assertEquals("Future(pending)", e.getString("awaiting"));
            }
            for (RecordedEvent e : resumes) {
                assertEquals(FILE + ":" + line("D-INNER"), e.getString("site"));
                assertFalse(e.getDuration("waited").isNegative());
            }
        }
        // A recording that does not enable them records none.
        Path offFile = dir.resolve("off.jfr");
        try (Recording off = new Recording()) {
            off.start();
            hops(loop, 3);
            off.stop();
            off.dump(offFile);
            assertTrue(RecordingFile.readAllEvents(offFile).stream()
                    .noneMatch(e -> e.getEventType().getName().startsWith("io.squall.")));
        } finally {
            loop.close();
        }
    }
}
