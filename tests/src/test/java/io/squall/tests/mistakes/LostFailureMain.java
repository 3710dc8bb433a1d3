package io.squall.tests.mistakes;

import io.squall.Future;

/** Run in a fresh JVM by {@link LostFailuresTest}: drops a failed Future and exits without a GC. */
public final class LostFailureMain {

    private LostFailureMain() {}

    static Future<String> fetchSomething() {
        Future<String> f = new Future<>();
        f.setException(new IllegalStateException("lost at exit"));
        return f;
    }

    /**
     * Drops a failed future (kept reachable, so no GC can report it) and exits.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        Future<String> dropped = fetchSomething();
        System.out.println("exiting with " + dropped);
        System.exit(0);
    }
}
