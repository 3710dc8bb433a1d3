package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.tests.RecordingHandler;

/** Issue 13 item 4: unretrieved failures are reported at loop close and at JVM exit, once, with their origin. */
@Timeout(120)
class LostFailuresTest {

    @Test
    void reportedOnceWhenTheLoopCloses() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(h);
        List<Future<String>> keep = new ArrayList<>();
        try {
            Thread t = new Thread(() -> {
                IOLoop loop = IOLoop.current();
                Future<String> dropped = new Future<>();
                loop.addCallback(() -> dropped.setException(new IllegalStateException("dropped on the loop")));
                Future<String> retrieved = new Future<>();
                loop.addCallback(() -> retrieved.setException(new IllegalStateException("looked at")));
                loop.addCallback(loop::stop);
                loop.start();
                retrieved.exception();
                keep.add(dropped);
                loop.close();
                loop.close();
            });
            t.start();
            t.join(30_000);
        } finally {
            squall.removeHandler(h);
        }
        List<String> logged;
        synchronized (records) {
            logged = records.stream().map(LogRecord::getMessage).toList();
        }
        long lost = logged.stream().filter(m -> m.startsWith("Future exception was never retrieved")).count();
        assertEquals(1, lost, logged.toString());
        assertTrue(logged.stream().anyMatch(m -> m.contains("dropped on the loop")), logged.toString());
        assertTrue(logged.stream().noneMatch(m -> m.contains("looked at")), logged.toString());
        assertEquals(1, keep.size());
    }

    @Test
    void reportedAtJvmExitWithWhereTheFutureWasCreated() throws Exception {
        List<String> cmd = List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Dio.squall.debug.futureOrigins=true", "-cp", System.getProperty("java.class.path"),
                LostFailureMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        assertTrue(out.contains("[squall] at exit: Future exception was never retrieved:"
                + " java.lang.IllegalStateException: lost at exit; the Future was created at "
                + LostFailureMain.class.getName() + ".fetchSomething(LostFailureMain.java:21)"), out);
        assertEquals(out.indexOf("never retrieved"), out.lastIndexOf("never retrieved"), out);
    }

    @Test
    void aDroppedCoroutineIsTracedToItsCallerNotToItsOwnEntryFrame() throws Exception {
        String agent = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-javaagent:")).findFirst()
                .orElseThrow(() -> new AssertionError("the tests run with -javaagent"));
        List<String> cmd = List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                agent, "-Dio.squall.slowStepMillis=0", "-Dio.squall.debug.futureOrigins=true", "-cp",
                System.getProperty("java.class.path"), LostFailureMain.class.getName(), "coroutine");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        // The coroutine's entry (the same method without a line) is not one of the three frames shown.
        String main = LostFailureMain.class.getName();
        assertTrue(out.contains("[squall] at exit: Future exception was never retrieved:"
                + " java.lang.IllegalStateException: lost coroutine; the Future was created at "
                + main + ".fetchLater(LostFailureMain.java:28) <- " + main + ".dropIt(LostFailureMain.java:36) <- "), out);
        assertEquals(out.indexOf("never retrieved"), out.lastIndexOf("never retrieved"), out);
    }
}
