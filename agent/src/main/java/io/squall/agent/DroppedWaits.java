package io.squall.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Finds calls whose only effect is the Future they return, dropped as a statement: {@code Gen.sleep(d);}
 * instead of {@code await(Gen.sleep(d));} waits for nothing, so the next line runs at once. Reported when the
 * class is loaded (the forgotten {@code await} is otherwise silent). Only {@code Gen} methods that start no work
 * of their own are checked (a dropped {@code stream.write(...)} or call of a coroutine still does its work, and
 * its failure is reported when the Future is collected). Pure and thread-safe.
 */
final class DroppedWaits {

    private static final String GEN = "io/squall/Gen";
    private static final Set<String> WAIT_ONLY = Set.of("sleep", "moment", "withTimeout", "multi");

    private DroppedWaits() {
        throw new AssertionError("no instances");
    }

    /**
     * Describes each dropped wait in a method.
     *
     * @param cn the class
     * @param m one of its methods, before any rewrite
     * @return one warning per dropped call, empty if none
     */
    static List<String> warnings(ClassNode cn, MethodNode m) {
        List<String> out = new ArrayList<>(0);
        for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n.getOpcode() != Opcodes.INVOKESTATIC) {
                continue;
            }
            MethodInsnNode call = (MethodInsnNode) n;
            if (!GEN.equals(call.owner) || !WAIT_ONLY.contains(call.name)) {
                continue;
            }
            AbstractInsnNode next = MethodShapes.nextReal(call);
            if (next == null || next.getOpcode() != Opcodes.POP) {
                continue;
            }
            int line = MethodShapes.lineOf(call);
            String at = cn.sourceFile != null && line > 0 ? " (" + cn.sourceFile + ":" + line + ")" : "";
            out.add("the Future of Gen." + call.name + "(...) in " + cn.name.replace('/', '.') + "." + m.name + at
                    + " is dropped: nothing waits for it, so the code after it runs at once. Write await(Gen."
                    + call.name + "(...)) in a @Coroutine method, or keep the Future and add a callback to it.");
        }
        return out;
    }
}
