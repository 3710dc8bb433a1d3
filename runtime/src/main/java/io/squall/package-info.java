/**
 * Squall's core: Tornado's coroutine engine for Java.
 *
 * <ul>
 *   <li>{@link io.squall.Future}: the result of an asynchronous operation (thread-safe, completed once,
 *       failures rethrown unwrapped, unretrieved failures logged when collected), convertible to and from
 *       {@link java.util.concurrent.CompletionStage}.</li>
 *   <li>{@link io.squall.Async#await}: the yield point of a {@code @Coroutine}; the Squall agent rewrites
 *       each call into a suspension that resumes on the {@link io.squall.IOLoop}.</li>
 *   <li>{@link io.squall.IOLoop}: one thread, a selector, timers ({@link io.squall.Timeout},
 *       {@link io.squall.PeriodicCallback}) and callbacks; {@code runSync} to drive it from {@code main}
 *       or a test.</li>
 *   <li>{@link io.squall.Gen}: {@code sleep}, {@code moment}, {@code multi}, {@code withTimeout},
 *       {@code task}.</li>
 * </ul>
 *
 * <p>Nothing is lost silently: an exception thrown by a callback, timer or handler is logged (logger
 * {@code io.squall}, through {@link java.lang.System.Logger}) and the loop goes on; so is a failure that
 * nobody retrieved, a failure of {@code spawnCallback}, and a later failure in {@code Gen.multi}.
 */
package io.squall;
