package io.squall.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.opentest4j.AssertionFailedError;

import io.squall.testing.fixtures.FailureFixtures;
import io.squall.testing.fixtures.StuckFixture;

/**
 * Runs the fixtures through JUnit's EngineTestKit and checks that each fails, or passes, with the right
 * exception and message.
 */
class KitFailuresTest {

    private static Throwable failureOf(Class<?> fixture, String method) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(fixture, method))
                .execute();
        List<Event> failed = results.testEvents().failed().list();
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        return failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    }

    private static void assertPasses(Class<?> fixture, String method) {
        EngineTestKit.engine("junit-jupiter").selectors(selectMethod(fixture, method)).execute()
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
    }

    /** The line of the fixture source that carries {@code marker}. */
    private static int lineOf(Class<?> fixture, String marker) {
        Path src = Path.of("src/test/java", fixture.getName().replace('.', '/') + ".java");
        try {
            List<String> lines = Files.readAllLines(src);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(marker)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(marker + " not found in " + src);
    }

    @Test
    void timeoutNamesEveryAwaitOfTheChainInnermostFirst() {
        Throwable t = failureOf(StuckFixture.class, "stuck");
        assertInstanceOf(TimeoutException.class, t);
        String m = t.getMessage();
        String inner = "io.squall.testing.fixtures.StuckFixture.inner(StuckFixture.java:"
                + lineOf(StuckFixture.class, "INNER-AWAIT") + ")";
        String middle = "io.squall.testing.fixtures.StuckFixture.middle(StuckFixture.java:"
                + lineOf(StuckFixture.class, "MIDDLE-AWAIT") + ")";
        String test = "io.squall.testing.fixtures.StuckFixture.stuck(StuckFixture.java:"
                + lineOf(StuckFixture.class, "TEST-AWAIT") + ")";
        assertTrue(m.startsWith("@SquallTest StuckFixture.stuck() timed out after 300 ms"), m);
        assertTrue(m.contains("suspended at " + inner + ", awaiting Future(pending)"), m);
        assertTrue(m.indexOf(inner) < m.indexOf(middle) && m.indexOf(middle) < m.indexOf(test), m);
        assertTrue(m.contains("awaited by   " + middle) && m.contains("awaited by   " + test), m);
    }

    @Test
    void timeoutOnVirtualTimeIsRealTimeAndNamesTheAwait() {
        Throwable t = failureOf(FailureFixtures.class, "virtualTimeoutStillNamesTheAwait");
        assertInstanceOf(TimeoutException.class, t);
        assertTrue(t.getMessage().contains("FailureFixtures.virtualTimeoutStillNamesTheAwait(FailureFixtures.java:"
                + lineOf(FailureFixtures.class, "VIRTUAL-AWAIT") + ")"), t.getMessage());
        assertTrue(t.getMessage().contains("the virtual clock had skipped"), t.getMessage());
    }

    @Test
    void coroutineFailsWithItsOwnException() {
        Throwable t = failureOf(FailureFixtures.class, "throwsAfterAwait");
        assertInstanceOf(FailureFixtures.Boom.class, t);
        assertEquals("checked failure after an await", t.getMessage());
    }

    @Test
    void unexpectedWarningFailsTheTest() {
        Throwable t = failureOf(FailureFixtures.class, "logsWarning");
        assertInstanceOf(AssertionFailedError.class, t);
        assertTrue(t.getMessage().contains("1 unexpected warning(s)/error(s)"), t.getMessage());
        assertTrue(t.getMessage().contains("WARNING [io.squall] something odd happened in the fixture"), t.getMessage());
    }

    @Test
    void unexpectedWarningCanBeAllowedPerTest() {
        assertPasses(FailureFixtures.class, "logsWarningOptedOut");
    }

    @Test
    void neverRetrievedFutureExceptionFailsTheTest() {
        Throwable t = failureOf(FailureFixtures.class, "dropsFailedFuture");
        assertInstanceOf(AssertionFailedError.class, t);
        assertTrue(t.getMessage().contains("Future exception was never retrieved")
                && t.getMessage().contains("failure nobody looked at"), t.getMessage());
    }

    @Test
    void expectLogFailsWhenNothingMatched() {
        Throwable t = failureOf(FailureFixtures.class, "expectLogWithoutMatch");
        assertInstanceOf(AssertionFailedError.class, t);
        assertTrue(t.getMessage().startsWith("ExpectLog: nothing matching /never logged/ was logged on logger"
                + " \"io.squall\""), t.getMessage());
    }

    @Test
    void expectLogSwallowsWhatItMatched() {
        assertPasses(FailureFixtures.class, "expectLogMatches");
    }
}
