package io.squall.agent;

import java.io.PrintStream;

/**
 * The agent's log: lines prefixed {@code [squall-agent]} on standard error. The agent cannot use the
 * runtime's logger (it must not load application classes while transforming), so it writes directly.
 */
final class AgentLog {

    private AgentLog() {
        throw new AssertionError("no instances");
    }

    /**
     * Logs an error, with the exception's stack trace when there is one.
     *
     * @param message what happened and where
     * @param t the cause, may be null
     */
    static void error(String message, Throwable t) {
        PrintStream err = System.err;
        synchronized (err) {
            err.println("[squall-agent] ERROR " + message);
            if (t != null) {
                t.printStackTrace(err);
            }
        }
    }

    /**
     * Logs a warning.
     *
     * @param message what happened and what to do
     */
    static void warning(String message) {
        System.err.println("[squall-agent] WARNING " + message);
    }
}
