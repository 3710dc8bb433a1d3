package io.squall.agent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;

/** Small structural queries on method bodies: await calls, lines, monitors, neighbours. */
final class MethodShapes {

    private MethodShapes() {
        throw new AssertionError("no instances");
    }

    /** @return true if {@code n} calls {@code Async.await(Future)} or {@code Async.await(CompletionStage)} */
    static boolean isAwait(AbstractInsnNode n) {
        if (n.getOpcode() != Opcodes.INVOKESTATIC) {
            return false;
        }
        MethodInsnNode mi = (MethodInsnNode) n;
        return Names.ASYNC.equals(mi.owner) && Names.AWAIT.equals(mi.name)
                && (Names.AWAIT_FUTURE_DESC.equals(mi.desc) || Names.AWAIT_STAGE_DESC.equals(mi.desc));
    }

    /** @return the await calls of the method, in code order */
    static List<MethodInsnNode> awaits(MethodNode m) {
        List<MethodInsnNode> out = new ArrayList<>();
        for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
            if (isAwait(n)) {
                out.add((MethodInsnNode) n);
            }
        }
        return out;
    }

    /** @return the source line of {@code n}, or -1 without debug info */
    static int lineOf(AbstractInsnNode n) {
        for (AbstractInsnNode p = n; p != null; p = p.getPrevious()) {
            if (p instanceof LineNumberNode) {
                return ((LineNumberNode) p).line;
            }
        }
        return -1;
    }

    /** @return the first source line of the method, or -1 without debug info */
    static int firstLine(MethodNode m) {
        for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n instanceof LineNumberNode) {
                return ((LineNumberNode) n).line;
            }
        }
        return -1;
    }

    /** @return the first real instruction of {@code code} (not a label, line or frame), or null */
    static AbstractInsnNode firstReal(InsnList code) {
        AbstractInsnNode first = code.getFirst();
        return first == null || first.getOpcode() >= 0 ? first : nextReal(first);
    }

    /** @return the next node after {@code n} that is a real instruction (not a label, line or frame), or null */
    static AbstractInsnNode nextReal(AbstractInsnNode n) {
        AbstractInsnNode p = n.getNext();
        while (p != null && p.getOpcode() < 0) {
            p = p.getNext();
        }
        return p;
    }

    /**
     * Finds an await that runs while a monitor is held: inside a {@code synchronized} block. The monitor
     * depth is propagated along normal edges; a handler starts at the lowest depth of the instructions its
     * range covers (an outer catch is reached after the inner {@code synchronized} handler released the lock).
     *
     * @param m the method
     * @return the first such await, or null
     */
    static AbstractInsnNode awaitUnderMonitor(MethodNode m) {
        InsnList list = m.instructions;
        boolean hasMonitor = false;
        for (AbstractInsnNode n = list.getFirst(); n != null; n = n.getNext()) {
            if (n.getOpcode() == Opcodes.MONITORENTER) {
                hasMonitor = true;
                break;
            }
        }
        if (!hasMonitor) {
            return null;
        }
        int size = list.size();
        int[] depth = new int[size];
        Arrays.fill(depth, -1);
        ArrayDeque<Integer> work = new ArrayDeque<>();
        depth[0] = 0;
        work.add(0);
        boolean changed = true;
        while (changed) {
            while (!work.isEmpty()) {
                int i = work.poll();
                AbstractInsnNode n = list.get(i);
                int d = depth[i];
                int op = n.getOpcode();
                int out = op == Opcodes.MONITORENTER ? d + 1 : op == Opcodes.MONITOREXIT ? Math.max(0, d - 1) : d;
                for (int s : successors(list, i)) {
                    if (depth[s] < 0 || out < depth[s]) {
                        depth[s] = out;
                        work.add(s);
                    }
                }
            }
            changed = false;
            for (TryCatchBlockNode tcb : m.tryCatchBlocks) {
                int min = Integer.MAX_VALUE;
                for (int i = list.indexOf(tcb.start); i < list.indexOf(tcb.end); i++) {
                    if (depth[i] >= 0) {
                        min = Math.min(min, depth[i]);
                    }
                }
                int h = list.indexOf(tcb.handler);
                if (min != Integer.MAX_VALUE && (depth[h] < 0 || min < depth[h])) {
                    depth[h] = min;
                    work.add(h);
                    changed = true;
                }
            }
        }
        for (int i = 0; i < size; i++) {
            if (depth[i] > 0 && isAwait(list.get(i))) {
                return list.get(i);
            }
        }
        return null;
    }

    private static int[] successors(InsnList list, int i) {
        AbstractInsnNode n = list.get(i);
        int op = n.getOpcode();
        int next = i + 1 < list.size() ? i + 1 : -1;
        if (n instanceof JumpInsnNode) {
            int t = list.indexOf(((JumpInsnNode) n).label);
            return op == Opcodes.GOTO || next < 0 ? new int[] {t} : new int[] {t, next};
        }
        List<LabelNode> labels = null;
        LabelNode dflt = null;
        if (n instanceof TableSwitchInsnNode) {
            labels = ((TableSwitchInsnNode) n).labels;
            dflt = ((TableSwitchInsnNode) n).dflt;
        } else if (n instanceof LookupSwitchInsnNode) {
            labels = ((LookupSwitchInsnNode) n).labels;
            dflt = ((LookupSwitchInsnNode) n).dflt;
        }
        if (labels != null) {
            int[] r = new int[labels.size() + 1];
            r[0] = list.indexOf(dflt);
            for (int k = 0; k < labels.size(); k++) {
                r[k + 1] = list.indexOf(labels.get(k));
            }
            return r;
        }
        if ((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW || next < 0) {
            return new int[0];
        }
        return new int[] {next};
    }
}
