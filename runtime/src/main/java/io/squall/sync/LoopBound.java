package io.squall.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.squall.Future;
import io.squall.IOLoop;

/**
 * What every primitive of this package shares: it belongs to the thread that first uses it (and to that
 * thread's current {@link IOLoop}), and refuses calls from any other thread.
 *
 * <p>The check on the fast path is one plain field read and a compare with {@link Thread#currentThread()}:
 * the owner is written once, by CAS, and a thread always sees its own write.
 */
abstract class LoopBound {
    /** A done {@code Future<Void>} any primitive may hand out: a done future has no state left to share. */
    static final Future<Void> DONE = Future.of(null);

    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(LoopBound.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The thread that first used this primitive; null until then. Set once, by CAS. */
    private Thread owner;
    /** The owner's current loop, taken the first time a waiter needs it (owner thread only). */
    private IOLoop loop;

    /**
     * Claims this primitive for the calling thread on first use; refuses any other thread afterwards.
     *
     * @param op the method being called, for the message ("Lock.acquire()")
     * @throws IllegalStateException if another thread owns this primitive
     */
    final void checkThread(String op) {
        Thread t = Thread.currentThread();
        if (owner != t) {
            claimOrRefuse(t, op);
        }
    }

    /**
     * For methods that only read: refuses a thread other than the owner, but does not claim the primitive
     * for the caller (a monitoring thread that reads first must not take it away from its loop).
     *
     * @param op the method being called
     * @throws IllegalStateException if another thread owns this primitive
     */
    final void checkReader(String op) {
        Thread t = Thread.currentThread();
        if (owner != t) {
            Thread o = (Thread) OWNER.getVolatile(this);
            if (o != null && o != t) {
                throw refused(o, t, op);
            }
        }
    }

    private void claimOrRefuse(Thread t, String op) {
        if (OWNER.compareAndSet(this, (Thread) null, t)) {
            return;
        }
        Thread o = (Thread) OWNER.getVolatile(this);
        if (o != t) {
            throw refused(o, t, op);
        }
    }

    private IllegalStateException refused(Thread o, Thread t, String op) {
        String kind = getClass().getSimpleName();
        return new IllegalStateException(op + " was called on thread '" + t.getName() + "', but this " + kind
                + " belongs to the IOLoop of thread '" + o.getName() + "' (the first thread that used it). The "
                + "primitives of io.squall.sync are not thread-safe: call them on that loop's thread, e.g. from "
                + "another thread with loop.addCallback(() -> ...)");
    }

    /** Tells whether the calling thread owns this primitive (false before anyone used it). */
    final boolean onOwnerThread() {
        return owner == Thread.currentThread();
    }

    /** The owner's loop; only called on the owner thread, where it is that thread's current loop. */
    final IOLoop loop() {
        IOLoop l = loop;
        if (l == null || l.isClosed()) {
            l = IOLoop.current();
            loop = l;
        }
        return l;
    }
}
