package io.squall.agent;

import org.objectweb.asm.tree.AbstractInsnNode;

/**
 * Why a coroutine cannot be rewritten, and what the user should do. Thrown by the analysis; the class
 * rewriter turns it into a method that returns a failed Future with the full message.
 */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    /** What is wrong, e.g. "await inside a synchronized block". */
    final transient String reason;
    /** What to do about it. */
    final transient String fix;
    /** The instruction the refusal is about (for its line), or null. */
    final transient AbstractInsnNode at;

    Refusal(String reason, String fix, AbstractInsnNode at) {
        super(reason + ". " + fix, null, false, false);
        this.reason = reason;
        this.fix = fix;
        this.at = at;
    }
}
