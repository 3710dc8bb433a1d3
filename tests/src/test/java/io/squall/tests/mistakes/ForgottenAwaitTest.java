package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.tests.SourceLines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A forgotten {@code await} on a call whose only effect is its Future ({@code Gen.sleep(d);} as a statement) is
 * reported when the class loads, with the line and the fix; an awaited one is not.
 */
@Timeout(60)
class ForgottenAwaitTest {

    @Test
    void aDroppedSleepIsReportedAtClassLoadWithItsLine() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            // a fresh loader: the agent sees this definition whatever another test loaded before
            byte[] bytes;
            try (java.io.InputStream in = getClass().getResourceAsStream("ForgetsAwait.class")) {
                bytes = in.readAllBytes();
            }
            new ClassLoader(getClass().getClassLoader()) {
                Class<?> define() {
                    return defineClass("io.squall.tests.mistakes.ForgetsAwait", bytes, 0, bytes.length);
                }
            }.define();
        } finally {
            System.setErr(saved);
        }
        String warnings = log.toString(StandardCharsets.UTF_8);
        int dropped = SourceLines.lineOf("mistakes", "ForgetsAwait.java", "DROPPED");
        assertTrue(warnings.contains("[squall-agent] WARNING the Future of Gen.sleep(...) in "
                + ForgetsAwait.class.getName() + ".pause (ForgetsAwait.java:" + dropped + ") is dropped: nothing"
                + " waits for it, so the code after it runs at once. Write await(Gen.sleep(...)) in a @Coroutine"
                + " method, or keep the Future and add a callback to it."), warnings);
        assertEquals(1, warnings.split("is dropped", -1).length - 1, "only the dropped call: " + warnings);
        int awaited = SourceLines.lineOf("mistakes", "ForgetsAwait.java", "AWAITED");
        assertFalse(warnings.contains("ForgetsAwait.java:" + awaited), warnings);
    }
}
