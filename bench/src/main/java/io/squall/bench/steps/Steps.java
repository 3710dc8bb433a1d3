package io.squall.bench.steps;

/** Constants shared by every system's version of the await shapes. */
public final class Steps {
    /** Await steps per benchmark invocation (the {@code @OperationsPerInvocation} of every shape). */
    public static final int STEPS = 1000;
    /** The value every step's future carries: a cached box, so no step allocates one. */
    public static final Integer ONE = 1;

    private Steps() {
        throw new AssertionError("no instances");
    }
}
