package io.squall.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Squall's logging, through {@link System.Logger} so the runtime needs no logging library: route it to
 * java.util.logging (the default), SLF4J or Log4j with their {@code System.LoggerFinder} bridges.
 * All messages go to the logger named {@code io.squall}; the access log has its own,
 * {@code io.squall.access} (see {@code io.squall.http.AccessLog}).
 */
public final class Log {
    private static final Logger LOGGER = System.getLogger("io.squall");

    private Log() {
        throw new AssertionError("no instances");
    }

    /**
     * Returns {@code String.valueOf(o)}, or a description naming the class if {@code o.toString()} throws:
     * for error messages, which must never fail themselves (a throwing {@code toString} in a log message
     * would otherwise escape the code that was reporting an error).
     *
     * @param o anything, may be null
     * @return a description of {@code o}
     */
    public static String describe(Object o) {
        try {
            return String.valueOf(o);
        } catch (Throwable t) {
            return o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o))
                    + " (its toString() threw " + t.getClass().getName() + ")";
        }
    }

    /**
     * Logs an error with its stack trace.
     *
     * @param message what happened and where
     * @param t the exception, may be null
     */
    public static void error(String message, Throwable t) {
        LOGGER.log(Level.ERROR, message, t);
    }

    /**
     * Logs a warning.
     *
     * @param message what happened and what to do
     */
    public static void warning(String message) {
        LOGGER.log(Level.WARNING, message);
    }

    /**
     * Logs a warning with a stack trace.
     *
     * @param message what happened and what to do
     * @param t the exception, may be null
     */
    public static void warning(String message, Throwable t) {
        LOGGER.log(Level.WARNING, message, t);
    }

    /**
     * Logs an informational message.
     *
     * @param message the message
     */
    public static void info(String message) {
        LOGGER.log(Level.INFO, message);
    }

    /**
     * Logs a debug message if debug logging is on.
     *
     * @param message the message
     */
    public static void debug(String message) {
        if (LOGGER.isLoggable(Level.DEBUG)) {
            LOGGER.log(Level.DEBUG, message);
        }
    }
}
