package io.squall.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What Squall logs while a test runs: attaches a {@link RecordingHandler} to the {@code io.squall} logger until
 * {@link #close()}. Records may come from any thread; the accessors return snapshots.
 */
public final class CapturedLog implements AutoCloseable {
    private final List<LogRecord> records = new ArrayList<>();
    private final RecordingHandler handler = new RecordingHandler(records);
    private final Logger logger = Logger.getLogger("io.squall");

    private CapturedLog() {
        logger.addHandler(handler);
    }

    /** @return a capture of the {@code io.squall} logger, running until closed */
    public static CapturedLog squall() {
        return new CapturedLog();
    }

    /** @return the records so far, in order */
    public List<LogRecord> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }

    /**
     * @param atLeast the lowest level kept
     * @return the messages of the records at {@code atLeast} or above, in order
     */
    public List<String> messages(Level atLeast) {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records()) {
            if (r.getLevel().intValue() >= atLeast.intValue()) {
                out.add(r.getMessage());
            }
        }
        return out;
    }

    /** @return "SimpleClassName: message" of each record's exception, in order (records without one are skipped) */
    public List<String> thrown() {
        List<String> out = new ArrayList<>();
        for (LogRecord r : records()) {
            if (r.getThrown() != null) {
                out.add(r.getThrown().getClass().getSimpleName() + ": " + r.getThrown().getMessage());
            }
        }
        return out;
    }

    /** Detaches the handler. */
    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
