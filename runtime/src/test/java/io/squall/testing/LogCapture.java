package io.squall.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what Squall logs (logger {@code io.squall}, through java.util.logging, the default backend of
 * {@code System.Logger}) so tests can assert on "logged" behaviour. Records are kept until {@link #close()}.
 *
 * <pre>
 *   try (LogCapture logs = LogCapture.start()) {
 *       ... code that logs ...
 *       LogRecord r = logs.expect(Level.SEVERE, "Exception in callback");
 *   }
 * </pre>
 */
public final class LogCapture implements AutoCloseable {
    /** Held strongly: java.util.logging keeps loggers only weakly, and a collected logger loses its handler. */
    private static final Logger SQUALL = Logger.getLogger("io.squall");

    private final List<LogRecord> records = new ArrayList<>();
    private final List<LogRecord> consumed = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
                records.notifyAll();
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogCapture() {}

    /**
     * Starts capturing every record of the {@code io.squall} logger.
     *
     * @return the capture; close it to stop
     */
    public static LogCapture start() {
        LogCapture c = new LogCapture();
        c.handler.setLevel(Level.ALL);
        SQUALL.addHandler(c.handler);
        return c;
    }

    /**
     * Returns a snapshot of the records captured so far.
     *
     * @return the records, oldest first
     */
    public List<LogRecord> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    /**
     * Returns the records logged on the calling thread. Prefer this to {@link #records()} in assertions
     * that nothing (else) was logged: other threads, such as the Cleaner that reports collected futures of
     * earlier tests, may log at any time.
     *
     * @return the calling thread's records, oldest first
     */
    public List<LogRecord> recordsOnThisThread() {
        long me = Thread.currentThread().getId();
        List<LogRecord> out = new ArrayList<>();
        for (LogRecord r : records()) {
            if (r.getLongThreadID() == me) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Returns the records at {@code level} whose message contains {@code text}.
     *
     * @param level the exact level
     * @param text a substring of the message
     * @return the matching records, oldest first
     */
    public List<LogRecord> matching(Level level, String text) {
        List<LogRecord> out = new ArrayList<>();
        for (LogRecord r : records()) {
            if (r.getLevel().equals(level) && r.getMessage() != null && r.getMessage().contains(text)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Asserts that exactly one record at {@code level} contains {@code text}, and marks it as expected.
     *
     * @param level the exact level
     * @param text a substring of the message
     * @return the record
     * @throws AssertionError if there is none, or more than one
     */
    public LogRecord expect(Level level, String text) {
        List<LogRecord> found = matching(level, text);
        if (found.size() != 1) {
            throw new AssertionError("expected exactly one " + level + " record containing \"" + text + "\", found "
                    + found.size() + "; all records: " + describe(records()));
        }
        markExpected(found.get(0));
        return found.get(0);
    }

    /**
     * Waits until a record satisfying {@code p} arrives (records logged by other threads, e.g. a Cleaner),
     * calling {@code nudge} between short waits (e.g. {@code System::gc}); marks it as expected.
     *
     * @param p what to look for
     * @param nudge run before each wait, may be null
     * @param max the longest wait: a hang guard, not a speed requirement
     * @return the record
     * @throws AssertionError if none arrived within {@code max}
     * @throws InterruptedException if interrupted while waiting
     */
    public LogRecord await(Predicate<LogRecord> p, Runnable nudge, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            for (LogRecord r : records()) {
                if (p.test(r)) {
                    markExpected(r);
                    return r;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no matching log record within " + max + "; records: " + describe(records()));
            }
            if (nudge != null) {
                nudge.run();
            }
            synchronized (records) {
                records.wait(20);
            }
        }
    }

    /**
     * Returns the messages of every record at {@code level} that contains {@code text}, oldest first, and marks
     * them as expected: for a test that provokes the same warning several times (hostile requests, each
     * answered with an {@code HTTPError} whose log message is logged at WARNING).
     *
     * @param level the exact level
     * @param text a substring of the message
     * @return the messages, possibly none
     */
    public List<String> expectAll(Level level, String text) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : matching(level, text)) {
            markExpected(r);
            out.add(r.getMessage());
        }
        return out;
    }

    /**
     * Marks a record as expected, so {@link #unexpected} leaves it out.
     *
     * @param r the record
     */
    public void markExpected(LogRecord r) {
        synchronized (records) {
            consumed.add(r);
        }
    }

    /**
     * Returns the WARNING and SEVERE records logged on thread {@code threadId} that no test marked as
     * expected. Records from other threads (e.g. collected futures logged by the Cleaner thread, possibly
     * left over from an earlier test) are ignored.
     *
     * @param threadId the thread whose records count
     * @return the unexpected records
     */
    public List<LogRecord> unexpected(long threadId) {
        List<LogRecord> out = new ArrayList<>();
        synchronized (records) {
            for (LogRecord r : records) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getLongThreadID() == threadId
                        && !"io.squall.access".equals(r.getLoggerName()) // a provoked 404 is no failure
                        && consumed.stream().noneMatch(c -> c == r)) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Renders records for a failure message: level, message and the exception.
     *
     * @param rs the records
     * @return a readable list
     */
    public static String describe(List<LogRecord> rs) {
        StringBuilder sb = new StringBuilder("[");
        for (LogRecord r : rs) {
            sb.append("\n  ").append(r.getLevel()).append(": ").append(r.getMessage());
            if (r.getThrown() != null) {
                sb.append(" (").append(r.getThrown()).append(')');
            }
        }
        return sb.append(rs.isEmpty() ? "]" : "\n]").toString();
    }

    /** Stops capturing. */
    @Override
    public void close() {
        SQUALL.removeHandler(handler);
    }
}
