package io.squall.http;

import java.util.ArrayDeque;

/**
 * The connections of one {@link AsyncHTTPClient} to one host:port: at most {@code max} open at once (idle
 * or busy), idle ones kept for reuse (most recently used first), and a FIFO queue of requests waiting for
 * a connection. It only counts and hands out; connecting and exchanging are the client's. Loop thread only.
 */
final class HostPool {
    /** A request that needs a connection. */
    interface Waiter {
        /** True once the request no longer needs a connection (it timed out or failed). */
        boolean abandoned();

        /** Use this open connection (an idle one, or one just released). */
        void use(HTTP1ClientConnection connection);

        /** A slot was reserved for this request: open a new connection and report it to the pool. */
        void connect();
    }

    private final int max;
    private int open;
    private final ArrayDeque<HTTP1ClientConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();

    HostPool(int max) {
        this.max = max;
    }

    /** Gives {@code w} an idle connection, or a slot to connect, or queues it until one is free. */
    void acquire(Waiter w) {
        HTTP1ClientConnection c;
        while ((c = idle.pollLast()) != null) {
            if (!c.isClosed()) {
                w.use(c);
                return;
            }
            open--; // closed by the server while idle
        }
        if (open < max) {
            open++;
            w.connect();
        } else {
            waiting.add(w);
        }
    }

    /**
     * Takes back a connection after an exchange: a reusable one goes to the next waiter or the idle set;
     * another is closed and its slot passed on.
     */
    void release(HTTP1ClientConnection c, boolean reusable, boolean keepIdle) {
        if (reusable && !c.isClosed()) {
            Waiter next;
            while ((next = waiting.poll()) != null) {
                if (!next.abandoned()) {
                    next.use(c);
                    return;
                }
            }
            if (keepIdle) {
                idle.addLast(c);
                return;
            }
        }
        c.close();
        slotFreed();
    }

    /** A connection failed to open or was closed: its slot goes to the next waiter. */
    void slotFreed() {
        open--;
        while (open < max && !waiting.isEmpty()) {
            Waiter w = waiting.poll();
            if (!w.abandoned()) {
                open++;
                w.connect();
            }
        }
    }

    /** Forgets a waiter that gave up. */
    void remove(Waiter w) {
        waiting.remove(w);
    }

    /** Closes the idle connections. */
    void closeIdle() {
        HTTP1ClientConnection c;
        while ((c = idle.poll()) != null) {
            c.close();
            open--;
        }
    }

    int open() {
        return open;
    }

    int idle() {
        return idle.size();
    }
}
