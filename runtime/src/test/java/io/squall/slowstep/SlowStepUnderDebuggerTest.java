package io.squall.slowstep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.SlowStepDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A JVM started with a JDWP agent (a debugger may pause the loop thread at a breakpoint) starts with the
 * slow-step detector disabled unless {@code -Dio.squall.slowStepMillis} asks for it; without JDWP it is on.
 * Each case runs in a child JVM, since the decision is made once per JVM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowStepUnderDebuggerTest {
    private static final String JDWP = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0";

    /** Prints whether the detector is enabled and its threshold. */
    public static final class Probe {
        public static void main(String[] args) {
            System.out.println("enabled=" + SlowStepDetector.isEnabled() + " threshold="
                    + SlowStepDetector.threshold().toMillis());
        }
    }

    @Test
    void underJdwpTheDetectorStartsDisabledAndCanBeTurnedOn() throws Exception {
        assertEquals("enabled=false threshold=0", probe(JDWP));
    }

    @Test
    void underJdwpThePropertyStillTurnsItOn() throws Exception {
        assertEquals("enabled=true threshold=250", probe(JDWP, "-Dio.squall.slowStepMillis=250"));
    }

    @Test
    void withoutJdwpItIsOnWithItsDefault() throws Exception {
        assertEquals("enabled=true threshold=" + SlowStepDetector.DEFAULT_THRESHOLD.toMillis(), probe());
    }

    private static String probe(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the probe JVM did not end");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("enabled=")).findFirst().orElse("no probe line in: " + out);
    }
}
