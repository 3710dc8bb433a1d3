package io.squall.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;

import org.opentest4j.AssertionFailedError;

/**
 * Asserts that a block logs a matching record, and keeps that record out of the output: Tornado's
 * {@code ExpectLog}.
 *
 * <pre>
 *   try (ExpectLog e = ExpectLog.expect("io.squall", Pattern.compile("Exception in callback"))) {
 *       loop.addCallback(() -&gt; { throw new IllegalStateException("boom"); });
 *       loop.runSync(Gen::moment);
 *   }   // fails here if nothing matched
 * </pre>
 *
 * <p>It watches the java.util.logging logger of that name (where Squall's {@code System.Logger} output goes
 * by default; Squall logs everything on {@code "io.squall"}), through a {@link Filter}: a record logged on
 * that logger whose message (formatted, with its exception's {@code toString()} appended) matches the
 * pattern somewhere ({@link java.util.regex.Matcher#find()}) is counted and swallowed, so it reaches no
 * handler and a {@link SquallTest} does not report it as unexpected. Other records pass on unchanged.
 * Records logged on child loggers are not seen (as in Tornado).
 *
 * <p>Thread-safe: records logged from any thread count. Blocks may nest; close them in reverse order.
 */
public final class ExpectLog implements AutoCloseable {

    private final Logger logger;
    private final Pattern pattern;
    private final Filter previous;
    private final boolean required;
    private final List<String> matched = new ArrayList<>();
    private boolean closed;

    private ExpectLog(String loggerName, Pattern pattern, boolean required) {
        this.logger = Logger.getLogger(Objects.requireNonNull(loggerName, "loggerName"));
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.required = required;
        this.previous = logger.getFilter();
        logger.setFilter(this::filter);
    }

    /**
     * Starts expecting a record on {@code loggerName} matching {@code pattern}; {@link #close()} fails if none
     * was logged.
     *
     * @param loggerName the java.util.logging logger name, e.g. {@code "io.squall"}
     * @param pattern found in the record's message (or its exception's {@code toString()})
     * @return the open block, for try-with-resources
     */
    public static ExpectLog expect(String loggerName, Pattern pattern) {
        return new ExpectLog(loggerName, pattern, true);
    }

    /**
     * As {@link #expect}, but {@link #close()} does not fail when nothing matched: for records that may or
     * may not be logged (timing-dependent), which must not fail the test either way.
     *
     * @param loggerName the java.util.logging logger name
     * @param pattern found in the record's message
     * @return the open block
     */
    public static ExpectLog allow(String loggerName, Pattern pattern) {
        return new ExpectLog(loggerName, pattern, false);
    }

    /**
     * Returns how many records matched so far.
     *
     * @return the count
     */
    public synchronized int matchedCount() {
        return matched.size();
    }

    /**
     * Returns the messages of the records that matched so far, in order.
     *
     * @return a copy of the matched messages
     */
    public synchronized List<String> matched() {
        return new ArrayList<>(matched);
    }

    private boolean filter(LogRecord record) {
        String text = text(record);
        if (pattern.matcher(text).find()) {
            synchronized (this) {
                if (!closed) {
                    matched.add(text);
                    return false;
                }
            }
        }
        return previous == null || previous.isLoggable(record);
    }

    static String text(LogRecord record) {
        String message;
        try {
            message = new SimpleFormatter().formatMessage(record);
        } catch (RuntimeException e) {
            message = String.valueOf(record.getMessage());
        }
        Throwable t = record.getThrown();
        return t == null ? message : message + " " + t;
    }

    /**
     * Stops watching and restores the logger's previous filter.
     *
     * @throws AssertionFailedError if the block was made by {@link #expect} and no record matched; the message
     *     names the logger and the pattern
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        logger.setFilter(previous);
        if (required && matchedCount() == 0) {
            throw new AssertionFailedError("ExpectLog: nothing matching /" + pattern + "/ was logged on logger \""
                    + logger.getName() + "\" inside the block (a record on a child logger does not count)");
        }
    }

    /** Describes the logger, pattern and matches so far. */
    @Override
    public String toString() {
        return "ExpectLog(" + logger.getName() + ", /" + pattern + "/, " + matchedCount() + " matched)";
    }
}
