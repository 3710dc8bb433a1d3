package io.squall.internal;

/**
 * Re-enters a suspended coroutine's code: what a {@link Continuation} calls, on its loop's thread, to resume.
 *
 * <p>The agent links one per coroutine method when it first suspends (a lambda over the method's static resume
 * bridge), so that the resume is an ordinary interface call, which the JIT can inline where a call site sees one
 * coroutine (Kotlin's {@code invokeSuspend} is the same kind of call). Not for application code. DO NOT CHANGE
 * its name or descriptor: the agent bakes them into rewritten classes.
 */
@FunctionalInterface
public interface Resumer {

    /**
     * Resumes the coroutine {@code c} belongs to, at the await site {@code c} records.
     *
     * @param c the continuation to resume
     * @return what the coroutine's code returned (ignored by the continuation)
     */
    Object resume(Continuation c);
}
