package io.squall.testing;

import java.lang.reflect.Method;

import io.squall.agent.SquallAgent;

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
        if (!SquallAgent.isInstalled() && !"true".equals(System.getProperty("io.squall.agent.installed"))) {
            SquallAgent.install();
        }
    }

    /**
     * Finds loaded classes whose coroutine tests the agent could not rewrite because they were loaded before
     * it was installed (Maven Surefire loads the first test class of each fork before JUnit starts).
     *
     * @return each such class; empty if none, or if the loaded classes cannot be listed (the agent came from
     *     {@code -javaagent}, so every class was rewritten anyway)
     */
    static java.util.List<Class<?>> lateCoroutineTestClasses() {
        java.util.List<Class<?>> late = new java.util.ArrayList<>();
        Class<?>[] loaded;
        try {
            // The agent self-attached through its shaded Byte Buddy, which keeps the Instrumentation.
            Object inst = Class.forName("io.squall.agent.shaded.bytebuddy.agent.ByteBuddyAgent")
                    .getMethod("getInstrumentation").invoke(null);
            loaded = ((java.lang.instrument.Instrumentation) inst).getAllLoadedClasses();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError notSelfAttached) {
            return late;
        }
        for (Class<?> c : loaded) {
            String name = c.getName();
            if (c.getClassLoader() == null || c.getClassLoader() instanceof LateClassLoader || c.isArray()
                    || c.isPrimitive() || name.startsWith("java.")
                    || name.startsWith("jdk.") || name.startsWith("sun.") || name.startsWith("org.junit.")
                    || name.startsWith("org.apache.maven.") || name.startsWith("io.squall.agent.")) {
                continue;
            }
            try {
                if (unrewrittenCoroutineTest(c) != null) {
                    late.add(c);
                }
            } catch (Throwable unresolvable) {
                // a class whose members cannot be resolved is not a runnable test class either
            }
        }
        return late;
    }

    /** What to do about coroutine test classes loaded before the agent. */
    static String lateClassAdvice(String what) {
        return "squall-testing: " + what + " loaded before the Squall agent was installed, so it was not"
                + " rewritten and JUnit cannot run its coroutine tests (JUnit skips test methods that return a"
                + " value). Maven Surefire loads the first test class of each fork before JUnit starts; the kit"
                + " then defines the test classes again, rewritten, but only those in a directory (not in a jar)"
                + " and named to JUnit by name. Fix: run the agent from the start, e.g. for Maven with the"
                + " maven-dependency-plugin 'properties' goal and <argLine>-javaagent:${io.squall:squall-agent:jar}"
                + "</argLine> in the maven-surefire-plugin configuration.";
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
