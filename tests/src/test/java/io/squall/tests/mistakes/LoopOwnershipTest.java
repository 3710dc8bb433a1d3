package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 13 item 1 (part): work scheduled on a loop that is never started is warned about, once. */
@Timeout(120)
class LoopOwnershipTest {

    @Test
    void gensleepOnAWorkerThreadWarnsThatItsLoopNeverRuns() throws Exception {
        List<String> cmd = List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-Dio.squall.debug.loopStartWarningMillis=300", "-cp", System.getProperty("java.class.path"),
                WorkerSleepMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        assertTrue(out.contains("Work was scheduled on an IOLoop 300 ms ago"), out);
        assertTrue(out.contains("from thread my-worker) but that loop has never been started"), out);
        assertTrue(out.contains("loop.addCallback(...) (the one method that is safe from any thread)"), out);
        assertEquals(out.indexOf("never been started"), out.lastIndexOf("never been started"), out);
        assertTrue(out.contains("sleep done? false"), out);
    }
}
