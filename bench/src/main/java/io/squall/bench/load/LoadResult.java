package io.squall.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The figures of one load run, printed in http_load's format. */
public final class LoadResult {
    private final String url;
    private final int parallel;
    private final double seconds;
    private final boolean keepAlive;
    /** The most fetches in flight at once. */
    int maxParallel;
    private long fetches;
    private long bytes;
    private long lastCompletionNanos;
    private final Timings connect = new Timings();
    private final Timings firstResponse = new Timings();
    private final Timings total = new Timings();
    private final Map<Integer, Long> codes = new TreeMap<>();
    private final Map<String, Long> errors = new TreeMap<>();
    private long errorCount;

    LoadResult(String url, int parallel, double seconds, boolean keepAlive) {
        this.url = url;
        this.parallel = parallel;
        this.seconds = seconds;
        this.keepAlive = keepAlive;
    }

    void record(long connectNanos, long firstNanos, long totalNanos, long bodyBytes, int code, long sinceStart) {
        fetches++;
        bytes += bodyBytes;
        if (connectNanos >= 0) {
            connect.add(connectNanos);
        }
        firstResponse.add(firstNanos);
        total.add(totalNanos);
        codes.merge(code, 1L, Long::sum);
        lastCompletionNanos = Math.max(lastCompletionNanos, sinceStart);
    }

    void error(Throwable e) {
        errorCount++;
        errors.merge(e.getClass().getSimpleName(), 1L, Long::sum);
    }

    /** @return fetches finished inside the window */
    public long fetches() {
        return fetches;
    }

    /** @return fetches per second of the window (http_load's figure) */
    public double fetchesPerSecond() {
        return fetches / seconds;
    }

    /**
     * Returns fetches per second up to the last counted completion: the rate the server sustained, without
     * the tail of the window where fetches were in flight but could not finish in it.
     *
     * @return the sustained rate, or 0 if nothing finished
     */
    public double sustainedPerSecond() {
        return lastCompletionNanos == 0 ? 0 : fetches / (lastCompletionNanos / 1e9);
    }

    /** @return the most fetches in flight at once */
    public int maxParallel() {
        return maxParallel;
    }

    /** @return connect times (fresh connections only) */
    public Timings connect() {
        return connect;
    }

    /** @return request-sent-to-response-head times */
    public Timings firstResponse() {
        return firstResponse;
    }

    /** @return connect-start-to-response-end times */
    public Timings total() {
        return total;
    }

    /** @return failed fetches inside the window */
    public long errorCount() {
        return errorCount;
    }

    /** @return response counts by status code */
    public Map<Integer, Long> codes() {
        return codes;
    }

    /** @return the window in seconds */
    public double seconds() {
        return seconds;
    }

    /** @return the parallelism asked for */
    public int parallel() {
        return parallel;
    }

    /**
     * Prints http_load's lines, then the sustained rate and the errors.
     *
     * @param out where to print
     */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "%d fetches, %d max parallel, %d bytes, in %s seconds%n", fetches, maxParallel,
                bytes, trim(seconds));
        out.printf(Locale.ROOT, "%s mean bytes/connection%n", fetches == 0 ? "0" : trim((double) bytes / fetches));
        out.printf(Locale.ROOT, "%.2f fetches/sec, %.0f bytes/sec%n", fetchesPerSecond(), bytes / seconds);
        out.println("msecs/connect: " + connect.format());
        out.println("msecs/first-response: " + firstResponse.format());
        out.println("msecs/total: " + total.format());
        out.printf(Locale.ROOT, "sustained: %.2f fetches/sec (%d fetches by the last counted completion, %.3f s)%n",
                sustainedPerSecond(), fetches, lastCompletionNanos / 1e9);
        out.println("errors: " + errorCount + (errors.isEmpty() ? "" : " " + errors));
        out.println("HTTP response codes:");
        for (Map.Entry<Integer, Long> e : codes.entrySet()) {
            out.println("  code " + e.getKey() + " -- " + e.getValue());
        }
        if (keepAlive) {
            out.println("(keep-alive: msecs/connect counts new connections only)");
        }
    }

    private static String trim(double d) {
        if (d == Math.rint(d)) {
            return String.valueOf((long) d);
        }
        return String.format(Locale.ROOT, "%.4g", d);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "LoadResult(%s: %d fetches in %s s, %.2f/s, %d errors)", url, fetches,
                trim(seconds), fetchesPerSecond(), errorCount);
    }
}
