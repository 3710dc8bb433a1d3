package io.squall.tests.shapes;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Reaches the agent's transformer and its verify counter. The agent jar is on the system class path (it is
 * the {@code -javaagent}), so it is found by name; reflection keeps this module compiling whatever the
 * agent's build exposes to it.
 */
public final class AgentAccess {

    private static final String TRANSFORMER = "io.squall.agent.SquallTransformer";
    private static final String AGENT = "io.squall.agent.SquallAgent";

    private final Object transformer;
    private final Method rewrite;

    private AgentAccess(Object transformer, Method rewrite) {
        this.transformer = transformer;
        this.rewrite = rewrite;
    }

    /**
     * A new transformer.
     *
     * @throws AssertionError if the agent is not on the class path
     */
    public static AgentAccess transformer() {
        try {
            Class<?> c = Class.forName(TRANSFORMER, true, ClassLoader.getSystemClassLoader());
            Object t = c.getConstructor().newInstance();
            Method m = c.getMethod("rewrite", ClassLoader.class, String.class, byte[].class);
            return new AgentAccess(t, m);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the Squall agent (" + TRANSFORMER + ") is not available: run the tests with"
                    + " -javaagent:agent/target/squall-agent.jar", e);
        }
    }

    /**
     * Calls {@code SquallTransformer.rewrite}: the rewritten bytes, or null when the class is left untouched.
     *
     * @throws Throwable whatever the transformer throws (its contract says it never throws)
     */
    public byte[] rewrite(ClassLoader loader, String internalName, byte[] bytes) throws Throwable {
        try {
            return (byte[]) rewrite.invoke(transformer, loader, internalName, bytes);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** {@code SquallAgent.verifyFailures()}, or -1 if the agent has no such method. */
    public static long verifyFailures() {
        try {
            Class<?> c = Class.forName(AGENT, true, ClassLoader.getSystemClassLoader());
            Object n = c.getMethod("verifyFailures").invoke(null);
            return ((Number) n).longValue();
        } catch (ReflectiveOperationException e) {
            return -1;
        }
    }
}
