package io.squall.slowstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.SlowStepDetector;
import io.squall.http.Application;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;
import io.squall.testing.LogCapture;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The slow-step detector on a real HTTP server on 127.0.0.1, its loop on a thread of its own: a handler that
 * sleeps 300 ms is reported once, by name, with {@code Thread.sleep} in the sampled stack; fast handlers are
 * not; {@link SlowStepDetector#disable()} silences it. Records are told apart by the loop thread's name, so
 * slow steps of other tests' loops do not count.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowStepDetectorTest {
    private static final AtomicInteger SERVERS = new AtomicInteger();
    private static final Duration TEST_THRESHOLD = Duration.ofMillis(50);

    private LogCapture logs;
    private ServerThread server;
    /** Warnings about this test's loop before the test began (a cold first request may be one). */
    private int baseline;

    /** Sleeps 300 ms in {@code get}: blocks its loop. */
    public static final class SleepyHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            write("slept");
            return null;
        }
    }

    /** Answers at once. */
    public static final class FastHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("fast");
            return null;
        }
    }

    /** An HTTP server whose loop runs on a thread named {@code slow-step-test-N}. */
    static final class ServerThread implements AutoCloseable {
        final String name = "slow-step-test-" + SERVERS.incrementAndGet();
        final CountDownLatch ready = new CountDownLatch(1);
        volatile IOLoop loop;
        volatile int port;
        final Thread thread;

        ServerThread() throws InterruptedException {
            thread = new Thread(() -> {
                loop = IOLoop.current();
                HTTPServer http = new HTTPServer(new Application()
                        .addHandler("/sleep", SleepyHandler::new)
                        .addHandler("/fast", FastHandler::new));
                http.listen(0, "127.0.0.1");
                port = http.port();
                loop.addCallback(ready::countDown);
                loop.start();
                http.stop();
                http.closeAllConnections();
            }, name);
            thread.start();
            assertTrue(ready.await(30, TimeUnit.SECONDS), "the server did not start");
        }

        String get(String path) throws IOException {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                return response.substring(response.indexOf("\r\n\r\n") + 4);
            }
        }

        @Override
        public void close() throws InterruptedException {
            loop.stop();
            thread.join(30_000);
            loop.close();
        }
    }

    @BeforeEach
    void setUp() throws InterruptedException {
        logs = LogCapture.start();
        server = new ServerThread();
        assertEquals("fast", assertDoesNotThrowGet("/fast")); // warm: the first request loads classes
        // The warm-up's task may go on after its response was sent (and be reported then): wait until the
        // loop has run a later callback, and a little more for a report being written, before counting.
        CountDownLatch idle = new CountDownLatch(1);
        server.loop.addCallback(idle::countDown);
        assertTrue(idle.await(30, TimeUnit.SECONDS));
        Thread.sleep(200);
        baseline = allWarnings().size();
        // Below the default so that a watchdog kept waiting for a core on a loaded machine still sees 300 ms.
        SlowStepDetector.setThreshold(TEST_THRESHOLD);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        SlowStepDetector.setThreshold(SlowStepDetector.DEFAULT_THRESHOLD);
        server.close();
        logs.close();
    }

    private String assertDoesNotThrowGet(String path) {
        try {
            return server.get(path);
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    /** The slow-step warnings about this test's loop so far. */
    private List<LogRecord> warnings() {
        List<LogRecord> all = allWarnings();
        return all.subList(baseline, all.size());
    }

    private List<LogRecord> allWarnings() {
        return logs.records().stream()
                .filter(r -> r.getLoggerName().equals(SlowStepDetector.LOGGER))
                .filter(r -> r.getMessage().contains("IOLoop(" + server.name))
                .collect(Collectors.toList());
    }

    @Test
    void aHandlerThatSleepsIsReportedOnceByNameWithTheSleepInItsStack() {
        assertEquals("slept", assertDoesNotThrowGet("/sleep"));
        List<LogRecord> w = warnings();
        assertEquals(1, w.size(), LogCapture.describe(w));
        LogRecord r = w.get(0);
        String m = r.getMessage();
        assertEquals(Level.WARNING, r.getLevel());
        assertTrue(m.contains("    in: " + SleepyHandler.class.getName() + ".get(SlowStepDetectorTest.java:"), m);
        // Thread.sleep is native on JDK 17 and Java (over sleepNanos0) on JDK 25
        assertTrue(m.matches("(?s).*\n    blocked in: java\\.base/java\\.lang\\.Thread\\.sleep\\((Native Method|Thread\\.java:\\d+)\\),"
                + " called from " + SleepyHandler.class.getName().replace("$", "\\$") + "\\.get\\(SlowStepDetectorTest\\.java:\\d+\\)\n.*"), m);
        assertTrue(m.contains("\n        at java.base/java.lang.Thread.sleep"), m);
        assertTrue(m.contains("\n        at " + SleepyHandler.class.getName() + ".get("), m);
        assertTrue(m.matches("(?s)Slow step: IOLoop\\(slow-step-test-\\d+, running\\) has been running one I/O handler for"
                + " \\d+ ms \\(threshold 50 ms\\).*"), m);
        assertTrue(m.contains("(threshold 50 ms)"), m);
        assertFalse(m.contains("coroutine:"), m);
    }

    @Test
    void fastHandlersAreNotReported() {
        SlowStepDetector.setThreshold(SlowStepDetector.DEFAULT_THRESHOLD);
        for (int i = 0; i < 20; i++) {
            assertEquals("fast", assertDoesNotThrowGet("/fast"));
        }
        assertEquals(List.of(), warnings().stream().map(LogRecord::getMessage).collect(Collectors.toList()));
    }

    @Test
    void aCallbackThatSleepsIsReportedAsACallback() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        server.loop.addCallback(() -> {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.countDown();
        });
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals("fast", assertDoesNotThrowGet("/fast")); // the callback has returned, its report is out
        List<LogRecord> w = warnings();
        assertEquals(1, w.size(), LogCapture.describe(w));
        String m = w.get(0).getMessage();
        assertTrue(m.contains("running one callback for "), m);
        assertTrue(m.contains("    in: " + SlowStepDetectorTest.class.getName() + ".lambda$"), m);
    }

    @Test
    void disableSilencesItAndSetThresholdTurnsItBackOn() {
        SlowStepDetector.disable();
        assertFalse(SlowStepDetector.isEnabled());
        assertEquals(Duration.ZERO, SlowStepDetector.threshold());
        assertEquals("slept", assertDoesNotThrowGet("/sleep"));
        assertEquals(0, warnings().size(), LogCapture.describe(warnings()));

        SlowStepDetector.setThreshold(Duration.ofMillis(150));
        assertEquals(Duration.ofMillis(150), SlowStepDetector.threshold());
        assertEquals("slept", assertDoesNotThrowGet("/sleep"));
        List<LogRecord> w = warnings();
        assertEquals(1, w.size(), LogCapture.describe(w));
        assertTrue(w.get(0).getMessage().contains("(threshold 150 ms)"), w.get(0).getMessage());
    }

    @Test
    void aSlowStepIsAJfrEventWhileARecordingIsOn() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("slow-step", ".jfr");
        try (jdk.jfr.Recording recording = new jdk.jfr.Recording()) {
            recording.enable("io.squall.SlowStep");
            recording.start();
            assertEquals("slept", assertDoesNotThrowGet("/sleep"));
            recording.stop();
            recording.dump(file);
            List<jdk.jfr.consumer.RecordedEvent> events = jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().equals("io.squall.SlowStep"))
                    .filter(e -> e.getThread("loopThread").getJavaName().equals(server.name))
                    .collect(Collectors.toList());
            assertEquals(1, events.size(), events + " / warnings: " + LogCapture.describe(warnings()));
            jdk.jfr.consumer.RecordedEvent e = events.get(0);
            assertTrue(e.getString("callback").startsWith(SleepyHandler.class.getName() + ".get("), e.toString());
            assertTrue(e.getString("stack").contains("java.base/java.lang.Thread.sleep("), e.toString());
            assertTrue(e.getDuration("busy").toMillis() >= 50, e.toString());
            assertEquals(50, e.getDuration("threshold").toMillis());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
        assertEquals(1, warnings().size(), LogCapture.describe(warnings()));
    }

    @Test
    void aThresholdMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> SlowStepDetector.setThreshold(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> SlowStepDetector.setThreshold(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> SlowStepDetector.setThreshold(null));
    }
}
