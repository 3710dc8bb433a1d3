package io.squall.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Uninitialized objects live across an await ({@code new Foo(a, await(x))} with {@code NEW; DUP} on the
 * operand stack, or javac's {@code new Box(k, switch (k) { case 0 -> { try { yield await(f); } ... } })},
 * where the {@code NEW} reference sits in locals). Such a reference cannot be saved, and a fresh
 * {@code NEW} elsewhere would have another verifier type ({@code uninitialized(offset)} names the
 * instruction), so on resume the body re-executes the <em>original</em> {@code NEW} instruction:
 *
 * <pre>
 *   prologue, site s:  rs = s; locals and stack as before NEW X (defaults); goto preX
 * preX:                (frame: the original frame before NEW X)
 *   NEW X
 *   ILOAD rs; LOOKUPSWITCH { s: stubX_s; default: cont }   // rs is -1 except while resuming
 * cont:                original code
 * ...
 * stubX_s:             (appended after the method's code, outside every try range)
 *   keep NEW X's value and the uninitialized values before it in temporaries, drop the rest;
 *   either set up the frame before the next NEW of the chain and jump there, or restore site s's frame
 *   (every slot and stack entry that held an uninitialized object gets the fresh one), rs = -1, goto fast_s
 * </pre>
 *
 * A {@code NEW} has no side effect besides initializing its class, which happened at its first execution,
 * so nothing observable runs twice; the objects allocated before the suspension are dropped uninitialized
 * (no constructor ran, nothing can reach them). The chain of a site holds every {@code NEW} whose value is
 * live there, plus, transitively, those whose values are live before one of them, ordered so each runs
 * after the ones it depends on.
 */
final class UninitializedObjects {

    /** One {@code NEW} instruction whose value is live across some await. */
    private static final class New {
        final AbstractInsnNode insn;
        /** The types before it (its frame). */
        final FrameTypes.At before;
        /** The uninitialized type naming it (a label at its offset). */
        final LabelNode type;
        final LabelNode pre = new LabelNode();
        final LabelNode cont = new LabelNode();
        /** Per site state: the stub that continues that site's chain after this NEW. */
        final Map<Integer, LabelNode> stubs = new LinkedHashMap<>();
        int temp = -1;

        New(AbstractInsnNode insn, FrameTypes.At before, LabelNode type) {
            this.insn = insn;
            this.before = before;
            this.type = type;
        }
    }

    /** Restores one site's frame once its uninitialized objects are in temporaries. */
    interface SiteRestore {
        /**
         * Emits the restore of site {@code state}'s locals and stack, ending with a jump to its fast label.
         *
         * @param state the site
         * @param code where to emit
         */
        void emit(int state, InsnList code);
    }

    private final MethodNode body;
    private final FrameTypes types;
    private final int contSlot;
    /** Slots from {@link #contSlot} on that belong to the rewrite, not to the user's code. */
    private final int reserved;
    private final boolean isStatic;
    private final String owner;
    /** NEW instruction to its entry, in order of first use. */
    private final Map<AbstractInsnNode, New> news = new LinkedHashMap<>();
    /** Site state to its chain. */
    private final Map<Integer, List<New>> chains = new LinkedHashMap<>();
    /** The local holding the site being resumed through the chain, or -1 (none yet). */
    private int rs = -1;

    UninitializedObjects(MethodNode body, FrameTypes types, String owner, int contSlot, int reserved,
            boolean isStatic) {
        this.body = body;
        this.types = types;
        this.owner = owner;
        this.contSlot = contSlot;
        this.reserved = reserved;
        this.isStatic = isStatic;
    }

    /** Puts a label right before each NEW so uninitialized types can be traced back to it. */
    static void labelNews(MethodNode body) {
        for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n.getOpcode() == Opcodes.NEW) {
                body.instructions.insertBefore(n, new LabelNode());
            }
        }
    }

    /** @return whether {@code t} is an uninitialized type (or uninitializedThis) */
    static boolean isUninitialized(Object t) {
        return t instanceof LabelNode || t == Opcodes.UNINITIALIZED_THIS;
    }

    /**
     * Plans the chain of one await site.
     *
     * @param state the site's state number
     * @param at the types at the site
     * @param await the await instruction (for refusals)
     * @return whether the site holds uninitialized objects
     * @throws Refusal if one cannot be re-created
     */
    boolean plan(int state, FrameTypes.At at, AbstractInsnNode await) throws Refusal {
        List<New> needed = new ArrayList<>();
        collect(at, needed, await);
        if (needed.isEmpty()) {
            return false;
        }
        for (int i = 0; i < needed.size(); i++) {
            collect(needed.get(i).before, needed, await);
        }
        // Order: X before Y when X's value is live before Y. Verifiable code has no cycles (whichever of two
        // NEWs runs first on a path is live at the other); a cycle means frames we do not understand.
        List<New> order = new ArrayList<>();
        List<New> left = new ArrayList<>(needed);
        while (!left.isEmpty()) {
            New next = null;
            for (New n : left) {
                boolean ready = true;
                for (New d : dependencies(n, await)) {
                    if (d != n && !order.contains(d)) {
                        ready = false;
                        break;
                    }
                }
                if (ready) {
                    next = n;
                    break;
                }
            }
            if (next == null) {
                throw new Refusal("uninitialized objects that depend on each other across an await (class file"
                        + " not produced by javac or ECJ)", "Assign the awaited value to a local before the 'new'"
                        + " expression", await);
            }
            order.add(next);
            left.remove(next);
        }
        for (New n : order) {
            n.stubs.put(state, new LabelNode());
        }
        chains.put(state, order);
        return true;
    }

    private List<New> dependencies(New n, AbstractInsnNode await) throws Refusal {
        List<New> deps = new ArrayList<>();
        collect(n.before, deps, await);
        if (deps.contains(n)) {
            throw new Refusal("an uninitialized object still live when its own 'new' runs again (class file not"
                    + " produced by javac or ECJ)", "Assign the awaited value to a local before the 'new'"
                    + " expression", await);
        }
        return deps;
    }

    private void collect(FrameTypes.At at, List<New> out, AbstractInsnNode await) throws Refusal {
        collect(at.locals, out, await);
        collect(at.stack, out, await);
    }

    private void collect(List<Object> slots, List<New> out, AbstractInsnNode await) throws Refusal {
        for (Object t : slots) {
            if (t == Opcodes.UNINITIALIZED_THIS) {
                throw new Refusal("await before the super constructor call", "Constructors cannot be coroutines",
                        await);
            }
            if (t instanceof LabelNode) {
                New n = newOf((LabelNode) t, await);
                if (!out.contains(n)) {
                    out.add(n);
                }
            }
        }
    }

    private New newOf(LabelNode type, AbstractInsnNode await) throws Refusal {
        AbstractInsnNode insn = MethodShapes.nextReal(type);
        New n = news.get(insn);
        if (n != null) {
            return n;
        }
        FrameTypes.At before = insn == null ? null : types.at.get(insn);
        if (insn == null || insn.getOpcode() != Opcodes.NEW || before == null) {
            throw new Refusal("an uninitialized object whose 'new' instruction cannot be found", "Assign the"
                    + " awaited value to a local before the 'new' expression", await);
        }
        n = new New(insn, before, type);
        news.put(insn, n);
        return n;
    }

    /** @return whether site {@code state} holds uninitialized objects */
    boolean hasChain(int state) {
        return chains.containsKey(state);
    }

    /** @return whether any site holds uninitialized objects */
    boolean any() {
        return !chains.isEmpty();
    }

    /** @return the chain's temporary holding the uninitialized object named by {@code type} */
    int temp(Object type) {
        return newOf(type).temp;
    }

    private New newOf(Object type) {
        return news.get(MethodShapes.nextReal((LabelNode) type));
    }

    /**
     * Allocates the locals the chains need: the resume-site local and one temporary per {@code NEW}.
     *
     * @return the resume-site local
     */
    int allocate() {
        rs = body.maxLocals++;
        for (New n : news.values()) {
            n.temp = body.maxLocals++;
        }
        return rs;
    }

    /** @return code for the body's very start: {@code rs = -1} */
    InsnList init() {
        InsnList code = new InsnList();
        code.add(new InsnNode(Opcodes.ICONST_M1));
        code.add(new VarInsnNode(Opcodes.ISTORE, rs));
        return code;
    }

    /**
     * The prologue's restore code of a site with uninitialized objects: {@code rs = state}, the frame before
     * the chain's first NEW, and a jump to it.
     */
    InsnList enter(int state) {
        InsnList code = new InsnList();
        code.add(Bytecode.pushInt(state));
        code.add(new VarInsnNode(Opcodes.ISTORE, rs));
        New first = chains.get(state).get(0);
        setUp(first.before, code);
        code.add(new JumpInsnNode(Opcodes.GOTO, first.pre));
        return code;
    }

    /**
     * Inserts the dispatch after each NEW, then appends the stubs at the end of the body and adds the
     * resume-site local to every frame of the body.
     *
     * @param restore emits a site's final restore
     */
    void emit(SiteRestore restore) {
        for (New n : news.values()) {
            InsnList list = body.instructions;
            if (!hasFrameBefore(n.insn)) {
                list.insertBefore(n.insn, n.pre);
                list.insertBefore(n.insn, frame(n.before.locals, n.before.stack));
            } else {
                list.insertBefore(n.insn, n.pre);
            }
            InsnList dispatch = new InsnList();
            dispatch.add(new VarInsnNode(Opcodes.ILOAD, rs));
            int[] keys = new int[n.stubs.size()];
            LabelNode[] targets = new LabelNode[keys.length];
            int k = 0;
            for (Map.Entry<Integer, LabelNode> e : n.stubs.entrySet()) {
                keys[k] = e.getKey();
                targets[k++] = e.getValue();
            }
            dispatch.add(new LookupSwitchInsnNode(n.cont, keys, targets));
            dispatch.add(n.cont);
            List<Object> after = new ArrayList<>(n.before.stack);
            after.add(n.type);
            boolean nextHasFrame = false;
            for (AbstractInsnNode p = n.insn.getNext(); p != null && p.getOpcode() < 0; p = p.getNext()) {
                nextHasFrame |= p instanceof FrameNode;
            }
            if (!nextHasFrame) {
                dispatch.add(frame(n.before.locals, after));
            }
            list.insert(n.insn, dispatch);
        }
        InsnList stubs = new InsnList();
        for (Map.Entry<Integer, List<New>> e : chains.entrySet()) {
            int state = e.getKey();
            List<New> chain = e.getValue();
            for (int i = 0; i < chain.size(); i++) {
                New n = chain.get(i);
                stubs.add(n.stubs.get(state));
                List<Object> stack = new ArrayList<>(n.before.stack);
                stack.add(n.type);
                stubs.add(frame(n.before.locals, stack));
                stubs.add(new VarInsnNode(Opcodes.ASTORE, n.temp));
                List<Object> below = n.before.stack;
                for (int j = below.size() - 1; j >= 0; j--) {
                    Object t = below.get(j);
                    if (t == Opcodes.TOP) {
                        continue; // second half of a long or double: POP2 below takes both
                    }
                    if (t instanceof LabelNode) {
                        stubs.add(new VarInsnNode(Opcodes.ASTORE, newOf(t).temp));
                    } else {
                        stubs.add(new InsnNode(t == Opcodes.LONG || t == Opcodes.DOUBLE ? Opcodes.POP2 : Opcodes.POP));
                    }
                }
                List<Object> locals = n.before.locals;
                for (int slot = 0; slot < locals.size(); slot++) {
                    if (locals.get(slot) instanceof LabelNode) {
                        stubs.add(new VarInsnNode(Opcodes.ALOAD, slot));
                        stubs.add(new VarInsnNode(Opcodes.ASTORE, newOf(locals.get(slot)).temp));
                    }
                }
                if (i + 1 < chain.size()) {
                    New next = chain.get(i + 1);
                    setUp(next.before, stubs);
                    stubs.add(new JumpInsnNode(Opcodes.GOTO, next.pre));
                } else {
                    stubs.add(new InsnNode(Opcodes.ICONST_M1));
                    stubs.add(new VarInsnNode(Opcodes.ISTORE, rs));
                    restore.emit(state, stubs);
                }
            }
        }
        body.instructions.add(stubs);
        for (AbstractInsnNode p = body.instructions.getFirst(); p != null; p = p.getNext()) {
            if (p instanceof FrameNode) {
                addResumeSite((FrameNode) p);
            }
        }
    }

    /** Fills the locals and pushes the stack of {@code at}: defaults, or the chain's uninitialized objects. */
    private void setUp(FrameTypes.At at, InsnList code) {
        for (int slot = 0; slot < at.locals.size(); slot++) {
            Object t = at.locals.get(slot);
            char sort = StateMachine.sortOf(t);
            if (sort == 'T' || (slot >= contSlot && slot < contSlot + reserved) || slot == rs || (slot == 0 && !isStatic && owner.equals(t))) {
                continue;
            }
            code.add(value(t));
            code.add(new VarInsnNode(Bytecode.storeOpcode(sort == 'U' || sort == 'N' ? 'L' : sort), slot));
        }
        for (Object t : at.stack) {
            if (t != Opcodes.TOP) {
                code.add(value(t));
            }
        }
    }

    private AbstractInsnNode value(Object t) {
        if (t instanceof LabelNode) {
            return new VarInsnNode(Opcodes.ALOAD, newOf(t).temp);
        }
        switch (StateMachine.sortOf(t)) {
            case 'I':
                return new InsnNode(Opcodes.ICONST_0);
            case 'J':
                return new InsnNode(Opcodes.LCONST_0);
            case 'F':
                return new InsnNode(Opcodes.FCONST_0);
            case 'D':
                return new InsnNode(Opcodes.DCONST_0);
            default:
                return new InsnNode(Opcodes.ACONST_NULL);
        }
    }

    private static boolean hasFrameBefore(AbstractInsnNode insn) {
        for (AbstractInsnNode p = insn.getPrevious(); p != null && p.getOpcode() < 0; p = p.getPrevious()) {
            if (p instanceof FrameNode) {
                return true;
            }
        }
        return false;
    }

    private static FrameNode frame(List<Object> locals, List<Object> stack) {
        Object[] l = FrameTypes.toFrame(locals, true);
        Object[] s = FrameTypes.toFrame(stack, false);
        return new FrameNode(Opcodes.F_NEW, l.length, l, s.length, s);
    }

    /** Declares the resume-site local as an int in a frame of the body (it is set before the first frame). */
    private void addResumeSite(FrameNode f) {
        List<Object> slots = new ArrayList<>();
        if (f.local != null) {
            for (Object t : f.local) {
                slots.add(t);
                if (t == Opcodes.LONG || t == Opcodes.DOUBLE) {
                    slots.add(Opcodes.TOP);
                }
            }
        }
        while (slots.size() <= rs) {
            slots.add(Opcodes.TOP);
        }
        slots.set(rs, Opcodes.INTEGER);
        f.local = new ArrayList<>(List.of(FrameTypes.toFrame(slots, true)));
    }
}
