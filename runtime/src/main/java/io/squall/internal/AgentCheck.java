package io.squall.internal;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.squall.annotations.Coroutine;

/**
 * Tells whether a class's coroutines were rewritten, without the runtime importing the agent: the agent sets
 * the system property {@value #AGENT_INSTALLED_PROPERTY} when it installs itself, and every class it (or the
 * build-time weaver) rewrote carries generated methods whose names end in {@value #RESUME_SUFFIX}.
 * Thread-safe.
 */
public final class AgentCheck {

    /** Set to {@code "true"} by the agent once its transformer is installed. */
    public static final String AGENT_INSTALLED_PROPERTY = "io.squall.agent.installed";
    /** Suffix of the resume bridge the rewrite adds next to each coroutine that awaits. */
    public static final String RESUME_SUFFIX = "$squall$resume";

    private static final Set<Class<?>> WARNED = ConcurrentHashMap.newKeySet();

    private AgentCheck() {
        throw new AssertionError("no instances");
    }

    /** @return true if the Squall agent installed its transformer in this JVM */
    public static boolean agentInstalled() {
        return Boolean.getBoolean(AGENT_INSTALLED_PROPERTY);
    }

    /**
     * Returns the {@code @Coroutine} methods declared by {@code c} and its superclasses.
     *
     * @param c a class
     * @return "Class.method" names, empty if none
     */
    public static List<String> coroutineMethods(Class<?> c) {
        List<String> out = new ArrayList<>();
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            try {
                for (Method m : k.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(Coroutine.class)) {
                        out.add(k.getName() + "." + m.getName());
                    }
                }
            } catch (Throwable ignored) {
                // members that cannot be resolved: nothing to report here, the class fails on its own
            }
        }
        return out;
    }

    /**
     * Tells whether {@code c} itself carries the rewrite's generated methods.
     *
     * @param c a class
     * @return true if some declared method's name ends in {@value #RESUME_SUFFIX}
     */
    public static boolean rewritten(Class<?> c) {
        try {
            for (Method m : c.getDeclaredMethods()) {
                if (m.getName().endsWith(RESUME_SUFFIX)) {
                    return true;
                }
            }
        } catch (Throwable ignored) {
            // cannot tell
        }
        return false;
    }

    /**
     * Logs a warning (once per class) when {@code c} has {@code @Coroutine} methods but the agent is not
     * installed and the class was not woven at build time: its coroutines would fail at their first
     * {@code await}. Any thread.
     *
     * @param c the handler class
     * @param where what uses the class, for the message (e.g. "route /items")
     * @return true if a warning was logged now or before for this class
     */
    public static boolean warnIfNotRewritten(Class<?> c, String where) {
        if (agentInstalled() || rewritten(c)) {
            return false;
        }
        List<String> coroutines = coroutineMethods(c);
        if (coroutines.isEmpty()) {
            return false;
        }
        if (WARNED.add(c)) {
            Log.warning(message(c, where, coroutines));
        }
        return true;
    }

    static String message(Class<?> c, String where, List<String> coroutines) {
        return "Handler " + c.getName() + " (" + where + ") has @Coroutine methods " + coroutines
                + " but the Squall agent is not installed, so they were not rewritten and each request that"
                + " reaches an await will answer 500. Start the JVM with -javaagent:squall-agent.jar, call"
                + " io.squall.agent.SquallAgent.install() in main before the handler classes are loaded, or"
                + " weave them at build time (squall-maven-plugin).";
    }
}
