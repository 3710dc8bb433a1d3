package io.squall.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the records of level WARNING or above that reach the root java.util.logging logger while a test
 * runs (records an {@link ExpectLog} swallowed never get here). The access log ({@code io.squall.access})
 * is left out, as Tornado's test runner silences {@code tornado.access}: a 404 a test provokes is no failure.
 */
final class LogCapture extends Handler {

    private final Logger root = Logger.getLogger("");
    private final List<LogRecord> records = new ArrayList<>();

    LogCapture() {
        setLevel(Level.WARNING);
    }

    /** Starts collecting. */
    LogCapture open() {
        root.addHandler(this);
        return this;
    }

    @Override
    public void publish(LogRecord record) {
        // A slow-step warning depends on the machine's load (a cold first request loads classes): not a failure.
        if (record != null && record.getLevel().intValue() >= Level.WARNING.intValue()
                && !"io.squall.access".equals(record.getLoggerName())
                && !io.squall.SlowStepDetector.LOGGER.equals(record.getLoggerName())) {
            synchronized (records) {
                records.add(record);
            }
        }
    }

    /** @return a copy of the records so far */
    List<LogRecord> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    /** @return true if a record whose thrown exception is {@code t} was collected */
    boolean sawThrown(Throwable t) {
        synchronized (records) {
            for (LogRecord r : records) {
                if (r.getThrown() == t) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void flush() {
    }

    /** Stops collecting. */
    @Override
    public void close() {
        root.removeHandler(this);
    }
}
