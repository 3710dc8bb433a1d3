package io.squall.bench.kotlin

import kotlin.coroutines.Continuation
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.coroutineContext
import kotlin.coroutines.startCoroutine
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.runBlocking

/**
 * The await shapes of `AwaitBench` written with Kotlin coroutines, as a Kotlin user would write them: the
 * Kotlin peer. Every shape does [STEPS] await steps; the Java benchmarks call the `@JvmStatic` entry points.
 *
 * - `done`: a loop of awaits of an already completed [Deferred] (no suspension), started with
 *   [startCoroutine] on the calling thread (as calling a Squall coroutine runs it at once).
 * - `hop`: on one thread, inside [runBlocking] (its event loop is the thread's single-threaded loop, as
 *   `IOLoop.runSync` is Squall's): each step awaits a fresh [CompletableDeferred] that a callback posted to
 *   that loop completes, so every step suspends and resumes through the loop.
 * - `chain`: nested suspend calls, all suspended, resolved from the innermost by a posted callback.
 */
object KotlinSteps {
    /** Must equal `io.squall.bench.steps.Steps.STEPS` (the benchmark checks every result against it). */
    const val STEPS = 1000

    /** A completed [Deferred] holding [value], for `done`. */
    @JvmStatic
    fun completed(value: Int): Deferred<Int> = CompletableDeferred(value)

    /** done: the sum of [STEPS] awaits of [done], which must hold 1. */
    @JvmStatic
    fun done(done: Deferred<Int>): Int {
        var result: Result<Int>? = null
        suspend { doneSteps(done) }.startCoroutine(Continuation(EmptyCoroutineContext) { result = it })
        return result!!.getOrThrow()
    }

    private suspend fun doneSteps(done: Deferred<Int>): Int {
        var sum = 0
        for (i in 0 until STEPS) {
            sum += done.await()
        }
        return sum
    }

    /** hop: runs [hopSteps] on this thread's event loop until it is done. */
    @JvmStatic
    fun hop(): Int = runBlocking {
        hopSteps(coroutineContext[ContinuationInterceptor] as CoroutineDispatcher)
    }

    private suspend fun hopSteps(loop: CoroutineDispatcher): Int {
        var sum = 0
        for (i in 0 until STEPS) {
            val f = CompletableDeferred<Int>()
            loop.dispatch(EmptyCoroutineContext, Runnable { f.complete(1) })
            sum += f.await()
        }
        return sum
    }

    /** chain: [STEPS] nested suspend calls, the innermost awaiting a leaf completed by a posted callback. */
    @JvmStatic
    fun chain(): Int = runBlocking {
        val loop = coroutineContext[ContinuationInterceptor] as CoroutineDispatcher
        val leaf = CompletableDeferred<Int>()
        loop.dispatch(EmptyCoroutineContext, Runnable { leaf.complete(0) }) // runs once every level is suspended
        chainSteps(STEPS - 1, leaf)
    }

    private suspend fun chainSteps(depth: Int, leaf: Deferred<Int>): Int {
        val v = if (depth == 0) leaf.await() else chainSteps(depth - 1, leaf)
        return v + 1
    }

    /** [chainSteps] again, as a function of its own (so with a continuation class of its own), for [pollute]. */
    private suspend fun chainStepsB(depth: Int, leaf: Deferred<Int>): Int {
        val v = if (depth == 0) leaf.await() else chainStepsB(depth - 1, leaf)
        return v + 1
    }

    /** As [chainStepsB], a third function. */
    private suspend fun chainStepsC(depth: Int, leaf: Deferred<Int>): Int {
        val v = if (depth == 0) leaf.await() else chainStepsC(depth - 1, leaf)
        return v + 1
    }

    /**
     * Runs [hopSteps], [chainStepsB] and [chainStepsC] until the JIT has seen them at `BaseContinuationImpl`'s
     * `invokeSuspend` call site (before [chain] runs there), so that the site is megamorphic: the Kotlin side of
     * `chainMegamorphic`.
     */
    @JvmStatic
    fun pollute() {
        repeat(3000) {
            check(hop() == STEPS)
            check(chainWith { d, leaf -> chainStepsB(d, leaf) } == STEPS)
            check(chainWith { d, leaf -> chainStepsC(d, leaf) } == STEPS)
        }
    }

    private fun chainWith(steps: suspend (Int, Deferred<Int>) -> Int): Int = runBlocking {
        val loop = coroutineContext[ContinuationInterceptor] as CoroutineDispatcher
        val leaf = CompletableDeferred<Int>()
        loop.dispatch(EmptyCoroutineContext, Runnable { leaf.complete(0) })
        steps(STEPS - 1, leaf)
    }
}
