package io.squall.testing;

import java.lang.reflect.Method;

import io.squall.agent.SquallAgent;
import io.squall.internal.AwaitSites;

/** Installs the Squall agent once per JVM, and turns on await-site recording for timeout messages. */
final class AgentInstaller {

    private AgentInstaller() {
        throw new AssertionError("no instances");
    }

    /**
     * Installs the agent unless it is installed already ({@code -javaagent} or an earlier call).
     *
     * @throws IllegalStateException if the JVM refuses to attach, with the agent's advice
     */
    static synchronized void ensureInstalled() {
        AwaitSites.enable();
        if (!SquallAgent.isInstalled() && !"true".equals(System.getProperty("io.squall.agent.installed"))) {
            SquallAgent.install();
        }
    }

    /**
     * Tells whether the agent rewrote {@code testClass}'s coroutine tests: a class loaded before the agent
     * still has {@code @SquallTest} methods that return a future (the rewrite moves the annotation to a
     * {@code void} stand-in).
     *
     * @param testClass the test class
     * @return the first such method, or null if every coroutine test was rewritten
     */
    static Method unrewrittenCoroutineTest(Class<?> testClass) {
        for (Class<?> c = testClass; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(SquallTest.class) && Coroutines.isFutureType(m.getReturnType())) {
                    return m;
                }
            }
        }
        return null;
    }
}
