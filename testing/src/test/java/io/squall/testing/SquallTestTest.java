package io.squall.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import io.squall.agent.SquallAgent;
import io.squall.testing.fixtures.CoroutineTestFixtures;
import io.squall.testing.fixtures.HTTPTestServerFixtures;

/**
 * Runs the passing fixtures (coroutine tests, virtual time, the HTTP test server) and checks every one
 * passes. This class has no coroutine of its own: Maven Surefire loads the first test class of a run before
 * JUnit starts, so only classes loaded later (the fixtures, by JUnit) can prove the kit's self-install.
 */
class SquallTestTest {

    private static void assertAllPass(Class<?> fixtures, int count) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixtures)).execute();
        String failures = results.testEvents().failed().stream()
                .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getPayload(TestExecutionResult.class)
                        .flatMap(TestExecutionResult::getThrowable).map(Throwable::toString).orElse("?"))
                .collect(Collectors.joining("\n"));
        assertEquals("", failures);
        results.testEvents().assertStatistics(s -> s.started(count).succeeded(count));
    }

    @Test
    void theSessionListenerInstalledTheAgentWithoutJavaagent() {
        assertTrue(SquallAgent.isInstalled());
        assertTrue(SquallLauncherSessionListener.installedBySessionListener,
                "installed when the launcher session opened, before discovery");
        assertFalse(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent")), "this module runs its tests without -javaagent");
    }

    @Test
    void coroutineTestsPlainTestsAndVirtualTime() {
        assertAllPass(CoroutineTestFixtures.class, 9);
    }

    @Test
    void httpTestServer() {
        assertAllPass(HTTPTestServerFixtures.class, 3);
    }

    @Test
    void theReadmeExample() throws Exception {
        assertAllPass(Class.forName("io.squall.testing.fixtures.HelloHandlerTest"), 1);
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        String example = java.nio.file.Files.readString(java.nio.file.Path.of(
                "src/test/java/io/squall/testing/fixtures/HelloHandlerTest.java"));
        String code = example.substring(example.indexOf("import static io.squall.Async.await;")).strip();
        assertTrue(readme.contains(code), "README.md shows HelloHandlerTest verbatim from its imports on");
    }

    @Test
    void bindUnusedPortHandsOverABoundSocket() throws IOException {
        try (ServerSocketChannel ch = Ports.bindUnusedPort()) {
            int port = Ports.portOf(ch);
            assertTrue(port > 0);
            assertEquals("127.0.0.1", ((InetSocketAddress) ch.getLocalAddress()).getAddress().getHostAddress());
            assertNotEquals(port, Ports.unusedPort(), "a bound port is not handed out again");
        }
    }
}
