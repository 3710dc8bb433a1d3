package io.squall.bench.kotlin

import java.util.concurrent.Executor
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.asCoroutineDispatcher

/**
 * The Kotlin peer of the `memory` command: coroutine `k` awaits [CompletableDeferred] gates in turn, each
 * published in `slots[k]`, and finishes with the sum of their values (each gate carries 1). Everything runs
 * on one thread (the given executor's), as Squall's waiters run on one IOLoop. The Java side
 * (`KotlinSystem`) drives the rounds.
 */
object KotlinWaiters {
    /** A scope whose coroutines run on [executor] (a single thread). */
    @JvmStatic
    fun scope(executor: Executor): CoroutineScope = CoroutineScope(executor.asCoroutineDispatcher())

    /** A pending gate, exactly as [waiter] makes them: the baseline of the measurement. */
    @JvmStatic
    fun gate(): Any = CompletableDeferred<Int>()

    /**
     * On the scope's thread: starts one coroutine per slot, each running at once up to its first suspension
     * (as calling a Squall coroutine does); their [Deferred]s go to [results].
     */
    @JvmStatic
    fun start(scope: CoroutineScope, slots: Array<Any?>, results: Array<Any?>, rounds: Int) {
        for (k in slots.indices) {
            results[k] = scope.async(start = CoroutineStart.UNDISPATCHED) { waiter(slots, k, rounds) }
        }
    }

    private suspend fun waiter(slots: Array<Any?>, k: Int, rounds: Int): Int {
        var sum = 0
        for (i in 0 until rounds) {
            val gate = CompletableDeferred<Int>()
            slots[k] = gate
            sum += gate.await()
        }
        return sum
    }

    /** Completes a gate with 1 (its waiter resumes on the scope's thread). */
    @JvmStatic
    @Suppress("UNCHECKED_CAST")
    fun open(gate: Any) {
        (gate as CompletableDeferred<Int>).complete(1)
    }

    /** True if [gate] is a gate not yet completed. */
    @JvmStatic
    fun isPending(gate: Any?): Boolean = gate is CompletableDeferred<*> && !gate.isCompleted

    /** The value of a finished coroutine, or -1 while it runs. */
    @JvmStatic
    @OptIn(ExperimentalCoroutinesApi::class)
    fun result(coroutine: Any): Int {
        val d = coroutine as Deferred<*>
        return if (d.isCompleted) d.getCompleted() as Int else -1
    }
}
