package io.squall.bench.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The ceiling the seed command prints: sequential fetches of a given delay that end inside the window. */
class SeedCommandTest {
    @Test
    void roundsThatFinishInsideTheWindow() {
        assertEquals(4, SeedCommand.roundsInWindow(10, 2000), "the 5th fetch would end at 10 s plus a round trip");
        assertEquals(14, SeedCommand.roundsInWindow(30, 2000));
        assertEquals(5, SeedCommand.roundsInWindow(11, 2000));
        assertEquals(0, SeedCommand.roundsInWindow(1, 2000));
        assertEquals(5, SeedCommand.roundsInWindow(3, 500));
    }
}
