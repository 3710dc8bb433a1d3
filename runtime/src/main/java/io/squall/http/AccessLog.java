package io.squall.http;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * The access log (Tornado's {@code tornado.access}): one line per request on the logger
 * {@code io.squall.access}, {@code 200 GET /path?q=1 (127.0.0.1) 1.25ms}; INFO for 1xx to 3xx, WARNING for
 * 4xx, ERROR for 5xx, as Tornado's {@code log_request}. Configure that logger or replace the whole thing
 * per application with {@link WebSettings#logFunction} or by overriding {@link Application#logRequest}.
 *
 * <p>What is shown by default matches Tornado under Python's default logging: failures only. When the
 * backend is java.util.logging (the JDK's default) and nothing sets a level for {@code io.squall.access}
 * (no {@code io.squall.access.level} in the logging properties, no {@code setLevel} before the first
 * request), that logger is set to WARNING, because the JDK's console handler writes and flushes every
 * INFO line and would cut a busy server's throughput several times over. Turn the 2xx/3xx lines on with
 * {@code io.squall.access.level = INFO} in the logging properties or
 * {@code java.util.logging.Logger.getLogger("io.squall.access").setLevel(Level.INFO)}.
 */
public final class AccessLog {
    /** The logger's name. */
    public static final String LOGGER_NAME = "io.squall.access";
    /** Held so the default level set on it is not lost with a collected logger. */
    private static final java.util.logging.Logger JUL_DEFAULT = failuresOnlyUnlessConfigured();
    private static final Logger LOGGER = System.getLogger(LOGGER_NAME);

    private AccessLog() {
        throw new AssertionError("no instances");
    }

    private static java.util.logging.Logger failuresOnlyUnlessConfigured() {
        if (java.util.logging.LogManager.getLogManager().getProperty(LOGGER_NAME + ".level") != null) {
            return null;
        }
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(LOGGER_NAME);
        if (jul.getLevel() == null) {
            jul.setLevel(java.util.logging.Level.WARNING);
        }
        return jul;
    }

    /**
     * Logs one finished request; called on the loop thread by {@link Application#logRequest}. The line is
     * built only if the logger wants its level.
     *
     * @param handler the handler that finished the response
     */
    public static void log(RequestHandler handler) {
        int status = handler.getStatus();
        Level level = status < 400 ? Level.INFO : status < 500 ? Level.WARNING : Level.ERROR;
        if (!LOGGER.isLoggable(level)) {
            return;
        }
        LOGGER.log(level, line(handler));
    }

    /**
     * Renders the access line of a finished request: status, method, URI, remote IP and milliseconds.
     *
     * @param handler the handler
     * @return e.g. {@code 404 GET /nothing (127.0.0.1) 0.41ms}
     */
    public static String line(RequestHandler handler) {
        HTTPServerRequest r = handler.request();
        return handler.getStatus() + " " + r.method() + " " + r.uri() + " (" + r.remoteIp() + ") "
                + String.format(Locale.ROOT, "%.2fms", r.requestTime() * 1000);
    }
}
