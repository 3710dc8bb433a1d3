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

    static {
        try {
            SELF = MethodHandles.lookup().findVirtual(Continuation.class, "self", MethodType.methodType(Object.class));
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
        int last = t.parameterCount() - 1;
        Object[] defaults = new Object[last - first];
        for (int i = first; i < last; i++) {
            Class<?> p = t.parameterType(i);
            defaults[i - first] = p.isPrimitive() ? Array.get(Array.newInstance(p, 1), 0) : null;
        }
        MethodHandle h = defaults.length == 0 ? body : MethodHandles.insertArguments(body, first, defaults);
        if (isStatic == 0) {
            h = MethodHandles.filterArguments(h, 0, SELF.asType(MethodType.methodType(t.parameterType(0),
                    Continuation.class)));
            h = MethodHandles.permuteArguments(h, MethodType.methodType(Object.class, Continuation.class), 0, 0);
        }
        return h.asType(MethodType.methodType(Object.class, Continuation.class));
    }
}
