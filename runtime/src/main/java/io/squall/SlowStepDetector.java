package io.squall;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Warns when one loop task keeps an {@link IOLoop} busy too long: a callback, a timer, an I/O handler
 * call, or one step of a coroutine between two {@code await}s. Nothing else on that loop runs meanwhile,
 * so a blocking call there (a JDBC query, a blocking socket read, a {@code Thread.sleep}) stalls every
 * connection the loop serves. On by default with a threshold of 100 ms.
 *
 * <p>When a task has run longer than the threshold, a WARNING goes to the {@code io.squall.SlowStep}
 * logger (java.util.logging by default, as all of Squall's logging), once per slow task, while the task
 * is still running. It names the loop, how long the task has run so far, the application method the loop
 * called (the handler or callback, the first frame outside the JDK and Squall's runtime), the coroutine
 * whose step it is when a suspended coroutine was resumed, and the loop thread's whole stack, sampled while
 * it was still blocked, so its top shows the blocking call. A JFR event {@code io.squall.SlowStep} is
 * committed at the same moment when a flight recording is on.
 *
 * <p>How it works, and what it costs: each loop writes a step counter (one plain store, no fence, no clock
 * read) before every task it runs; one daemon thread per JVM, {@code squall-slow-step-watchdog}, looks at
 * the running loops every quarter of the threshold (at most every 50 ms) and notes when it first saw each
 * counter value. A counter that has not moved for the threshold while the loop is not waiting for I/O is a
 * slow step; only then is the loop thread's stack sampled ({@link Thread#getStackTrace()}). A task is
 * reported after between one and one and a quarter thresholds (later on an overloaded machine, where the
 * watchdog itself waits for a core). Time the collectors spent collecting meanwhile (a garbage-collection
 * pause stops the loop too) is not counted against the task.
 *
 * <p>Configuration: the system property {@code io.squall.slowStepMillis} (default {@code 100}; {@code 0} or
 * {@code off} turns the detector off, and then the loops do not even count their steps, so it cannot be
 * turned on later in that JVM), or {@link #setThreshold} and {@link #disable()} at run time. In a JVM started
 * with a JDWP agent ({@code -agentlib:jdwp}) and without the property, the detector starts disabled, since a
 * debugger pausing the loop thread is not a slow step; {@link #setThreshold} or the property turns it on.
 * All methods are safe from any thread.
 */
public final class SlowStepDetector {

    /** The system property holding the threshold in milliseconds, or {@code 0}/{@code off}. */
    public static final String PROPERTY = "io.squall.slowStepMillis";
    /** The logger the warnings go to. */
    public static final String LOGGER = "io.squall.SlowStep";
    /** The threshold when the property is not set. */
    public static final Duration DEFAULT_THRESHOLD = Duration.ofMillis(100);

    /**
     * False when the property turned the detector off at start-up: the loops then skip the counter write
     * (a static final, so the JIT removes it).
     */
    static final boolean COUNTING;
    private static volatile long thresholdNanos;

    static {
        String value = System.getProperty(PROPERTY);
        long nanos = parse(value);
        COUNTING = nanos > 0;
        // A debugger holding the loop thread at a breakpoint or stepping through a task would be reported as a
        // slow step on every pause: under JDWP the detector starts disabled unless the property asks for it.
        thresholdNanos = value == null && DebuggerAgent.loaded() ? 0 : nanos;
    }

    private SlowStepDetector() {
        throw new AssertionError("no instances");
    }

    /** The threshold in nanoseconds from the property's value; 0 means off. */
    static long parse(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_THRESHOLD.toNanos();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("off") || v.equals("false")) {
            return 0;
        }
        try {
            long millis = Long.parseLong(v);
            if (millis >= 0) {
                return Duration.ofMillis(millis).toNanos();
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        io.squall.internal.Log.warning("-D" + PROPERTY + "=" + value + " is not a number of milliseconds (or off):"
                + " the slow-step detector uses its default of " + DEFAULT_THRESHOLD.toMillis() + " ms");
        return DEFAULT_THRESHOLD.toNanos();
    }

    /**
     * Sets how long one loop task may run before it is reported, and turns the detector on if it was off.
     * Loops already running are watched with the new threshold from the watchdog's next look on.
     *
     * @param threshold a positive duration (below a millisecond, one millisecond is used)
     * @throws IllegalArgumentException if {@code threshold} is zero or negative
     * @throws IllegalStateException if {@code -Dio.squall.slowStepMillis=0} turned the detector off when the
     *     JVM started (the loops do not count their steps then)
     */
    public static void setThreshold(Duration threshold) {
        Objects.requireNonNull(threshold, "threshold");
        if (threshold.isZero() || threshold.isNegative()) {
            throw new IllegalArgumentException("SlowStepDetector.setThreshold(" + threshold + "): the threshold"
                    + " must be positive; call disable() to turn the detector off");
        }
        if (!COUNTING) {
            throw new IllegalStateException("SlowStepDetector: -D" + PROPERTY + "=" + System.getProperty(PROPERTY)
                    + " turned the detector off for this JVM, so loops do not count their steps; remove that"
                    + " property to use the detector");
        }
        long nanos;
        try {
            nanos = Math.max(1_000_000L, threshold.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 4;
        }
        thresholdNanos = nanos;
        SlowStepWatchdog.wake();
    }

    /** Turns the detector off: no more warnings or events until {@link #setThreshold} is called. */
    public static void disable() {
        thresholdNanos = 0;
    }

    /**
     * Tells whether slow steps are reported.
     *
     * @return true while a threshold is set
     */
    public static boolean isEnabled() {
        return thresholdNanos > 0;
    }

    /**
     * Returns the threshold.
     *
     * @return how long a loop task may run before it is reported, or {@link Duration#ZERO} when off
     */
    public static Duration threshold() {
        return Duration.ofNanos(thresholdNanos);
    }

    /** The threshold in nanoseconds, 0 when off; read by the watchdog on every look. */
    static long thresholdNanos() {
        return thresholdNanos;
    }
}
