package io.squall.testing;

import java.util.List;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the Squall agent when a JUnit Platform launcher session opens, before test classes are
 * discovered, so that their coroutines are rewritten without {@code -javaagent}. Registered through
 * {@code META-INF/services}: Maven Surefire, Gradle, IDEs and the console launcher pick it up by
 * themselves. A JVM that refuses to attach is reported by the first {@link SquallTest} instead.
 *
 * <p>Maven Surefire loads the first test class of each fork before JUnit starts, so that one class cannot be
 * rewritten. If it has coroutine tests, opening the session fails with an exception that names them and
 * the fix (run the agent with {@code -javaagent}), rather than letting JUnit skip them quietly.
 */
public final class SquallLauncherSessionListener implements LauncherSessionListener {

    /** True once a session listener installed the agent (or found it installed); for the kit's tests. */
    static volatile boolean installedBySessionListener;

    /** Creates the listener (the JUnit Platform does, through {@link java.util.ServiceLoader}). */
    public SquallLauncherSessionListener() {
    }

    /**
     * Installs the agent if it is not installed yet.
     *
     * @param session the session being opened
     */
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        try {
            AgentInstaller.ensureInstalled();
            installedBySessionListener = true;
        } catch (RuntimeException | LinkageError e) {
            // Not fatal here: tests without coroutines still run; @SquallTest reports the failure.
            System.err.println("[squall-testing] WARNING: could not install the Squall agent: " + e);
            return;
        }
        List<String> late = AgentInstaller.lateCoroutineTests();
        if (!late.isEmpty()) {
            // Fail loudly: JUnit would otherwise skip these tests with a mere discovery warning.
            throw new IllegalStateException(AgentInstaller.lateClassAdvice("the coroutine test(s) " + late + " were"));
        }
    }
}
