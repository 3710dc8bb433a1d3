package io.squall.net;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * The streams a {@link TCPServer} accepted that are still open, whatever loop serves them, so that a graceful
 * stop can wait for them to close and close the rest at its deadline. Thread-safe.
 */
final class OpenStreams {

    private final Set<IOStream> streams = ConcurrentHashMap.newKeySet();
    /** Set once {@link #drain()} was called; resolved when no stream is left. */
    private volatile Future<Void> drained;

    /** Tracks {@code stream} until it closes; call on the stream's loop. */
    void add(IOStream stream) {
        streams.add(stream);
        stream.addCloseListener(() -> {
            streams.remove(stream);
            checkDrained();
        });
    }

    /**
     * Returns a future resolved once every tracked stream has closed (at once if none is open). Streams
     * added afterwards still count until they close.
     */
    Future<Void> drain() {
        Future<Void> f = drained;
        if (f == null) {
            synchronized (this) {
                if (drained == null) {
                    drained = new Future<>();
                }
                f = drained;
            }
        }
        checkDrained();
        return f;
    }

    private void checkDrained() {
        Future<Void> f = drained;
        if (f != null && streams.isEmpty()) {
            f.trySetResult(null);
        }
    }

    /** @return how many tracked streams are open */
    int size() {
        return streams.size();
    }

    /** @return how many tracked streams {@code loop} serves */
    int countOn(IOLoop loop) {
        int n = 0;
        for (IOStream s : streams) {
            if (s.loop() == loop) {
                n++;
            }
        }
        return n;
    }

    /** Stops waiting for the streams of {@code loop}, which has closed (closing its channels with it). */
    void forgetOn(IOLoop loop) {
        streams.removeIf(s -> s.loop() == loop);
        checkDrained();
    }

    /** Closes the tracked streams that {@code loop} serves; call on that loop. */
    void closeOn(IOLoop loop) {
        for (IOStream s : streams.toArray(new IOStream[0])) {
            if (s.loop() == loop) {
                s.close();
            }
        }
    }
}
