package io.squall.tests;

import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A java.util.logging handler that adds every record it is given to a list, for tests that assert on what was
 * logged. Records may come from any thread (the loop's, a pool's): each add holds the list's monitor, so a test
 * reads the list inside {@code synchronized (records)}.
 */
public final class RecordingHandler extends Handler {
    private final List<LogRecord> records;

    /** @param records where the records go; read it while holding its monitor */
    public RecordingHandler(List<LogRecord> records) {
        this.records = records;
    }

    @Override
    public void publish(LogRecord r) {
        synchronized (records) {
            records.add(r);
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
