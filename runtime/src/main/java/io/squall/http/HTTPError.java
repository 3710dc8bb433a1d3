package io.squall.http;

import java.util.Arrays;
import java.util.IllegalFormatException;
import java.util.Locale;
import java.util.MissingFormatArgumentException;

/**
 * Thrown by a {@link RequestHandler} to answer with an error status (Tornado's {@code HTTPError}), e.g.
 * {@code throw new HTTPError(404, "no such user %s", id)}. Two texts, kept apart:
 * <ul>
 *   <li>the <b>log message</b> (optional, with {@link String#format} arguments as Tornado's
 *       {@code log_message % args}) is for the developer only and never sent to the client: when there is one,
 *       the handler logs it at WARNING on the {@code io.squall} logger, naming the status, the handler and the
 *       request, e.g. {@code HTTPError 404 in com.example.UserHandler for GET /users/17 (127.0.0.1): no such
 *       user 17} (Tornado's {@code log_exception}); without one nothing is logged beyond the access line
 *       (and a debug line);</li>
 *   <li>the <b>reason</b> is user-facing: the status line's reason phrase, shown (HTML-escaped) by the default
 *       error page; the status's standard phrase unless given, e.g. {@code HTTPError.withReason(400,
 *       "Bad Request: the date must be YYYY-MM-DD", "user %s sent date %s", id, date)}.</li>
 * </ul>
 *
 * <p><b>The three-argument constructor.</b> Java picks {@link #HTTPError(int, String, String)} for
 * {@code new HTTPError(400, "no such user %s", id)} when {@code id} is a {@code String}, so that constructor
 * reads its third argument the way the message asks: if the message contains a format conversion that needs
 * an argument (as {@link String#format} sees it) and formatting it with the third argument succeeds, the third
 * argument is a format argument (Tornado's meaning); otherwise it is the reason (this class's earlier meaning,
 * e.g. {@code new HTTPError(599, "backend odd", "Custom Reason")}). To give both a reason and a message that
 * contains {@code %}, use {@link #withReason}, which never guesses.
 *
 * <p>Any thread may create one; it is immutable.
 */
public class HTTPError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String reason;
    private final String logMessage;

    /** No format arguments: the message is taken as is. */
    private static final Object[] NO_ARGS = new Object[0];

    /**
     * Creates an error with the status's standard reason.
     *
     * @param status the HTTP status, 100 to 599
     * @throws IllegalArgumentException if the status is out of range
     */
    public HTTPError(int status) {
        this(status, (String) null);
    }

    /**
     * Creates an error with a log message, taken as is (no formatting).
     *
     * @param status the HTTP status, 100 to 599
     * @param message for the log, may be null
     * @throws IllegalArgumentException if the status is out of range
     */
    public HTTPError(int status, String message) {
        this(status, message, null, NO_ARGS, true);
    }

    /**
     * Creates an error whose third argument is either a format argument of {@code message} or the reason
     * phrase, as the class comment explains: a format argument when {@code message} needs one and formats
     * with it ({@code new HTTPError(400, "no such user %s", id)}), else the reason
     * ({@code new HTTPError(599, "backend odd", "Custom Reason")}). Use {@link #withReason} to say which.
     *
     * @param status the HTTP status, 100 to 599
     * @param message for the log, may be null
     * @param reasonOrArg the reason phrase (null for the standard one), or the message's format argument
     * @throws IllegalArgumentException if the status is out of range
     */
    public HTTPError(int status, String message, String reasonOrArg) {
        this(status, message, isFormatArgument(message, reasonOrArg) ? null : reasonOrArg,
                isFormatArgument(message, reasonOrArg) ? new Object[] {reasonOrArg} : NO_ARGS,
                !isFormatArgument(message, reasonOrArg));
    }

    /**
     * Creates an error with a log message formatted by {@link String#format(String, Object...)} with
     * {@code args} (Tornado's {@code HTTPError(400, "no such user %s", id)}), and the status's standard reason.
     * A message that does not format with these arguments is kept as is, followed by the arguments and why it
     * did not format: the constructor never throws because of the log message.
     *
     * @param status the HTTP status, 100 to 599
     * @param message the log message's format, may be null
     * @param args its arguments
     * @throws IllegalArgumentException if the status is out of range
     */
    public HTTPError(int status, String message, Object... args) {
        this(status, message, null, args == null ? NO_ARGS : args, args == null || args.length == 0);
    }

    /**
     * Creates an error with a user-facing reason phrase and a log message formatted with {@code args} (with no
     * arguments, the message is taken as is): the unambiguous form of the three-argument constructor.
     *
     * @param status the HTTP status, 100 to 599
     * @param reason the reason phrase sent to the client, or null for the standard one
     * @param message the log message's format, may be null
     * @param args its arguments
     * @return the error, to throw
     * @throws IllegalArgumentException if the status is out of range
     */
    public static HTTPError withReason(int status, String reason, String message, Object... args) {
        return new HTTPError(status, message, reason, args == null ? NO_ARGS : args,
                args == null || args.length == 0);
    }

    private HTTPError(int status, String message, String reason, Object[] args, boolean verbatim) {
        this(verbatim || message == null ? message : format(message, args), status, reason);
    }

    /** The one constructor that sets the fields (its parameter order sets it apart from the public ones). */
    private HTTPError(String logMessage, int status, String reason) {
        super("HTTP " + status + (logMessage == null ? "" : ": " + logMessage));
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTPError: status " + status + " is not between 100 and 599");
        }
        this.status = status;
        this.logMessage = logMessage;
        this.reason = reason != null ? safeReason(reason) : HTTPStatus.reasonOrUnknown(status);
    }

    /** True if {@code message} needs an argument and formats with {@code arg}. */
    private static boolean isFormatArgument(String message, String arg) {
        return needsArgument(message) && formats(message, arg);
    }

    /** True if {@code String.format(message)} would fail for want of an argument. */
    private static boolean needsArgument(String message) {
        if (message == null || message.indexOf('%') < 0) {
            return false;
        }
        try {
            String.format(Locale.ROOT, message);
            return false;
        } catch (MissingFormatArgumentException e) {
            return true;
        } catch (IllegalFormatException e) {
            return false;
        }
    }

    /** True if {@code message} formats with the one argument {@code arg}. */
    private static boolean formats(String message, Object arg) {
        try {
            String.format(Locale.ROOT, message, arg);
            return true;
        } catch (IllegalFormatException e) {
            return false;
        }
    }

    private static String format(String message, Object[] args) {
        try {
            return String.format(Locale.ROOT, message, args);
        } catch (IllegalFormatException e) {
            return message + " " + Arrays.toString(args) + " (this log message did not format with these"
                    + " arguments: " + e + ")";
        }
    }

    /**
     * A reason phrase goes into the status line: characters that could end the line or are not Latin-1
     * become '?', and it is cut at 200 characters, so a reason built from client input cannot split the
     * response.
     */
    private static String safeReason(String reason) {
        StringBuilder b = new StringBuilder(Math.min(reason.length(), 200));
        for (int i = 0; i < reason.length() && b.length() < 200; i++) {
            char c = reason.charAt(i);
            b.append((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff ? '?' : c);
        }
        return b.toString();
    }

    /**
     * Returns the message for the log (never sent to the client), formatted with its arguments.
     *
     * @return the log message, or null
     */
    public String logMessage() {
        return logMessage;
    }

    /**
     * Returns the HTTP status.
     *
     * @return the status code
     */
    public int status() {
        return status;
    }

    /**
     * Returns the reason phrase sent to the client.
     *
     * @return the reason phrase
     */
    public String reason() {
        return reason;
    }
}
