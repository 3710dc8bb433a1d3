package io.squall.internal;

/**
 * The {@link java.util.concurrent.CancellationException} Squall's futures are cancelled with (it has the
 * same simple name, so messages and logs that print it read as usual). It records no stack trace (the
 * trace would show the code that called {@code cancel()}, not the work that was cancelled, and filling it
 * in would cost more than the whole unwinding of a coroutine), unless the system property
 * {@code io.squall.cancellationTraces} is {@code true}. Suppressed exceptions (what a coroutine threw while
 * unwinding) are kept as usual. Catch it as {@code java.util.concurrent.CancellationException}.
 */
public final class CancellationException extends java.util.concurrent.CancellationException {
    private static final long serialVersionUID = 1L;
    private static final boolean TRACES = Boolean.getBoolean("io.squall.cancellationTraces");

    /**
     * Creates a cancellation.
     *
     * @param message what was cancelled, and why
     */
    public CancellationException(String message) {
        super(message);
    }

    /** Fills in the stack trace only when {@code io.squall.cancellationTraces} is true. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return TRACES ? super.fillInStackTrace() : this;
    }
}
