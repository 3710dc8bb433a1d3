package io.squall.agent;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Backward liveness of local variable slots: which locals may be read, on some path, before they are
 * written. Exception edges count: a local read by a handler is live wherever the handler's range covers.
 */
final class Liveness {

    private final AbstractInsnNode[] insns;
    private final BitSet[] liveIn;
    private final int[][] successors;
    private final int[][] handlers;

    private Liveness(MethodNode m) {
        InsnList list = m.instructions;
        insns = list.toArray();
        int n = insns.length;
        liveIn = new BitSet[n];
        successors = new int[n][];
        handlers = new int[n][];
        List<List<Integer>> handlerLists = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            liveIn[i] = new BitSet();
            handlerLists.add(null);
        }
        for (TryCatchBlockNode tcb : m.tryCatchBlocks) {
            int start = list.indexOf(tcb.start);
            int end = list.indexOf(tcb.end);
            int h = list.indexOf(tcb.handler);
            for (int i = start; i < end; i++) {
                if (handlerLists.get(i) == null) {
                    handlerLists.set(i, new ArrayList<>(2));
                }
                handlerLists.get(i).add(h);
            }
        }
        for (int i = 0; i < n; i++) {
            successors[i] = successorsOf(list, i);
            List<Integer> hs = handlerLists.get(i);
            handlers[i] = hs == null ? new int[0] : hs.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * Computes liveness for a method.
     *
     * @param m the method, whose instruction list must not change while the result is used
     * @return the analysis
     */
    static Liveness of(MethodNode m) {
        Liveness l = new Liveness(m);
        l.solve();
        return l;
    }

    /**
     * Returns the locals live right after {@code insn} executes (including those its handlers read).
     *
     * @param index the instruction's index in the list
     * @return a fresh set of live slot numbers
     */
    BitSet liveAfter(int index) {
        BitSet out = new BitSet();
        for (int s : successors[index]) {
            out.or(liveIn[s]);
        }
        for (int h : handlers[index]) {
            out.or(liveIn[h]);
        }
        return out;
    }

    private void solve() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = insns.length - 1; i >= 0; i--) {
                BitSet in = liveAfter(i);
                AbstractInsnNode insn = insns[i];
                if (insn instanceof VarInsnNode) {
                    VarInsnNode v = (VarInsnNode) insn;
                    if (v.getOpcode() >= Opcodes.ISTORE && v.getOpcode() <= Opcodes.ASTORE) {
                        in.clear(v.var);
                        // a handler may still see the old value if the store is what throws: never for stores
                    } else {
                        in.set(v.var);
                    }
                } else if (insn instanceof IincInsnNode) {
                    in.set(((IincInsnNode) insn).var);
                }
                for (int h : handlers[i]) {
                    in.or(liveIn[h]);
                }
                if (!in.equals(liveIn[i])) {
                    liveIn[i] = in;
                    changed = true;
                }
            }
        }
    }

    private static int[] successorsOf(InsnList list, int i) {
        AbstractInsnNode insn = list.get(i);
        int next = i + 1 < list.size() ? i + 1 : -1;
        int op = insn.getOpcode();
        if (insn instanceof JumpInsnNode) {
            int target = list.indexOf(((JumpInsnNode) insn).label);
            if (op == Opcodes.GOTO) {
                return new int[] {target};
            }
            return next < 0 ? new int[] {target} : new int[] {target, next};
        }
        if (insn instanceof TableSwitchInsnNode) {
            TableSwitchInsnNode t = (TableSwitchInsnNode) insn;
            return targets(list, t.dflt, t.labels);
        }
        if (insn instanceof LookupSwitchInsnNode) {
            LookupSwitchInsnNode t = (LookupSwitchInsnNode) insn;
            return targets(list, t.dflt, t.labels);
        }
        if ((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW) {
            return new int[0];
        }
        return next < 0 ? new int[0] : new int[] {next};
    }

    private static int[] targets(InsnList list, LabelNode dflt, List<LabelNode> labels) {
        int[] r = new int[labels.size() + 1];
        r[0] = list.indexOf(dflt);
        for (int k = 0; k < labels.size(); k++) {
            r[k + 1] = list.indexOf(labels.get(k));
        }
        return r;
    }
}
