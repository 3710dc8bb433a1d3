package io.squall.http;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.squall.internal.Log;

/**
 * The requests of one {@link Application} whose handlers have not finished yet, with when each started, for
 * {@link Application#longRunningRequests(Duration)} and the periodic debug log of
 * {@link Application#logLongRequests(Duration)}. Thread-safe: handlers of several loops add and remove
 * themselves; a listing reads the handlers racily from its own thread, so it is a diagnostic snapshot.
 */
final class InFlightRequests {

    /** System property: log requests in flight for longer than this many milliseconds, for every application. */
    static final String PROPERTY = "io.squall.debug.longRequestsMillis";

    private static final System.Logger LOGGER = System.getLogger("io.squall");

    private final Map<RequestHandler, Long> started = new ConcurrentHashMap<>();
    private ScheduledFuture<?> logTask;

    /** A handler that is still running; {@code startNanos} on the {@link System#nanoTime()} scale. */
    void add(RequestHandler handler, long startNanos) {
        started.put(handler, startNanos);
    }

    /** The handler finished. */
    void remove(RequestHandler handler) {
        started.remove(handler);
    }

    /**
     * Describes the requests in flight for longer than {@code olderThan}, oldest first.
     *
     * @param olderThan the age
     * @return one line per request
     */
    List<String> olderThan(Duration olderThan) {
        long now = System.nanoTime();
        long min = olderThan.toNanos();
        List<Map.Entry<RequestHandler, Long>> old = new ArrayList<>();
        for (Map.Entry<RequestHandler, Long> e : started.entrySet()) {
            if (now - e.getValue() >= min) {
                old.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        old.sort((a, b) -> Long.compare(a.getValue(), b.getValue()));
        List<String> lines = new ArrayList<>(old.size());
        for (Map.Entry<RequestHandler, Long> e : old) {
            lines.add(e.getKey().describeInFlight(now - e.getValue()));
        }
        return lines;
    }

    /**
     * Every {@code period}, while debug logging is on for {@code io.squall}, logs the requests in flight for
     * longer than {@code period} (nothing when there are none). Stops once the application is collected.
     */
    synchronized void logEvery(Application app, Duration period) {
        if (logTask != null) {
            logTask.cancel(false);
        }
        WeakReference<Application> ref = new WeakReference<>(app);
        long millis = Math.max(1, period.toMillis());
        ScheduledFuture<?>[] self = new ScheduledFuture<?>[1];
        self[0] = Timer.EXEC.scheduleWithFixedDelay(() -> {
            if (ref.get() == null) {
                self[0].cancel(false);
                return;
            }
            if (!LOGGER.isLoggable(System.Logger.Level.DEBUG)) {
                return;
            }
            List<String> lines = olderThan(period);
            if (!lines.isEmpty()) {
                Log.debug(lines.size() + " request(s) in flight for longer than " + period + ":\n  "
                        + String.join("\n  ", lines));
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        logTask = self[0];
    }

    /** Stops the periodic log. */
    synchronized void stopLogging() {
        if (logTask != null) {
            logTask.cancel(false);
            logTask = null;
        }
    }

    /** The lazily created daemon thread of the periodic logs. */
    private static final class Timer {
        static final ScheduledExecutorService EXEC = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "squall-long-requests");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return the period from {@link #PROPERTY}, or null when it is not set (or not positive) */
    static Duration fromProperty() {
        long ms = Long.getLong(PROPERTY, 0);
        return ms > 0 ? Duration.ofMillis(ms) : null;
    }
}
