package io.squall.internal;

import java.util.Objects;

/**
 * Runs a connection's processing step without re-entering it. A step often completes a future whose callbacks ask
 * for processing again (a read that finished at once, a handler that finished synchronously); calling the step
 * from inside itself would recurse and interleave two passes over the same buffers. Instead, {@link #run()}
 * called while the step runs only asks for one more pass, which the outer call makes once the step returns.
 *
 * <p>Not thread-safe: a connection's loop thread owns it. One instance lives as long as its connection; running
 * it allocates nothing.
 */
public final class Trampoline {
    private final Runnable step;
    private boolean running;
    private boolean again;

    /**
     * @param step the processing step, run on the loop thread; what it throws propagates out of the outermost
     *             {@link #run()} (a pass requested meanwhile is dropped)
     */
    public Trampoline(Runnable step) {
        this.step = Objects.requireNonNull(step, "step");
    }

    /**
     * Runs the step, and again as long as it asked for another pass while running; called from inside the step,
     * only records that request and returns at once. On the loop thread.
     */
    public void run() {
        if (running) {
            again = true;
            return;
        }
        running = true;
        try {
            do {
                again = false;
                step.run();
            } while (again);
        } finally {
            running = false;
        }
    }

    /** True while the step runs (on the loop thread). */
    public boolean isRunning() {
        return running;
    }
}
