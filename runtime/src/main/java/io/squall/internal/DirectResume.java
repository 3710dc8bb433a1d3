package io.squall.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;

/**
 * The resume handle of a coroutine rewritten for a debugger: instead of the class's synthetic
 * {@code name$N$squall$resume} bridge, the continuation invokes the coroutine's body through a handle built
 * here, so the only frames between the loop and the resumed body are {@code java.lang.invoke} frames (hidden
 * from stack traces, and skipped by a debugger's default step filters). A line step over an {@code await}
 * that suspends after a resume then ends in the loop's code ({@link Continuation}), never in a generated
 * method of the user's class without lines.
 *
 * <p>The agent uses it (a dynamic constant, class files of Java 11 or later) when the JVM runs a JDWP agent
 * or {@code io.squall.agent.resume=direct}; otherwise the bridge, a direct static call, is kept.
 */
public final class DirectResume {

    private static final MethodHandle SELF;
    private static final MethodHandle ENTER;

    /**
     * Inline mode's hand-over: the continuation a resume is about to re-enter the coroutine's method with,
     * set right before the call and taken by the method's first instruction, on the same thread.
     */
    private static final ThreadLocal<Continuation> RESUMING = new ThreadLocal<>();

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SELF = l.findVirtual(Continuation.class, "self", MethodType.methodType(Object.class));
            ENTER = l.findStatic(DirectResume.class, "enter", MethodType.methodType(void.class, Continuation.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private DirectResume() {
        throw new AssertionError("no instances");
    }

    /**
     * Bootstrap of the dynamic constant: adapts {@code body} ({@code (receiver?, args..., Continuation)Object})
     * to {@code (Continuation)Object}, passing zeros and nulls for the arguments (the body restores them
     * from the continuation) and, for an instance coroutine, {@code c.self()} as the receiver. Runs once per
     * coroutine, on the thread that first suspends it.
     *
     * @param lookup the coroutine's class (unused: the body handle is resolved by the constant pool)
     * @param name the constant's name (unused)
     * @param type {@code MethodHandle.class}
     * @param body a direct handle to the coroutine's body
     * @param isStatic whether the coroutine is static (else the body's first parameter is the receiver)
     * @return a handle of type {@code (Continuation)Object}
     */
    public static MethodHandle resume(MethodHandles.Lookup lookup, String name, Class<?> type, MethodHandle body,
            int isStatic) {
        MethodType t = body.type();
        int first = isStatic != 0 ? 0 : 1;
        Object[] defaults = defaults(t, first, t.parameterCount() - 1);
        MethodHandle h = defaults.length == 0 ? body : MethodHandles.insertArguments(body, first, defaults);
        if (isStatic == 0) {
            h = MethodHandles.filterArguments(h, 0, SELF.asType(MethodType.methodType(t.parameterType(0),
                    Continuation.class)));
            h = MethodHandles.permuteArguments(h, MethodType.methodType(Object.class, Continuation.class), 0, 0);
        }
        return h.asType(MethodType.methodType(Object.class, Continuation.class));
    }

    /**
     * Bootstrap of inline mode's dynamic constant: adapts {@code method}, the coroutine itself
     * ({@code (receiver?, args...)F}), to {@code (Continuation)Object}: {@link #enter} hands the continuation
     * over, then the method runs with zeros and nulls for its arguments (it restores them) and, for an
     * instance coroutine, {@code c.self()} as the receiver, called non-virtually (the handle is
     * {@code invokespecial}, so an override in a subclass is not resumed instead). What it returns is
     * ignored by the continuation. Runs once per coroutine, on the thread that first suspends it.
     *
     * @param lookup the coroutine's class (unused: the handle is resolved by the constant pool)
     * @param name the constant's name (unused)
     * @param type {@code MethodHandle.class}
     * @param method a direct handle to the coroutine's method
     * @param isStatic whether the coroutine is static (else the handle's first parameter is the receiver)
     * @return a handle of type {@code (Continuation)Object}
     */
    public static MethodHandle resumeInline(MethodHandles.Lookup lookup, String name, Class<?> type,
            MethodHandle method, int isStatic) {
        MethodType t = method.type();
        int first = isStatic != 0 ? 0 : 1;
        Object[] defaults = defaults(t, first, t.parameterCount());
        MethodHandle h = defaults.length == 0 ? method : MethodHandles.insertArguments(method, first, defaults);
        if (isStatic == 0) {
            h = MethodHandles.filterArguments(h, 0, SELF.asType(MethodType.methodType(t.parameterType(0),
                    Continuation.class)));
        } else {
            h = MethodHandles.dropArguments(h, 0, Continuation.class);
        }
        h = MethodHandles.foldArguments(h, ENTER);
        return h.asType(MethodType.methodType(Object.class, Continuation.class));
    }

    /** Zero or null for each parameter of {@code t} from {@code from} (inclusive) to {@code to} (exclusive). */
    private static Object[] defaults(MethodType t, int from, int to) {
        Object[] defaults = new Object[to - from];
        for (int i = from; i < to; i++) {
            Class<?> p = t.parameterType(i);
            defaults[i - from] = p.isPrimitive() ? Array.get(Array.newInstance(p, 1), 0) : null;
        }
        return defaults;
    }

    /**
     * Hands {@code c} over to the coroutine method about to be called on this thread (inline mode).
     *
     * @param c the continuation being resumed
     */
    public static void enter(Continuation c) {
        RESUMING.set(c);
    }

    /**
     * The first instruction of a coroutine rewritten in inline mode: the continuation handed over by
     * {@link #enter} if this call is a resume, else null (a first run). Clears the hand-over, so a coroutine
     * the resumed one calls starts a first run.
     *
     * @return the continuation to resume, or null
     */
    public static Continuation take() {
        Continuation c = RESUMING.get();
        if (c != null) {
            RESUMING.set(null);
        }
        return c;
    }

    /**
     * Inline mode's {@code return}: on a first run, what the state machine returns (the value, or the
     * suspended continuation) adapted to the method's declared type; on a resumed run null, which the
     * continuation ignores (the value already completed it).
     *
     * @param returned what the state machine returns
     * @param resumedWith the continuation the call was resumed with, or null on a first run
     * @param kind the declared type: 0 Future, 1 CompletionStage, 2 CompletableFuture
     * @return the coroutine's result on a first run, else null
     */
    public static Object leave(Object returned, Continuation resumedWith, int kind) {
        if (resumedWith != null) {
            return null;
        }
        switch (kind) {
            case 0:
                return CoroutineSupport.toFuture(returned);
            case 1:
                return CoroutineSupport.toStage(returned);
            default:
                return CoroutineSupport.toCompletableFuture(returned);
        }
    }

    /**
     * Inline mode's catch-all handler: on a first run a failed future of the declared type (as the entry
     * method of the other modes returns); on a resumed run the exception is rethrown to the continuation,
     * which fails with it.
     *
     * @param t what the coroutine threw
     * @param resumedWith the continuation the call was resumed with, or null on a first run
     * @param kind the declared type: 0 Future, 1 CompletionStage, 2 CompletableFuture
     * @return a failed future on a first run; on a resumed run {@code t} itself is thrown (unchecked or not),
     *     and on a first run a {@code NoLoopException} is, as the other modes throw it
     */
    public static Object thrown(Throwable t, Continuation resumedWith, int kind) {
        if (resumedWith != null) {
            throw CoroutineSupport.sneaky(t);
        }
        switch (kind) {
            case 0:
                return CoroutineSupport.failedFuture(t);
            case 1:
                return CoroutineSupport.failedStage(t);
            default:
                return CoroutineSupport.failedCompletableFuture(t);
        }
    }
}
