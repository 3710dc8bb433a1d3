/**
 * Awaitable locks and queues for coroutines on one {@link io.squall.IOLoop}: Tornado's {@code tornado.locks}
 * and {@code tornado.queues}.
 *
 * <ul>
 *   <li>{@link io.squall.sync.Lock}, {@link io.squall.sync.Semaphore}, {@link io.squall.sync.BoundedSemaphore}:
 *       {@code try (Releaser r = await(lock.acquire())) { ... }}.</li>
 *   <li>{@link io.squall.sync.Event} (a flag coroutines wait for) and {@link io.squall.sync.Condition}
 *       (a signal coroutines wait for).</li>
 *   <li>{@link io.squall.sync.Queue}, {@link io.squall.sync.PriorityQueue}, {@link io.squall.sync.LifoQueue}:
 *       producer/consumer queues with {@code taskDone()} and {@code join()}.</li>
 * </ul>
 *
 * <p>Rules shared by every primitive here:
 * <ul>
 *   <li><b>One loop.</b> A primitive belongs to the thread (and so the loop) that first calls one of its
 *       methods. A call from any other thread throws {@link java.lang.IllegalStateException} naming both
 *       threads; hand the call to the owning loop with {@link io.squall.IOLoop#addCallback} instead. The
 *       futures they return are ordinary thread-safe {@link io.squall.Future}s.</li>
 *   <li><b>Futures, not blocking.</b> Every method that may wait returns a {@link io.squall.Future}; its
 *       variant with a {@link java.time.Duration} fails that future with
 *       {@link java.util.concurrent.TimeoutException} when the time runs out ({@link
 *       io.squall.sync.Condition#waitFor(java.time.Duration)} resolves {@code false} instead).</li>
 *   <li><b>First come, first served.</b> Waiters are served in the order they started waiting.</li>
 *   <li><b>Dead waiters get nothing.</b> A waiter whose future is cancelled (by {@code cancel()}, or by
 *       cancelling the coroutine that awaits it) or whose time ran out is removed at once, with its timer;
 *       the permit, item or notification goes to the next waiter still waiting: no lost wake-ups, no
 *       leaked permits.</li>
 *   <li><b>No allocation when nobody waits.</b> An uncontended {@code acquire()}, {@code put()} or
 *       {@code waitFor()} of a set event returns a done future that is shared, not a new one.</li>
 * </ul>
 */
package io.squall.sync;
