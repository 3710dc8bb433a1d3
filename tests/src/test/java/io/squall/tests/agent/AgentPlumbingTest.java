package io.squall.tests.agent;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Async;
import io.squall.Future;
import io.squall.agent.SquallAgent;
import io.squall.agent.SquallTransformer;

/** The agent's plumbing: installation, untouched classes, un-rewritten await, dumping, self-attach. */
@Timeout(120)
class AgentPlumbingTest {

    @Test
    void premainInstalledTheAgentAndInstallIsIdempotent() {
        assertTrue(SquallAgent.isInstalled(), "surefire's -javaagent ran premain");
        assertEquals("true", System.getProperty(Async.AGENT_INSTALLED_PROPERTY));
        SquallAgent.install();
        SquallAgent.install();
        assertTrue(SquallAgent.isInstalled());
        assertEquals(0, SquallAgent.verifyFailures());
    }

    private static byte[] bytesOf(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Mentions Async but has no coroutine: await here is reached un-rewritten. */
    @SuppressWarnings("squall:not-coroutine") static Object notACoroutine(Future<String> f) {
        return await(f);
    }

    @Test
    void classesWithoutCoroutinesAreReturnedUntouched() throws IOException {
        SquallTransformer t = new SquallTransformer();
        ClassLoader loader = getClass().getClassLoader();
        for (Class<?> c : List.of(String.class, Map.class, AgentPlumbingTest.class, InMemoryJavac.class)) {
            byte[] original = bytesOf(c);
            byte[] copy = original.clone();
            assertNull(t.rewrite(loader, c.getName().replace('.', '/'), copy), c.getName());
            assertArrayEquals(original, copy, "the input is not modified");
            assertNull(t.transform(loader, c.getName().replace('.', '/'), null, null, copy));
        }
        assertNull(t.rewrite(loader, "garbage", new byte[] {1, 2, 3}));
        assertNull(t.rewrite(loader, "empty", new byte[0]));
    }

    @Test
    void aBrokenClassFileIsLoggedAndLeftUntouched() throws IOException {
        byte[] b = bytesOf(CoreShapesTest.class);
        byte[] truncated = java.util.Arrays.copyOf(b, b.length / 2);
        assertNull(new SquallTransformer().rewrite(null, "truncated", truncated));
    }

    @Test
    void rewritesCoroutineClassesAndDumpsThem(@TempDir Path dir) throws IOException {
        SquallTransformer t = new SquallTransformer();
        System.setProperty(SquallTransformer.DUMP_PROPERTY, dir.toString());
        try {
            byte[] out = t.rewrite(getClass().getClassLoader(), "io/squall/tests/agent/CoreShapesTest",
                    bytesOf(CoreShapesTest.class));
            assertNotNull(out);
            assertArrayEquals(out, Files.readAllBytes(dir.resolve("io/squall/tests/agent/CoreShapesTest.class")));
            assertNull(t.rewrite(getClass().getClassLoader(), "io/squall/tests/agent/CoreShapesTest", out),
                    "a rewritten class is not rewritten twice");
        } finally {
            System.clearProperty(SquallTransformer.DUMP_PROPERTY);
        }
    }

    @Test
    void awaitOutsideACoroutineSaysItIsNotOne() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> notACoroutine(Future.of("x")));
        assertTrue(e.getMessage().contains("which is not a coroutine"), e.getMessage());
        assertTrue(e.getMessage().contains("AgentPlumbingTest.notACoroutine"), e.getMessage());
    }

    /**
     * A JVM without {@code -javaagent}: await fails saying the agent is not installed; then
     * {@code SquallAgent.install()} self-attaches, reports the coroutine class loaded before it, and rewrites
     * classes loaded after it.
     */
    @Test
    void selfAttachFromMainInAFreshJvm() throws Exception {
        String javaHome = System.getProperty("java.home");
        List<String> cmd = new ArrayList<>(List.of(javaHome + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), SelfAttachMain.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("before: agent is not installed"), out);
        assertTrue(out.contains("coroutine " + SelfAttachMain.Early.class.getName() + ".early was loaded before"
                + " the Squall agent was installed"), out);
        assertTrue(out.contains("early after install: not rewritten"), out);
        assertTrue(out.contains("late: 42"), out);
    }
}
