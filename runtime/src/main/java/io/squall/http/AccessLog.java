package io.squall.http;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * The access log (Tornado's {@code tornado.access}): one line per request on the logger
 * {@code io.squall.access}, {@code 200 GET /path?q=1 (127.0.0.1) 1.25ms}; INFO for 1xx to 3xx, WARNING for
 * 4xx, ERROR for 5xx, as Tornado's {@code log_request}. Configure that logger (e.g. level WARNING to keep
 * only failures) or replace the whole thing per application with {@link WebSettings#logFunction} or by
 * overriding {@link Application#logRequest}.
 */
public final class AccessLog {
    /** The logger's name. */
    public static final String LOGGER_NAME = "io.squall.access";
    private static final Logger LOGGER = System.getLogger(LOGGER_NAME);

    private AccessLog() {
        throw new AssertionError("no instances");
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
