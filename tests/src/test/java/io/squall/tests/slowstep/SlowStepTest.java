package io.squall.tests.slowstep;

import io.squall.tests.RecordingHandler;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.Future;
import io.squall.Gen;
import io.squall.IOLoop;
import io.squall.SlowStepDetector;
import io.squall.annotations.Coroutine;
import io.squall.bench.seed.BlockingHandler;
import io.squall.bench.seed.SeedClient;
import io.squall.bench.seed.SeedServers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The slow-step detector with the real agent: a coroutine step between two awaits that sleeps is reported
 * with the coroutine's name; the seed's blocking {@code MainHandler} ({@link BlockingHandler}) is reported
 * pointing at its blocking socket read.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowStepTest {
    /** Held strongly: java.util.logging keeps loggers weakly. */
    private static final Logger LOGGER = Logger.getLogger(SlowStepDetector.LOGGER);
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new RecordingHandler(records);

    @BeforeEach
    void capture() {
        LOGGER.addHandler(capture);
        // Below the default so that a watchdog kept waiting for a core on a loaded machine still sees 300 ms.
        SlowStepDetector.setThreshold(Duration.ofMillis(50));
    }

    @AfterEach
    void release() {
        SlowStepDetector.setThreshold(SlowStepDetector.DEFAULT_THRESHOLD);
        LOGGER.removeHandler(capture);
    }

    private List<String> warningsContaining(String text) {
        return warningsContaining(text, 0);
    }

    private List<String> warningsContaining(String text, int from) {
        synchronized (records) {
            return records.subList(from, records.size()).stream().map(LogRecord::getMessage).filter(m -> m.contains(text)).collect(Collectors.toList());
        }
    }

    /** Awaits a loop iteration, then blocks the loop for 300 ms in the step after that await. */
    @Coroutine
    static Future<String> sleepAfterAMoment() {
        await(Gen.moment());
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Future.of("woke");
    }

    @Test
    void aCoroutineStepIsReportedWithTheCoroutineAndItsSleep() throws Exception {
        String[] result = new String[1];
        Thread t = new Thread(() -> {
            IOLoop loop = IOLoop.current();
            try {
                loop.runSync(SlowStepTest::sleepAfterAMoment, Duration.ofSeconds(30));
                result[0] = loop.runSync(SlowStepTest::sleepAfterAMoment, Duration.ofSeconds(30));
            } finally {
                loop.close();
            }
        }, "slow-step-coroutine");
        t.start();
        t.join(60_000);
        assertEquals("woke", result[0]);
        List<String> w = warningsContaining("IOLoop(slow-step-coroutine");
        assertEquals(2, w.size(), String.join("\n\n", w));
        String m = w.get(1);
        String me = SlowStepTest.class.getName();
        assertTrue(m.contains("running one callback for "), m);
        assertTrue(m.contains("\n    in: " + me + ".sleepAfterAMoment(SlowStepTest.java:"), m);
        assertTrue(m.contains("\n    coroutine: " + me + ".sleepAfterAMoment, resumed from one of its awaits"), m);
        assertTrue(m.contains("\n    blocked in: java.base/java.lang.Thread.sleep("), m); // native on 17, not on 25
        assertTrue(m.contains("), called from " + me + ".sleepAfterAMoment(SlowStepTest.java:"), m);
        assertTrue(m.contains("\n        at io.squall.internal.Continuation.run("), m);
        assertFalse(m.contains("\n    class loading:"), m); // a plain sleep, once the classes are loaded
        synchronized (records) {
            assertEquals(java.util.logging.Level.WARNING, records.stream().filter(r -> r.getMessage().equals(m))
                    .findFirst().orElseThrow().getLevel());
        }
        // Once the step is over, one INFO line says how long it ran in all (the warning came at the threshold).
        String ended = awaitRecord("Slow step ended: the callback reported on thread 'slow-step-coroutine' after ");
        java.util.regex.Matcher times = java.util.regex.Pattern.compile("after (\\d+) ms ran for about (\\d+) ms in all"
                + " \\(in " + java.util.regex.Pattern.quote(me + ".sleepAfterAMoment(SlowStepTest.java:") + "\\d+\\)\\);"
                + " its loop ran nothing else meanwhile\\.").matcher(ended);
        assertTrue(times.find(), ended);
        assertTrue(Long.parseLong(times.group(2)) >= Long.parseLong(times.group(1)), ended);
    }

    /** Waits (up to 30 s: the watchdog sees a step end at its next look) for a record starting with {@code start}. */
    private String awaitRecord(String start) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            synchronized (records) {
                for (LogRecord r : records) {
                    if (r.getMessage().startsWith(start)) {
                        assertEquals(java.util.logging.Level.INFO, r.getLevel(), r.getMessage());
                        return r.getMessage();
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no record starting with " + start + " in " + records);
    }

    /** Blocks the loop for 300 ms in its first run, before any await. */
    @Coroutine
    static Future<String> sleepBeforeAnyAwait() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        await(Gen.moment());
        return Future.of("slept");
    }

    @Test
    void aCoroutinesFirstRunIsNamedAtItsLineNotAtItsEntry() throws Exception {
        String[] result = new String[1];
        Thread t = new Thread(() -> {
            IOLoop loop = IOLoop.current();
            try {
                loop.runSync(SlowStepTest::sleepBeforeAnyAwait, Duration.ofSeconds(30));
                result[0] = loop.runSync(SlowStepTest::sleepBeforeAnyAwait, Duration.ofSeconds(30));
            } finally {
                loop.close();
            }
        }, "slow-step-first-run");
        t.start();
        t.join(60_000);
        assertEquals("slept", result[0]);
        String me = SlowStepTest.class.getName();
        List<String> w = warningsContaining("IOLoop(slow-step-first-run");
        assertEquals(2, w.size(), String.join("\n\n", w));
        // The entry (a frame without a line) sits under the body: "in:" names the body, with its line.
        String m = w.get(1);
        assertTrue(m.contains("\n    in: " + me + ".sleepBeforeAnyAwait(SlowStepTest.java:"), m);
        assertTrue(m.contains("), called from " + me + ".sleepBeforeAnyAwait(SlowStepTest.java:"), m);
    }

    /** A class whose static initialiser is slow: the first use blocks the loop while the JVM initialises it. */
    static final class SlowToInitialise {
        static final String VALUE;

        static {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            VALUE = "initialised";
        }
    }

    /** Awaits a loop iteration, then first touches {@link SlowToInitialise}. */
    @Coroutine
    static Future<String> initialiseAfterAMoment() {
        await(Gen.moment());
        return Future.of(SlowToInitialise.VALUE);
    }

    @Test
    void aStepThatInitialisesAClassSaysItIsClassLoadingNotTheCallersBlockingCall() throws Exception {
        String[] result = new String[1];
        Thread t = new Thread(() -> {
            IOLoop loop = IOLoop.current();
            try {
                loop.runSync(() -> Future.of(null), Duration.ofSeconds(30)); // the loop's own classes, loaded
                result[0] = loop.runSync(SlowStepTest::initialiseAfterAMoment, Duration.ofSeconds(30));
            } finally {
                loop.close();
            }
        }, "slow-step-clinit");
        t.start();
        t.join(60_000);
        assertEquals("initialised", result[0]);
        String me = SlowStepTest.class.getName();
        // (the first step may be reported too on a loaded machine, loading this class's coroutine: not this one)
        List<String> w = warningsContaining("$SlowToInitialise.<clinit>(");
        assertEquals(1, w.size(), String.join("\n\n", w));
        String m = w.get(0);
        assertTrue(m.contains("\n    in: " + me + ".initialiseAfterAMoment(SlowStepTest.java:"), m);
        assertTrue(m.contains("\n    class loading: the loop thread is loading or initialising a class, at "
                + me + "$SlowToInitialise.<clinit>(SlowStepTest.java:"), m);
        assertTrue(m.contains(", called from " + me + ".initialiseAfterAMoment(SlowStepTest.java:"), m);
        assertTrue(m.contains("Usually the one-off cost of a cold start"), m);
    }

    /** A class {@link SlowLoader} defines a second time. */
    static final class Loaded {
    }

    /**
     * Defines {@link Loaded} again, taking 300 ms over it: the loop thread loading a class, as on a cold start
     * when the JVM reads classes and the agent rewrites them.
     */
    static final class SlowLoader extends ClassLoader {
        SlowLoader() {
            super(SlowStepTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Loaded.class.getName())) {
                return super.loadClass(name, resolve);
            }
            try (java.io.InputStream in = SlowStepTest.class.getResourceAsStream("SlowStepTest$Loaded.class")) {
                byte[] bytes = in.readAllBytes();
                Thread.sleep(300);
                return defineClass(name, bytes, 0, bytes.length);
            } catch (java.io.IOException | InterruptedException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    @Test
    void aStepThatIsOnlyClassLoadingIsReportedAtInfoNotAsAWarning() throws Exception {
        String[] result = new String[1];
        Thread t = new Thread(() -> {
            IOLoop loop = IOLoop.current();
            try {
                loop.runSync(() -> Future.of(null), Duration.ofSeconds(30)); // the loop's own classes, loaded
                result[0] = loop.runSync(() -> {
                    try {
                        Class<?> c = new SlowLoader().loadClass(Loaded.class.getName());
                        return Future.of(c.getClassLoader().getClass().getSimpleName());
                    } catch (ClassNotFoundException e) {
                        return Future.failed(e);
                    }
                }, Duration.ofSeconds(30));
            } finally {
                loop.close();
            }
        }, "slow-step-class-loading");
        t.start();
        t.join(60_000);
        assertEquals("SlowLoader", result[0]);
        List<LogRecord> reports;
        synchronized (records) {
            reports = records.stream().filter(r -> r.getMessage().contains("$SlowLoader.loadClass("))
                    .filter(r -> r.getMessage().startsWith("Slow step: ")).collect(Collectors.toList());
        }
        assertEquals(1, reports.size(), reports.stream().map(LogRecord::getMessage).collect(Collectors.joining("\n\n")));
        LogRecord r = reports.get(0);
        assertEquals(java.util.logging.Level.INFO, r.getLevel(), r.getMessage());
        assertTrue(r.getMessage().contains("\n    class loading: the loop thread is loading or initialising a class, at "
                + "java.base/java.lang.ClassLoader.loadClass("), r.getMessage());
    }

    @Test
    void theSeedsBlockingHandlerIsReportedAtItsBlockingSocketRead() throws Exception {
        SeedServers.Config config = new SeedServers.Config();
        config.delay = Duration.ofMillis(400);
        config.asyncPort = -1;
        config.rawPort = -1;
        int from;
        try (SeedServers servers = SeedServers.start(config)) {
            get(servers); // the first request loads and rewrites classes: a slow step of its own
            Thread.sleep(300); // its task may go on (and be reported) after its response was sent
            synchronized (records) {
                from = records.size();
            }
            get(servers);
        }
        List<String> w = warningsContaining("\n    in: " + BlockingHandler.class.getName() + ".get(", from);
        assertEquals(1, w.size(), String.join("\n\n", w));
        String m = w.get(0);
        assertTrue(m.contains("running one I/O handler for "), m);
        assertTrue(m.contains("\n    blocked in: java.base/java.net.Socket$SocketInputStream.read(Socket.java:"), m);
        assertTrue(m.contains(", called from " + SeedClient.class.getName() + ".readLine(SeedClient.java:"), m);
        assertTrue(m.contains("\n        at java.base/java.net.Socket$SocketInputStream.read("), m);
        assertTrue(m.contains("\n        at " + SeedClient.class.getName() + ".readLine("), m);
        System.out.println("The seed's blocking handler, as the detector reports it:\n" + m);
    }

    private static void get(SeedServers servers) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket(SeedServers.HOST, servers.blockingPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200 ") && response.endsWith(SeedClient.MESSAGE), response);
        }
    }
}
