package io.squall.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a coroutine: the Squall agent rewrites it into a resumable state machine at each
 * {@code io.squall.Async.await} call, so the body reads as blocking code and runs without blocking.
 *
 * <p>The method must return {@code io.squall.Future}, {@code java.util.concurrent.CompletionStage} or
 * {@code java.util.concurrent.CompletableFuture}. Calling it runs the body on the caller's thread up to the
 * first {@code await} of a pending future, then returns a pending future that completes with the body's
 * outcome. Exceptions thrown by the body complete that future exceptionally; they are never thrown to the
 * caller.
 *
 * <p>Constructors and static initialisers cannot be coroutines. An {@code await} inside a
 * {@code synchronized} block, or in a {@code synchronized} coroutine, is refused when the class loads.
 *
 * <pre>{@code
 * @Coroutine
 * Future<String> fetch(String url) {
 *     HTTPResponse r = await(client.fetch(url));
 *     return Future.of(r.bodyAsString());
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Coroutine {}
