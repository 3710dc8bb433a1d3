package io.squall.testing;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.squall.Future;

/**
 * The garbage sweep's sentinel: a failed Future dropped on purpose, and a filter on the {@code io.squall}
 * logger that swallows its "never retrieved" report (whenever it comes) and notes that it came.
 */
final class SweepFilter implements Filter {

    /** Held strongly: java.util.logging keeps loggers weakly, and the sweep forces collections. */
    private static final Logger LOGGER = Logger.getLogger("io.squall");
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final AtomicLong LAST_REPORTED = new AtomicLong();
    private static boolean installed;

    private final Filter previous;

    private SweepFilter(Filter previous) {
        this.previous = previous;
    }

    /** The exception of a sentinel Future; it carries its sequence number. */
    static final class Marker extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long id;

        Marker(long id) {
            super("squall-testing garbage sweep " + id, null, false, false);
            this.id = id;
        }
    }

    /**
     * Drops a failed Future nobody will look at.
     *
     * @return its number, for {@link #reported}
     */
    static long dropFailedFuture() {
        synchronized (SweepFilter.class) {
            Filter current = LOGGER.getFilter();
            if (!installed || !(current instanceof SweepFilter)) {
                // Installed under whatever filter is there, once (again if someone replaced it).
                LOGGER.setFilter(new SweepFilter(current));
                installed = true;
            }
        }
        long id = DROPPED.incrementAndGet();
        Future.failed(new Marker(id));
        return id;
    }

    /**
     * Tells whether the sentinel {@code id}, or a later one, was reported.
     *
     * @param id a number from {@link #dropFailedFuture}
     * @return true once reported
     */
    static boolean reported(long id) {
        return LAST_REPORTED.get() >= id;
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getThrown() instanceof Marker) {
            LAST_REPORTED.accumulateAndGet(((Marker) record.getThrown()).id, Math::max);
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }
}
