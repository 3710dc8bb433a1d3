package io.squall.bench.steps;

/** Constants shared by every system's version of the await shapes. */
public final class Steps {
    /** Await steps per benchmark invocation (the {@code @OperationsPerInvocation} of every shape). */
    public static final int STEPS = 1000;
    /** The value every step's future carries: a cached box, so no step allocates one. */
    public static final Integer ONE = 1;

    /**
     * Checks a shape's result.
     *
     * @param value what a shape computed
     * @throws IllegalStateException if it is not {@link #STEPS}
     */
    public static void expect(int value) {
        if (value != STEPS) {
            throw new IllegalStateException("a shape computed " + value + " instead of " + STEPS);
        }
    }

    private Steps() {
        throw new AssertionError("no instances");
    }
}
