package io.squall;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Async#await} as the runtime sees it without the agent: a clear refusal, never a block. */
@SuppressWarnings("squall:not-coroutine") // runs without the agent: await's own failures are tested
class AsyncTest {
    private final String saved = System.getProperty(Async.AGENT_INSTALLED_PROPERTY);

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty(Async.AGENT_INSTALLED_PROPERTY);
        } else {
            System.setProperty(Async.AGENT_INSTALLED_PROPERTY, saved);
        }
    }

    @Test
    void awaitWithoutTheAgentSaysItIsNotInstalledAndHowToFixIt() {
        System.clearProperty(Async.AGENT_INSTALLED_PROPERTY);
        Future<String> pending = new Future<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Async.await(pending));
        String m = e.getMessage();
        assertTrue(m.contains("agent is not installed"), m);
        assertTrue(m.contains("-javaagent:"), m);
        assertTrue(m.contains("SquallAgent.install()"), m);
        assertTrue(m.contains(AsyncTest.class.getName()), "names the calling method: " + m);
        assertFalse(pending.isDone(), "await does not touch the future");

        IllegalStateException e2 = assertThrows(IllegalStateException.class,
                () -> Async.await(CompletableFuture.completedFuture("done")));
        assertTrue(e2.getMessage().contains("agent is not installed"), e2.getMessage());
    }

    @Test
    void awaitOutsideACoroutineWithTheAgentSaysToAnnotateTheMethod() {
        System.setProperty(Async.AGENT_INSTALLED_PROPERTY, "true");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Async.await(Future.of(1)));
        String m = e.getMessage();
        assertTrue(m.contains("not a coroutine"), m);
        assertTrue(m.contains("@io.squall.annotations.Coroutine"), m);
        assertFalse(m.contains("not installed"), m);

        IllegalStateException e2 = assertThrows(IllegalStateException.class,
                () -> Async.await(new CompletableFuture<String>()));
        assertTrue(e2.getMessage().contains("not a coroutine"), e2.getMessage());
    }
}
