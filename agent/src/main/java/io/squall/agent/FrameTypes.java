package io.squall.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.AnalyzerAdapter;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The verifier types of every local and operand-stack slot at chosen instructions, computed from the
 * method's own stack map frames and straight-line simulation between them ({@link AnalyzerAdapter}), so no
 * class is ever loaded or merged. Lists are in {@code AnalyzerAdapter} form: one entry per slot (a long or
 * double is followed by {@code TOP}); uninitialized types are the {@link LabelNode} of their {@code NEW}.
 */
final class FrameTypes {

    /** The types at one instruction, before it executes. */
    static final class At {
        final List<Object> locals;
        final List<Object> stack;

        At(List<Object> locals, List<Object> stack) {
            this.locals = locals;
            this.stack = stack;
        }
    }

    /** Types before each chosen instruction; absent if it is unreachable. */
    final Map<AbstractInsnNode, At> at = new IdentityHashMap<>();
    /** For each uninitialized type (the NEW's label), the {@code <init>} call that initializes it. */
    final Map<LabelNode, MethodInsnNode> initOf = new IdentityHashMap<>();

    private FrameTypes() {}

    /**
     * Simulates the method.
     *
     * @param owner the class's internal name
     * @param m the method (frames expanded)
     * @param chosen instructions whose types to record
     * @return the types found
     */
    static FrameTypes analyze(String owner, MethodNode m, Set<AbstractInsnNode> chosen) {
        Map<Label, LabelNode> labels = new HashMap<>();
        for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n instanceof LabelNode) {
                labels.put(((LabelNode) n).getLabel(), (LabelNode) n);
            }
        }
        FrameTypes result = new FrameTypes();
        AnalyzerAdapter a = new AnalyzerAdapter(owner, m.access, m.name, m.desc, null);
        for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
            if (a.locals != null && n.getOpcode() >= 0) {
                if (chosen.contains(n)) {
                    result.at.put(n, new At(convert(a.locals, labels), convert(a.stack, labels)));
                }
                if (n.getOpcode() == Opcodes.INVOKESPECIAL && "<init>".equals(((MethodInsnNode) n).name)) {
                    MethodInsnNode init = (MethodInsnNode) n;
                    int argSlots = (Type.getArgumentsAndReturnSizes(init.desc) >> 2) - 1;
                    Object receiver = a.stack.get(a.stack.size() - argSlots - 1);
                    if (receiver instanceof Label && labels.containsKey(receiver)) {
                        result.initOf.put(labels.get(receiver), init);
                    }
                }
            }
            n.accept(a);
        }
        return result;
    }

    private static List<Object> convert(List<Object> types, Map<Label, LabelNode> labels) {
        List<Object> out = new ArrayList<>(types.size());
        for (Object t : types) {
            out.add(t instanceof Label ? labels.get(t) : t);
        }
        return out;
    }

    /**
     * Turns a per-slot list into stack-map-frame form, where a long or double is one entry; trailing
     * {@code TOP}s are dropped when {@code trim} is set.
     *
     * @param slots a per-slot type list
     * @param trim whether to drop trailing TOPs (locals)
     * @return the frame entries
     */
    static Object[] toFrame(List<Object> slots, boolean trim) {
        List<Object> out = new ArrayList<>(slots.size());
        for (int i = 0; i < slots.size(); i++) {
            Object t = slots.get(i);
            out.add(t);
            if (t == Opcodes.LONG || t == Opcodes.DOUBLE) {
                i++;
            }
        }
        if (trim) {
            while (!out.isEmpty() && out.get(out.size() - 1) == Opcodes.TOP) {
                out.remove(out.size() - 1);
            }
        }
        return out.toArray();
    }
}
