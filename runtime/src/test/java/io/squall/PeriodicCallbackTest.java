package io.squall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;

import io.squall.testing.AsyncTestCase;
import io.squall.testing.LogCapture;

@org.junit.jupiter.api.Timeout(120)
class PeriodicCallbackTest extends AsyncTestCase {
    private static final Duration PERIOD = Duration.ofMillis(2);

    @Test
    void runsEveryPeriodUntilStopped() {
        List<Long> runs = new ArrayList<>();
        PeriodicCallback[] pc = new PeriodicCallback[1];
        long start = loop.time();
        Future<Void> third = new Future<>();
        pc[0] = new PeriodicCallback(() -> {
            runs.add(loop.time());
            if (runs.size() == 3) {
                pc[0].stop();
                third.setResult(null);
            }
        }, PERIOD);
        assertFalse(pc[0].isRunning());
        runSync(() -> {
            pc[0].start();
            pc[0].start(); // already running: nothing
            assertTrue(pc[0].isRunning());
            return third;
        });
        assertFalse(pc[0].isRunning());
        for (int i = 0; i < 3; i++) {
            assertTrue(runs.get(i) - start >= (i + 1) * PERIOD.toNanos(), "run " + i + " came early");
        }
        runSync(() -> Gen.sleep(PERIOD.multipliedBy(5)));
        assertEquals(3, runs.size(), "no run after stop()");
    }

    @Test
    void exceptionsAreLoggedAndTheScheduleGoesOn() {
        int[] runs = {0};
        PeriodicCallback[] pc = new PeriodicCallback[1];
        Future<Void> done = new Future<>();
        pc[0] = new PeriodicCallback(() -> {
            runs[0]++;
            if (runs[0] == 1) {
                throw new IllegalStateException("periodic boom");
            }
            if (runs[0] == 3) {
                pc[0].stop();
                done.setResult(null);
            }
        }, PERIOD);
        runSync(() -> {
            pc[0].start();
            return done;
        });
        assertEquals(3, runs[0]);
        assertEquals("periodic boom",
                logs.expect(Level.SEVERE, "Exception in PeriodicCallback").getThrown().getMessage());
    }

    @Test
    void stopAndRestartInsideTheCallbackKeepsOneSchedule() {
        int[] runs = {0};
        PeriodicCallback[] pc = new PeriodicCallback[1];
        Future<Void> done = new Future<>();
        pc[0] = new PeriodicCallback(() -> {
            runs[0]++;
            if (runs[0] == 1) {
                pc[0].stop();
                pc[0].start();
            } else if (runs[0] == 4) {
                pc[0].stop();
                done.setResult(null);
            }
        }, PERIOD);
        runSync(() -> {
            pc[0].start();
            return done;
        });
        assertEquals(4, runs[0]);
        // A second schedule started by the restart would still have a timer pending now.
        loop.close();
        assertTrue(logs.matching(Level.WARNING, "IOLoop closed").isEmpty(), LogCapture.describe(logs.records()));
    }

    @Test
    void periodMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PeriodicCallback(() -> {}, Duration.ZERO));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PeriodicCallback(() -> {}, Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> new PeriodicCallback(null, PERIOD));
    }

    @Test
    void toStringShowsCallbackAndPeriod() {
        Runnable r = new Runnable() {
            @Override
            public void run() {}

            @Override
            public String toString() {
                return "tick";
            }
        };
        assertEquals("PeriodicCallback(tick, every PT0.002S)", new PeriodicCallback(r, PERIOD).toString());
    }
}
