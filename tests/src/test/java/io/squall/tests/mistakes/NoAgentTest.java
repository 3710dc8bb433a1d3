package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.internal.AgentCheck;

/** Issue 13 item 6: a server whose routes hold coroutines warns at start when the agent is missing. */
@Timeout(120)
class NoAgentTest {

    static String runWithoutAgent(Class<?> main) throws Exception {
        List<String> cmd = List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), main.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void serverStartWarnsThatTheAgentIsMissingBeforeAnyRequest() throws Exception {
        String out = runWithoutAgent(NoAgentServerMain.class);
        int warning = out.indexOf("Handler " + NoAgentServerMain.SleepyHandler.class.getName()
                + " (route /sleep) has @Coroutine methods");
        assertTrue(warning >= 0, out);
        assertTrue(out.contains("but the Squall agent is not installed"), out);
        assertTrue(warning < out.indexOf("server started"), "warned at start, before serving: " + out);
        assertTrue(out.contains("status: HTTP/1.1 500"), out);
        assertEquals(out.indexOf("has @Coroutine methods"), out.lastIndexOf("has @Coroutine methods"),
                "warned once: " + out);
    }

    @Test
    void installCalledFromTheCoroutinesOwnClassSaysSoFirst() throws Exception {
        String out = runWithoutAgent(InstallFromCoroutineClassMain.class);
        int first = out.indexOf("SquallAgent.install() was called from "
                + InstallFromCoroutineClassMain.class.getName() + ", which declares the coroutines [answer]");
        assertTrue(first >= 0, out);
        assertTrue(out.contains("await: await() called in " + InstallFromCoroutineClassMain.class.getName()
                + ".answer"), out);
        assertTrue(out.contains("a @Coroutine that was not rewritten: its class was loaded before the Squall agent"
                + " was installed"), out);
        assertFalse(out.contains("which is not a coroutine"), out);
    }

    @Test
    void withTheAgentNoWarning() {
        assertFalse(AgentCheck.warnIfNotRewritten(NoAgentServerMain.SleepyHandler.class, "route /sleep"));
        assertTrue(AgentCheck.rewritten(NoAgentServerMain.SleepyHandler.class));
    }
}
