package io.squall.agent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Ends LocalVariableTable ranges where a local's value may be a restore default. When a suspension does
 * not save a dead local, the resumed frame holds a default (0, null) in its slot; every instruction that
 * can run after that resume before the slot is written again is taken out of the ranges of the entries
 * naming that slot, so a debugger says the variable is not in scope there rather than showing a value the
 * program never had. The normal (not suspended) path through the same code loses the variable too: the
 * code is shared and its value is dead there anyway.
 */
final class LocalRanges {

    private final MethodNode method;
    private final Map<AbstractInsnNode, List<LabelNode>> handlers = new IdentityHashMap<>();

    private LocalRanges(MethodNode method) {
        this.method = method;
        for (TryCatchBlockNode tcb : method.tryCatchBlocks) {
            for (AbstractInsnNode n = tcb.start; n != null && n != tcb.end; n = n.getNext()) {
                handlers.computeIfAbsent(n, k -> new ArrayList<>(2)).add(tcb.handler);
            }
        }
    }

    /**
     * Cuts the ranges of {@code method}'s LocalVariableTable.
     *
     * @param method the rewritten body, its code final
     * @param resumes per entry, the label the resumed code continues from and the slots restored as defaults
     */
    static void cut(MethodNode method, Map<LabelNode, BitSet> resumes) {
        if (method.localVariables == null || method.localVariables.isEmpty() || resumes.isEmpty()) {
            return;
        }
        BitSet slots = new BitSet();
        resumes.values().forEach(slots::or);
        LocalRanges r = new LocalRanges(method);
        for (int slot = slots.nextSetBit(0); slot >= 0; slot = slots.nextSetBit(slot + 1)) {
            List<AbstractInsnNode> sources = new ArrayList<>();
            for (Map.Entry<LabelNode, BitSet> e : resumes.entrySet()) {
                if (e.getValue().get(slot)) {
                    sources.add(e.getKey());
                }
            }
            r.cutSlot(slot, r.reach(slot, sources));
        }
    }

    /** Instructions reachable from {@code sources} before (and including) a write of {@code slot}. */
    private Set<AbstractInsnNode> reach(int slot, List<AbstractInsnNode> sources) {
        Set<AbstractInsnNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<AbstractInsnNode> work = new ArrayDeque<>(sources);
        while (!work.isEmpty()) {
            AbstractInsnNode n = work.pop();
            if (n == null || !seen.add(n)) {
                continue;
            }
            List<LabelNode> hs = handlers.get(n);
            if (hs != null) {
                work.addAll(hs);
            }
            if (writes(n, slot)) {
                continue;
            }
            int op = n.getOpcode();
            if (n instanceof JumpInsnNode) {
                work.push(((JumpInsnNode) n).label);
                if (op == Opcodes.GOTO) {
                    continue;
                }
            } else if (n instanceof TableSwitchInsnNode) {
                TableSwitchInsnNode t = (TableSwitchInsnNode) n;
                work.push(t.dflt);
                work.addAll(t.labels);
                continue;
            } else if (n instanceof LookupSwitchInsnNode) {
                LookupSwitchInsnNode t = (LookupSwitchInsnNode) n;
                work.push(t.dflt);
                work.addAll(t.labels);
                continue;
            } else if ((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW) {
                continue;
            }
            work.push(n.getNext());
        }
        return seen;
    }

    private static boolean writes(AbstractInsnNode n, int slot) {
        if (!(n instanceof VarInsnNode)) {
            return false;
        }
        int op = n.getOpcode();
        int var = ((VarInsnNode) n).var;
        if (op < Opcodes.ISTORE || op > Opcodes.ASTORE) {
            return false;
        }
        return var == slot || (var == slot - 1 && (op == Opcodes.LSTORE || op == Opcodes.DSTORE));
    }

    /** Splits every entry naming {@code slot} (or overlapping it) around the instructions in {@code bad}. */
    private void cutSlot(int slot, Set<AbstractInsnNode> bad) {
        List<LocalVariableNode> out = new ArrayList<>();
        for (LocalVariableNode lv : method.localVariables) {
            int size = lv.desc.equals("J") || lv.desc.equals("D") ? 2 : 1;
            if (slot < lv.index || slot >= lv.index + size) {
                out.add(lv);
                continue;
            }
            LabelNode open = lv.start;
            boolean any = false;
            boolean kept = false;
            for (AbstractInsnNode n = lv.start; n != null && n != lv.end; n = n.getNext()) {
                if (n.getOpcode() < 0) {
                    continue;
                }
                if (bad.contains(n)) {
                    if (open != null) {
                        if (any) {
                            out.add(piece(lv, open, labelBefore(n)));
                            kept = true;
                        }
                        open = null;
                    }
                } else if (open == null) {
                    open = labelBefore(n);
                    any = true;
                } else {
                    any = true;
                }
            }
            if (open != null && any) {
                out.add(piece(lv, open, lv.end));
                kept = true;
            }
            if (!kept) {
                // dead wherever it is in scope after a resume: an empty range keeps the name in the table
                // (the method still declares it) while no instruction shows it
                out.add(piece(lv, lv.start, lv.start));
            }
        }
        method.localVariables = out;
    }

    private static LocalVariableNode piece(LocalVariableNode lv, LabelNode start, LabelNode end) {
        return new LocalVariableNode(lv.name, lv.desc, lv.signature, start, end, lv.index);
    }

    private LabelNode labelBefore(AbstractInsnNode n) {
        AbstractInsnNode p = n.getPrevious();
        if (p instanceof LabelNode) {
            return (LabelNode) p;
        }
        LabelNode l = new LabelNode();
        method.instructions.insertBefore(n, l);
        return l;
    }
}
