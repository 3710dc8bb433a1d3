package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import static io.squall.tests.RawHttp.get;
import static io.squall.tests.RawHttp.statusAndBody;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.http.Application;
import io.squall.http.HTTPError;
import io.squall.http.RequestHandler;
import io.squall.tests.CapturedLog;
import io.squall.tests.ServedApp;

/**
 * Issue 13 item 11: an {@link HTTPError}'s log message used to be logged at debug level only for a 4xx, so
 * {@code throw new HTTPError(404, "no such user %s", id)} answered 404 with no clue why in the log; and with a
 * {@code String} id Java picks the (status, message, reason) constructor, so the id became the status line's
 * reason and the message kept its {@code %s}. Now, as Tornado's {@code log_exception}: a log message, formatted
 * with its arguments, is logged at WARNING naming the handler and the request; without one, nothing at WARNING
 * beyond the access line; and the client never sees the log message.
 */
@Timeout(60)
class HTTPErrorLogMessageTest {

    /** Tornado's idiom with a String argument (a path argument): the three-argument constructor. */
    public static class UserHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            throw new HTTPError(404, "no such user %s", args[0]);
        }
    }

    /** Two non-String arguments: the varargs constructor. */
    public static class PageHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            throw new HTTPError(400, "page %d of %d requested", Integer.parseInt(args[0]), 3);
        }
    }

    /** A user-facing reason and a log message that contains a percent sign. */
    public static class QuotaHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            throw HTTPError.withReason(429, "Slow down", "user %s is at 100%% of quota", "ada");
        }
    }

    /** The older meaning of the three-argument constructor: a plain message and a reason. */
    public static class ReasonHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            throw new HTTPError(403, "token of ada expired", "Forbidden: log in again");
        }
    }

    /** No log message at all. */
    public static class BareHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            throw new HTTPError(410);
        }
    }

    @Test
    void theLogMessageIsLoggedAtWarningNamingTheRequestAndNeverSentToTheClient() throws Exception {
        String[] answers;
        List<String> warnings = new ArrayList<>();
        try (CapturedLog log = CapturedLog.squall(); ServedApp served = ServedApp.start()) {
            answers = served.serve(() -> new Application().addHandler("/users/(\\w+)", UserHandler.class)
                    .addHandler("/pages/(\\d+)", PageHandler.class).addHandler("/quota", QuotaHandler.class)
                    .addHandler("/reason", ReasonHandler.class).addHandler("/gone", BareHandler.class),
                    port -> new String[] {get(port, "/users/ada17"), get(port, "/pages/9"), get(port, "/quota"),
                        get(port, "/reason"), get(port, "/gone")});
            for (String m : log.messages(Level.WARNING)) {
                if (m.startsWith("HTTPError")) {
                    warnings.add(m);
                }
            }
        }
        assertEquals("HTTP/1.1 404 Not Found|<html><title>404: Not Found</title><body>404: Not Found</body></html>",
                statusAndBody(answers[0]));
        assertEquals("HTTP/1.1 400 Bad Request|<html><title>400: Bad Request</title><body>400: Bad Request</body>"
                + "</html>", statusAndBody(answers[1]));
        assertEquals("HTTP/1.1 429 Slow down|<html><title>429: Slow down</title><body>429: Slow down</body></html>",
                statusAndBody(answers[2]));
        assertEquals("HTTP/1.1 403 Forbidden: log in again|<html><title>403: Forbidden: log in again</title><body>"
                + "403: Forbidden: log in again</body></html>", statusAndBody(answers[3]));
        assertEquals("HTTP/1.1 410 Gone|<html><title>410: Gone</title><body>410: Gone</body></html>",
                statusAndBody(answers[4]));
        for (String a : answers) {
            assertFalse(a.contains("ada") || a.contains("requested") || a.contains("quota") || a.contains("expired"),
                    "the log message leaked to the client: " + a);
        }
        String pkg = HTTPErrorLogMessageTest.class.getName();
        assertEquals(List.of(
                "HTTPError 404 in " + pkg + "$UserHandler for GET /users/ada17 (127.0.0.1): no such user ada17",
                "HTTPError 400 in " + pkg + "$PageHandler for GET /pages/9 (127.0.0.1): page 9 of 3 requested",
                "HTTPError 429 in " + pkg + "$QuotaHandler for GET /quota (127.0.0.1): user ada is at 100% of quota",
                "HTTPError 403 in " + pkg + "$ReasonHandler for GET /reason (127.0.0.1): token of ada expired"),
                warnings);
    }

    @Test
    void theThreeArgumentConstructorReadsItsThirdArgumentAsTheMessageAsks() {
        HTTPError formatted = new HTTPError(404, "no such user %s", "17");
        assertEquals("no such user 17", formatted.logMessage());
        assertEquals("Not Found", formatted.reason());
        HTTPError reason = new HTTPError(503, "backend down", "Try again later");
        assertEquals("backend down", reason.logMessage());
        assertEquals("Try again later", reason.reason());
        // "% d" is a conversion for String.format, but a String does not format with it: the reason, as before.
        HTTPError percent = new HTTPError(507, "disk 100% done", "Disk full");
        assertEquals("disk 100% done", percent.logMessage());
        assertEquals("Disk full", percent.reason());
        HTTPError plain = new HTTPError(400, "100%s literal");
        assertEquals("100%s literal", plain.logMessage());
        HTTPError badFormat = new HTTPError(400, "user %d", "x", "y");
        assertEquals("user %d [x, y] (this log message did not format with these arguments:"
                + " java.util.IllegalFormatConversionException: d != java.lang.String)", badFormat.logMessage());
        assertEquals("HTTP 404: no such user 17", formatted.getMessage());
    }
}
