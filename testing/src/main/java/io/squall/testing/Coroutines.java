package io.squall.testing;

import java.util.concurrent.CompletionStage;

import io.squall.Future;

/** Small adapters between a coroutine test method's declared return type and {@link Future}. */
final class Coroutines {

    private Coroutines() {
        throw new AssertionError("no instances");
    }

    /** @return true for io.squall.Future, CompletionStage and CompletableFuture (and their subtypes) */
    static boolean isFutureType(Class<?> type) {
        return Future.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type);
    }

    /** @return {@code returned} as a Future: null is a Future of null, a stage is followed */
    static Future<?> toFuture(Object returned) {
        if (returned == null) {
            return Future.of(null);
        }
        if (returned instanceof Future) {
            return (Future<?>) returned;
        }
        return Future.from((CompletionStage<?>) returned);
    }
}
