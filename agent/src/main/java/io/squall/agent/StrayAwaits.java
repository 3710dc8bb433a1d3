package io.squall.agent;

import java.util.List;

import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Finds {@code await} calls in methods that are not coroutines (typically {@code list.forEach(x -> await(f))})
 * so they are reported when the class is loaded, not only when the call is reached. Pure and thread-safe.
 */
final class StrayAwaits {

    private StrayAwaits() {
        throw new AssertionError("no instances");
    }

    /**
     * Describes the first {@code await} of a method that is not a coroutine.
     *
     * @param cn the class
     * @param m one of its methods, not a coroutine
     * @return the warning, or null if {@code m} does not call await
     */
    static String warning(ClassNode cn, MethodNode m) {
        if ((m.access & org.objectweb.asm.Opcodes.ACC_BRIDGE) != 0 || m.instructions.size() == 0) {
            return null;
        }
        List<MethodInsnNode> awaits = MethodShapes.awaits(m);
        if (awaits.isEmpty()) {
            return null;
        }
        int line = MethodShapes.lineOf(awaits.get(0));
        String cls = cn.name.replace('/', '.');
        String at = cn.sourceFile != null && line > 0 ? " (" + cn.sourceFile + ":" + line + ")" : "";
        if (m.name.startsWith("lambda$")) {
            String[] parts = m.name.split("\\$");
            String enclosing = parts.length > 1 ? parts[1] : "?";
            return "await() in a lambda in " + cls + "." + enclosing + at + " (" + m.name + "), whose functional"
                    + " interface does not return a Future (e.g. list.forEach(x -> await(...))): the lambda is not"
                    + " a coroutine and cannot be annotated, so this await will throw when reached. Use a plain"
                    + " for loop in the enclosing @Coroutine method, or a lambda whose functional interface returns"
                    + " a Future (e.g. Function<T, Future<R>>, then await what it returns).";
        }
        return "await() in " + cls + "." + m.name + at + ", which is not a coroutine: this await will throw when"
                + " reached. Annotate the method with @io.squall.annotations.Coroutine and make it return"
                + " io.squall.Future, CompletionStage or CompletableFuture.";
    }
}
