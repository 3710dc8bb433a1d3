package io.squall.bench.load;

import java.util.Locale;

/** Mean, max and min of a series of durations, in milliseconds as http_load prints them. */
public final class Timings {
    private long count;
    private double sumNanos;
    private long maxNanos = Long.MIN_VALUE;
    private long minNanos = Long.MAX_VALUE;

    /**
     * Adds one duration.
     *
     * @param nanos the duration in nanoseconds
     */
    public void add(long nanos) {
        count++;
        sumNanos += nanos;
        maxNanos = Math.max(maxNanos, nanos);
        minNanos = Math.min(minNanos, nanos);
    }

    /** @return how many durations were added */
    public long count() {
        return count;
    }

    /** @return the mean in milliseconds, or NaN if empty */
    public double meanMillis() {
        return count == 0 ? Double.NaN : sumNanos / count / 1e6;
    }

    /** @return the largest in milliseconds, or NaN if empty */
    public double maxMillis() {
        return count == 0 ? Double.NaN : maxNanos / 1e6;
    }

    /** @return the smallest in milliseconds, or NaN if empty */
    public double minMillis() {
        return count == 0 ? Double.NaN : minNanos / 1e6;
    }

    /** @return {@code "M mean, X max, N min"}, or {@code "no samples"} */
    public String format() {
        if (count == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "%.3f mean, %.3f max, %.3f min", meanMillis(), maxMillis(), minMillis());
    }
}
