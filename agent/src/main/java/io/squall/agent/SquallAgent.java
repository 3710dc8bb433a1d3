package io.squall.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * The Squall Java agent: installs the {@link SquallTransformer} that rewrites coroutines.
 *
 * <p>Start the JVM with {@code -javaagent:squall-agent.jar}, or call {@link #install()} before the classes
 * with coroutines are loaded (in {@code main}, or in a test's static initialiser). Once installed, the system
 * property {@code io.squall.agent.installed} is {@code "true"}.
 */
public final class SquallAgent {

    private static volatile Instrumentation instrumentation;

    private SquallAgent() {
        throw new AssertionError("no instances");
    }

    /**
     * Entry point for {@code -javaagent:squall-agent.jar}.
     *
     * @param args agent arguments (unused)
     * @param inst the JVM's instrumentation
     */
    public static void premain(String args, Instrumentation inst) {
        install(inst);
    }

    /**
     * Entry point when the agent is attached to a running JVM.
     *
     * @param args agent arguments (unused)
     * @param inst the JVM's instrumentation
     */
    public static void agentmain(String args, Instrumentation inst) {
        install(inst);
    }

    /**
     * Attaches the agent to the running JVM (self-attach through Byte Buddy). Calling it again does
     * nothing. Classes with coroutines that were loaded before are reported on standard error: they were not
     * rewritten, so their coroutines fail when they await.
     *
     * @throws IllegalStateException if the JVM does not allow attaching (e.g. a JRE without the attach API);
     *     start it with {@code -javaagent:squall-agent.jar} instead
     */
    public static void install() {
        if (instrumentation != null) {
            return;
        }
        warnIfCalledFromACoroutineClass(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(s -> s.skip(1).findFirst().map(StackWalker.StackFrame::getDeclaringClass).orElse(null)));
        synchronized (SquallAgent.class) {
            if (instrumentation != null) {
                return;
            }
            Instrumentation inst;
            try {
                inst = ByteBuddyAgent.install();
            } catch (RuntimeException e) {
                throw new IllegalStateException("Squall agent: cannot attach to this JVM (" + e.getMessage()
                        + "). Start it with -javaagent:squall-agent.jar instead.", e);
            }
            install(inst);
        }
    }

    /**
     * The class that calls {@code install()} is already loaded, so its own coroutines can never be rewritten:
     * say so first and plainly (the later "loaded before the agent" and "not a coroutine" messages are the
     * consequences).
     */
    private static void warnIfCalledFromACoroutineClass(Class<?> caller) {
        if (caller == null) {
            return;
        }
        List<String> own = new ArrayList<>();
        try {
            for (Method m : caller.getDeclaredMethods()) {
                for (java.lang.annotation.Annotation a : m.getDeclaredAnnotations()) {
                    if (a.annotationType().getName().equals("io.squall.annotations.Coroutine")) {
                        own.add(m.getName());
                    }
                }
            }
        } catch (Throwable ignored) {
            return;
        }
        if (!own.isEmpty()) {
            AgentLog.warning("SquallAgent.install() was called from " + caller.getName() + ", which declares the"
                    + " coroutines " + own + ": that class was loaded before the agent was installed, so these"
                    + " coroutines are not rewritten and their await calls will fail. Call install() from a class"
                    + " without coroutines (e.g. a separate Main), or start the JVM with"
                    + " -javaagent:squall-agent.jar.");
        }
    }

    /**
     * Tells whether the transformer is installed.
     *
     * @return true after {@code premain}, {@code agentmain} or {@link #install()}
     */
    public static boolean isInstalled() {
        return instrumentation != null;
    }

    /**
     * Counts rewritten classes that failed verification ({@code -Dio.squall.agent.verify=true}).
     *
     * @return the number of failed classes since start-up
     */
    public static int verifyFailures() {
        return SquallTransformer.VERIFY_FAILURES.get();
    }

    private static synchronized void install(Instrumentation inst) {
        if (instrumentation != null) {
            return;
        }
        instrumentation = inst; // first: a class the transformer rewrites already sees the agent installed
        inst.addTransformer(new SquallTransformer(), false);
        System.setProperty("io.squall.agent.installed", "true");
        reportLoadedCoroutines(inst);
    }

    private static void reportLoadedCoroutines(Instrumentation inst) {
        List<String> late = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null || c.isArray() || c.isPrimitive() || c.isSynthetic()) {
                continue;
            }
            String name = c.getName();
            if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")
                    || name.startsWith("io.squall.agent.") || name.startsWith("org.junit.")) {
                continue;
            }
            try {
                for (Method m : c.getDeclaredMethods()) {
                    for (java.lang.annotation.Annotation a : m.getDeclaredAnnotations()) {
                        if (a.annotationType().getName().equals("io.squall.annotations.Coroutine")) {
                            late.add(name + "." + m.getName());
                        }
                    }
                }
            } catch (Throwable ignored) {
                // a class whose members cannot be resolved cannot run its coroutines either
            }
        }
        for (String m : late) {
            AgentLog.warning("coroutine " + m + " was loaded before the Squall agent was installed, so it was"
                    + " not rewritten and its await calls will fail. Call SquallAgent.install() before its class"
                    + " is loaded, or start the JVM with -javaagent:squall-agent.jar.");
        }
    }
}
