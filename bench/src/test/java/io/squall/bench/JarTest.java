package io.squall.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real {@code squall-bench.jar}, started without {@code -javaagent}: it installs the agent itself, and
 * its JMH forks get the agent too. Runs after the jar is built (the bench's tests run in the package phase).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JarTest {
    private static String jar() {
        String jar = System.getProperty("squall.bench.jar", "target/squall-bench.jar");
        assumeTrue(Files.isRegularFile(Paths.get(jar)), "the bench jar is built in the package phase: " + jar);
        return jar;
    }

    @Test
    void installsTheAgentItselfAndRunsCoroutines() throws Exception {
        CommandOutput r = CommandOutput.runJar(jar(), Duration.ofMinutes(2), "memory", "--count", "2000",
                "--systems", "squall");
        assertEquals(0, r.status, r.toString());
        r.find("^(squall) +-?[0-9.]+ B +-?[0-9.]+ B");
    }

    @Test
    void jmhForksGetTheAgent() throws Exception {
        CommandOutput r = CommandOutput.runJar(jar(), Duration.ofMinutes(3), "jmh", "-f", "1", "-wi", "0", "-i", "1",
                "-r", "200ms", "squall_done");
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.contains("AwaitBench.squall_done"), r.toString());
        assertTrue(!r.out.contains("<failure>") && !r.out.contains("Exception"), r.toString());
    }
}
