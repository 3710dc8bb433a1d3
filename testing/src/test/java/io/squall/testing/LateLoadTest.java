package io.squall.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A coroutine test class loaded before the agent (the first class of a Maven Surefire fork) is reported
 * loudly when the JUnit session opens, with the fix, instead of being skipped. Runs a child JVM without
 * {@code -javaagent}.
 */
class LateLoadTest {

    private static String run(String className) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Djdk.attach.allowAttachSelf=true", "-cp", System.getProperty("java.class.path"),
                LateLoadMain.class.getName(), className).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void coroutineTestClassLoadedFirstIsReportedWithTheFix() throws Exception {
        String out = run("io.squall.testing.fixtures.StuckFixture");
        assertTrue(out.contains("SESSION-REFUSED: squall-testing: the coroutine test(s)"
                + " [io.squall.testing.fixtures.StuckFixture.stuck] were loaded before the Squall agent was installed"),
                out);
        assertTrue(out.contains("-javaagent:${io.squall:squall-agent:jar}"), out);
    }

    @Test
    void aPlainClassLoadedFirstIsFine() throws Exception {
        String out = run("io.squall.testing.Ports");
        assertTrue(out.contains("SESSION-OPENED"), out);
    }
}
