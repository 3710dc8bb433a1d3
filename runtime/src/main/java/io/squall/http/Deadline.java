package io.squall.http;

import java.util.function.Consumer;

import io.squall.IOLoop;
import io.squall.Timeout;

/**
 * One movable deadline on a loop, for a connection whose timeout changes with its phase (idle, head, body).
 * Moving it is cheap: the timer is re-armed only when the deadline moves earlier; a timer that fires early
 * re-arms itself for the current deadline. Loop thread only.
 */
final class Deadline {
    private final IOLoop loop;
    private final Consumer<String> onExpired;
    private Timeout timer;
    private long deadline;
    private boolean armed;
    private String phase;

    /**
     * @param loop the loop whose timers to use
     * @param onExpired called with the phase name when the deadline passes
     */
    Deadline(IOLoop loop, Consumer<String> onExpired) {
        this.loop = loop;
        this.onExpired = onExpired;
    }

    /** Expires {@code timeoutNanos} from now, in {@code newPhase}; zero or less clears it. */
    void set(long timeoutNanos, String newPhase) {
        if (timeoutNanos <= 0) {
            clear();
            return;
        }
        phase = newPhase;
        deadline = loop.time() + timeoutNanos;
        armed = true;
        if (timer != null && timer.deadline() - deadline > 0) {
            loop.removeTimeout(timer);
            timer = null;
        }
        if (timer == null) {
            timer = loop.callAt(deadline, this::onTimer);
        }
    }

    /** No deadline until the next {@link #set}; the pending timer, if any, will find nothing to do. */
    void clear() {
        armed = false;
    }

    /** Clears the deadline and removes the timer: for a connection that closed. */
    void cancel() {
        armed = false;
        if (timer != null) {
            loop.removeTimeout(timer);
            timer = null;
        }
    }

    private void onTimer() {
        timer = null;
        if (!armed) {
            return;
        }
        if (loop.time() - deadline < 0) {
            timer = loop.callAt(deadline, this::onTimer);
            return;
        }
        armed = false;
        onExpired.accept(phase);
    }
}
