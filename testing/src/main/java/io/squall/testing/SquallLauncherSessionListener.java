package io.squall.testing;

import java.lang.reflect.Method;
import java.util.List;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Installs the Squall agent when a JUnit Platform launcher session opens, before test classes are
 * discovered, so that their coroutines are rewritten without {@code -javaagent}. Registered through
 * {@code META-INF/services}: Maven Surefire, Gradle, IDEs and the console launcher pick it up by
 * themselves. A JVM that refuses to attach is reported by the first {@link SquallTest} instead.
 *
 * <p>Maven Surefire loads the first test class of each fork before JUnit starts, so that class was not
 * rewritten (and a loaded class cannot be given the methods the rewrite adds). Surefire names test classes to
 * JUnit by name, and JUnit resolves names through the thread's context class loader; so, when coroutine test
 * classes were loaded early, this listener makes the context class loader of the session a
 * {@link LateClassLoader}, which defines the project's test classes (and the code under test beside them) again,
 * now rewritten, and puts the original back when the session closes. If that cannot work (the early class came
 * from a jar), opening the session fails with an exception that names the tests and the fix (run the agent
 * with {@code -javaagent}), rather than letting JUnit skip them quietly.
 */
public final class SquallLauncherSessionListener implements LauncherSessionListener {

    private Thread sessionThread;
    private ClassLoader replacedLoader;
    private ClassLoader installedLoader;

    /** True once a session listener installed the agent (or found it installed); for the kit's tests. */
    static volatile boolean installedBySessionListener;

    /** Creates the listener (the JUnit Platform does, through {@link java.util.ServiceLoader}). */
    public SquallLauncherSessionListener() {
    }

    /**
     * Installs the agent if it is not installed yet; if coroutine test classes were loaded before (Maven
     * Surefire), makes a {@link LateClassLoader} the calling thread's context class loader for the session.
     *
     * @param session the session being opened
     * @throws IllegalStateException if a coroutine test class loaded before the agent cannot be defined again
     *     (it came from a jar): the message names its tests and the fix
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
        List<Class<?>> late = AgentInstaller.lateCoroutineTestClasses();
        if (late.isEmpty()) {
            return;
        }
        // Surefire: the first test class was loaded before this session. Surefire names test classes to JUnit by
        // name, and JUnit resolves names through the context class loader: give it one that defines the project's
        // classes again, rewritten this time.
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        LateClassLoader reloader = LateClassLoader.forClasses(
                original != null ? original : ClassLoader.getSystemClassLoader(), late);
        List<String> stillLate = new java.util.ArrayList<>();
        for (Class<?> c : late) {
            if (reloader == null || !rewrittenIn(reloader, c.getName())) {
                Method m = AgentInstaller.unrewrittenCoroutineTest(c);
                stillLate.add(m.getDeclaringClass().getName() + "." + m.getName());
            }
        }
        if (!stillLate.isEmpty()) {
            // Fail loudly: JUnit would otherwise skip these tests with a mere discovery warning.
            throw new IllegalStateException(
                    AgentInstaller.lateClassAdvice("the coroutine test(s) " + stillLate + " were"));
        }
        sessionThread = thread;
        replacedLoader = original;
        installedLoader = reloader;
        thread.setContextClassLoader(reloader);
        if (Boolean.getBoolean("io.squall.agent.debug")) {
            System.err.println("[squall-testing] " + late.stream().map(Class::getName).toList()
                    + " were loaded before the agent (Maven Surefire does that);"
                    + " the session resolves test classes through a loader that defines them again, rewritten, from "
                    + reloader.directories());
        }
    }

    /**
     * Puts back the context class loader this listener replaced, if it is still in place.
     *
     * @param session the session being closed
     */
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        Thread t = sessionThread;
        if (t != null && t.getContextClassLoader() == installedLoader) {
            t.setContextClassLoader(replacedLoader);
        }
        sessionThread = null;
        installedLoader = null;
        replacedLoader = null;
    }

    private static boolean rewrittenIn(ClassLoader loader, String name) {
        try {
            return AgentInstaller.unrewrittenCoroutineTest(Class.forName(name, false, loader)) == null;
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            if (Boolean.getBoolean("io.squall.agent.debug")) {
                System.err.println("[squall-testing] cannot define " + name + " again: " + e);
            }
            return false;
        }
    }
}
