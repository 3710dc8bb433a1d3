package io.squall.agent;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Emits the state machine of one coroutine body: at each await site a done check, the spill of the live
 * frame into the continuation and the suspension; at the body's start a {@code tableswitch} over the sites
 * that restores the frame and jumps back to the site. See {@link MethodRewriter} for the emitted shape.
 *
 * <p>Three passes: analyse (verifier types at each site and before each {@code NEW} from the method's own
 * frames, and liveness), plan (which values go to which continuation slot; {@link UninitializedObjects} plans
 * how the uninitialized objects live at a site are re-created), emit (site code, the prologue, then the
 * re-creation stubs).
 */
final class StateMachine {

    private final ClassNode owner;
    private final MethodNode body;
    private final int contSlot;
    private final boolean isStatic;
    private final boolean isInterface;
    /** How many slots from {@link #contSlot} on the rewrite reserved (the continuation, and in inline mode
     * the continuation the call was resumed with): never saved or restored. */
    private final int reserved;
    /** Makes the instruction that pushes the resume handle {@code Continuation.of} is given. */
    private final Supplier<AbstractInsnNode> resumeHandle;
    /** Locals on entry to the body: receiver, parameters, continuation. */
    private final List<Object> entryLocals;

    /** One value to save at a site: a local slot or an operand-stack entry. */
    private static final class Value {
        final Object type;
        /** Local slot, or -1 for a stack entry. */
        final int slot;
        /** Index in refs/prims, or -1 if not saved (dead local, null constant). */
        int index = -1;

        Value(Object type, int slot) {
            this.type = type;
            this.slot = slot;
        }

        char sort() {
            return sortOf(type);
        }
    }

    /** @return the kind of a frame type: L(reference) I F J D N(null) T(top) U(uninitialized) */
    static char sortOf(Object t) {
        if (t instanceof String) {
            return 'L';
        }
        if (t == Opcodes.INTEGER) {
            return 'I';
        }
        if (t == Opcodes.FLOAT) {
            return 'F';
        }
        if (t == Opcodes.LONG) {
            return 'J';
        }
        if (t == Opcodes.DOUBLE) {
            return 'D';
        }
        if (t == Opcodes.NULL) {
            return 'N';
        }
        if (t == Opcodes.TOP) {
            return 'T';
        }
        return 'U';
    }

    /** One await site and the plan for saving its frame. */
    private static final class Site {
        final MethodInsnNode insn;
        final int state;
        FrameTypes.At types;
        final List<Value> locals = new ArrayList<>();
        final List<Value> stack = new ArrayList<>();
        int refs;
        int prims;
        final LabelNode fast = new LabelNode();
        final LabelNode restore = new LabelNode();
        /** Named locals in scope here that are not saved: restored as defaults, so out of the debugger's view. */
        final BitSet defaulted = new BitSet();

        Site(MethodInsnNode insn, int state) {
            this.insn = insn;
            this.state = state;
        }
    }

    private final List<Site> sites = new ArrayList<>();
    /** Re-creates the uninitialized objects live at sites (null until planned). */
    private UninitializedObjects uninit;
    private int tmpSlot;
    /** The sites' class, method, file and lines ({@link AwaitSiteTable}), passed to {@code Continuation.of}. */
    private String siteTable;
    /** Right after the prologue's {@code c == null} check. */
    private final LabelNode afterCheck = new LabelNode();
    private int maxRefs;
    private int maxPrims;

    StateMachine(ClassNode owner, MethodNode body, int contSlot, boolean isStatic, boolean isInterface,
            int reserved, Supplier<AbstractInsnNode> resumeHandle, List<Object> entryLocals,
            List<MethodInsnNode> awaits) {
        this.owner = owner;
        this.body = body;
        this.contSlot = contSlot;
        this.isStatic = isStatic;
        this.isInterface = isInterface;
        this.reserved = reserved;
        this.resumeHandle = resumeHandle;
        this.entryLocals = entryLocals;
        for (MethodInsnNode a : awaits) {
            sites.add(new Site(a, sites.size()));
        }
    }

    void emit() throws Refusal {
        UninitializedObjects.labelNews(body);
        FrameTypes types = analyze();
        List<Site> live = new ArrayList<>();
        for (Site s : sites) {
            s.types = types.at.get(s.insn);
            if (s.types == null) {
                continue; // unreachable: javac leaves none, and it could never run anyway
            }
            List<Object> stack = s.types.stack;
            if (stack.get(stack.size() - 1) == Opcodes.NULL) {
                s.insn.name = "get";
                s.insn.owner = Names.SUPPORT;
                continue; // await of the null constant: always throws NullPointerException
            }
            live.add(s);
        }
        sites.clear();
        for (Site s : live) {
            sites.add(new Site(s.insn, sites.size()));
            sites.get(sites.size() - 1).types = s.types;
        }
        if (sites.isEmpty()) {
            return;
        }
        List<MethodInsnNode> awaits = new ArrayList<>();
        for (Site s : sites) {
            awaits.add(s.insn);
        }
        siteTable = AwaitSiteTable.of(owner, body, awaits);
        AbstractInsnNode userStart = MethodShapes.firstReal(body.instructions);
        uninit = new UninitializedObjects(body, types, owner.name, contSlot, reserved, isStatic);
        plan();
        tmpSlot = body.maxLocals++;
        if (uninit.any()) {
            uninit.allocate();
        }
        for (Site s : sites) {
            emitSite(s);
        }
        emitPrologue();
        if (uninit.any()) {
            uninit.emit((state, code) -> restoreFrame(sites.get(state), code));
            body.instructions.insert(uninit.init());
        }
        coverEntryCheck(userStart);
        Map<LabelNode, BitSet> resumes = new IdentityHashMap<>();
        for (Site s : sites) {
            if (!s.defaulted.isEmpty()) {
                resumes.put(s.fast, s.defaulted);
            }
        }
        LocalRanges.cut(body, resumes);
    }

    private FrameTypes analyze() {
        Set<AbstractInsnNode> chosen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Site s : sites) {
            chosen.add(s.insn);
        }
        for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n.getOpcode() == Opcodes.NEW) {
                chosen.add(n); // the frame before each NEW, to re-create uninitialized objects on resume
            }
        }
        return FrameTypes.analyze(owner.name, body, chosen);
    }

    /** Decides, per site, which locals and stack entries to save and where. */
    private void plan() throws Refusal {
        Liveness liveness = Liveness.of(body);
        boolean keepNamed = LocalsPolicy.keepAll();
        for (Site s : sites) {
            uninit.plan(s.state, s.types, s.insn);
            int at = body.instructions.indexOf(s.insn);
            BitSet live = liveness.liveAfter(at);
            BitSet named = namedAt(at);
            List<Object> locals = s.types.locals;
            for (int slot = 0; slot < locals.size(); slot++) {
                Object t = locals.get(slot);
                char sort = sortOf(t);
                if (sort == 'T' || (slot >= contSlot && slot < contSlot + reserved) || (slot == 0 && !isStatic)) {
                    continue;
                }
                Value v = new Value(t, slot);
                if (sort != 'N' && sort != 'U') {
                    if (live.get(slot) || (keepNamed && named.get(slot))) {
                        v.index = sort == 'L' ? s.refs++ : s.prims++;
                    } else if (named.get(slot)) {
                        s.defaulted.set(slot);
                    }
                }
                s.locals.add(v);
            }
            List<Object> stack = s.types.stack;
            for (int i = 0; i < stack.size() - 1; i++) {
                Object t = stack.get(i);
                char sort = sortOf(t);
                if (sort == 'T') {
                    continue; // second half of a long or double
                }
                Value v = new Value(t, -1);
                if (sort != 'N' && sort != 'U') {
                    v.index = sort == 'L' ? s.refs++ : s.prims++;
                }
                s.stack.add(v);
            }
            maxRefs = Math.max(maxRefs, s.refs);
            maxPrims = Math.max(maxPrims, s.prims);
        }
    }

    /**
     * A debugger's step into the coroutine stops on the body's first instruction, the continuation check
     * before the user's code; the receiver and the parameters are real there on a first call, so their
     * LocalVariableTable entries that start with the user's code get a piece covering the code up to that
     * check. On a resume those few instructions see the bridge's defaults (0, null) before the restore: a
     * debugger stops there only when stepping into the resume from the loop's own code, as no line starts
     * there (a breakpoint on the first line is placed after the prologue).
     */
    private void coverEntryCheck(AbstractInsnNode userStart) {
        if (body.localVariables == null || userStart == null) {
            return;
        }
        LabelNode begin = new LabelNode();
        body.instructions.insert(begin);
        int first = body.instructions.indexOf(userStart);
        List<LocalVariableNode> more = new ArrayList<>();
        for (LocalVariableNode lv : body.localVariables) {
            if (lv.index < contSlot && body.instructions.indexOf(lv.start) <= first) {
                more.add(new LocalVariableNode(lv.name, lv.desc, lv.signature, begin, afterCheck, lv.index));
            }
        }
        body.localVariables.addAll(more);
    }

    /** The slots a LocalVariableTable entry names at instruction {@code index} (a debugger shows them). */
    private BitSet namedAt(int index) {
        BitSet named = new BitSet();
        if (body.localVariables != null) {
            for (LocalVariableNode lv : body.localVariables) {
                if (body.instructions.indexOf(lv.start) <= index && index < body.instructions.indexOf(lv.end)) {
                    named.set(lv.index);
                }
            }
        }
        return named;
    }

    private void emitSite(Site s) {
        InsnList code = new InsnList();
        code.add(new InsnNode(Opcodes.DUP));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, "ready", "(Lio/squall/Future;)Z", false));
        code.add(new JumpInsnNode(Opcodes.IFNE, s.fast));
        code.add(new VarInsnNode(Opcodes.ASTORE, tmpSlot));
        code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
        code.add(resumeHandle.get());
        code.add(isStatic ? new InsnNode(Opcodes.ACONST_NULL) : new VarInsnNode(Opcodes.ALOAD, 0));
        code.add(Bytecode.pushInt(maxRefs));
        code.add(Bytecode.pushInt(maxPrims));
        code.add(new LdcInsnNode(siteTable));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.CONTINUATION, "of", AwaitSiteTable.OF_DESC, false));
        code.add(new VarInsnNode(Opcodes.ASTORE, contSlot));
        for (int i = s.stack.size() - 1; i >= 0; i--) {
            Value v = s.stack.get(i);
            char sort = v.sort();
            if (sort == 'N' || sort == 'U') {
                code.add(new InsnNode(Opcodes.POP)); // null needs no saving; an uninitialized object cannot be saved
                continue;
            }
            code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
            if (sort == 'J' || sort == 'D') {
                code.add(new InsnNode(Opcodes.DUP_X2));
                code.add(new InsnNode(Opcodes.POP));
            } else {
                code.add(new InsnNode(Opcodes.SWAP));
            }
            code.add(Bytecode.pushInt(v.index));
            code.add(put(sort));
        }
        for (Value v : s.locals) {
            if (v.index < 0) {
                continue;
            }
            char sort = v.sort();
            code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
            code.add(new VarInsnNode(Bytecode.loadOpcode(sort), v.slot));
            code.add(Bytecode.pushInt(v.index));
            code.add(put(sort));
        }
        code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
        code.add(Bytecode.pushInt(s.state));
        code.add(new VarInsnNode(Opcodes.ALOAD, tmpSlot));
        code.add(Bytecode.pushInt(s.refs));
        code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Names.CONTINUATION, "suspend",
                "(ILio/squall/Future;I)Ljava/lang/Object;", false));
        code.add(new InsnNode(Opcodes.ARETURN));
        code.add(s.fast);
        Object[] locals = FrameTypes.toFrame(s.types.locals, true);
        Object[] stack = FrameTypes.toFrame(s.types.stack, false);
        code.add(new FrameNode(Opcodes.F_NEW, locals.length, locals, stack.length, stack));
        body.instructions.insertBefore(s.insn, code);
        s.insn.owner = Names.SUPPORT;
        s.insn.name = "get";
    }

    private void emitPrologue() {
        InsnList code = new InsnList();
        LabelNode start = new LabelNode();
        LabelNode dflt = new LabelNode();
        List<Object> f0 = entryLocals;
        code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
        code.add(new JumpInsnNode(Opcodes.IFNULL, start));
        code.add(afterCheck);
        code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
        code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Names.CONTINUATION, "state", "()I", false));
        LabelNode[] targets = new LabelNode[sites.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = sites.get(i).restore;
        }
        code.add(new TableSwitchInsnNode(0, targets.length - 1, dflt, targets));
        code.add(dflt);
        code.add(frame(f0));
        code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, "badState",
                "(" + Names.CONTINUATION_DESC + ")Ljava/lang/Error;", false));
        code.add(new InsnNode(Opcodes.ATHROW));
        for (Site s : sites) {
            code.add(s.restore);
            code.add(frame(f0));
            if (uninit.any() && uninit.hasChain(s.state)) {
                code.add(uninit.enter(s.state));
            } else {
                restoreFrame(s, code);
            }
        }
        code.add(start);
        if (!startsWithFrame()) {
            code.add(frame(f0));
        }
        body.instructions.insert(code);
    }

    /**
     * Restores a site's locals and operand stack from the continuation (uninitialized objects from the
     * chain's temporaries), pushes the awaited future and jumps to the site's fast path.
     */
    private void restoreFrame(Site s, InsnList code) {
        for (Value v : s.locals) {
            char sort = v.sort();
            if (sort == 'U') {
                code.add(new VarInsnNode(Opcodes.ALOAD, uninit.temp(v.type)));
                code.add(new VarInsnNode(Opcodes.ASTORE, v.slot));
                continue;
            }
            if (v.index >= 0) {
                code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
                code.add(Bytecode.pushInt(v.index));
                code.add(get(sort, v.type));
            } else {
                code.add(Bytecode.defaultValue(sort == 'I' ? Type.INT : sort == 'J' ? Type.LONG : sort == 'F'
                        ? Type.FLOAT : sort == 'D' ? Type.DOUBLE : Type.OBJECT));
            }
            code.add(new VarInsnNode(Bytecode.storeOpcode(sort), v.slot));
        }
        for (Value v : s.stack) {
            if (v.sort() == 'N') {
                code.add(new InsnNode(Opcodes.ACONST_NULL));
            } else if (v.sort() == 'U') {
                code.add(new VarInsnNode(Opcodes.ALOAD, uninit.temp(v.type)));
            } else {
                code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
                code.add(Bytecode.pushInt(v.index));
                code.add(get(v.sort(), v.type));
            }
        }
        code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
        code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Names.CONTINUATION, "takeAwaiting",
                "()Lio/squall/Future;", false));
        Object awaited = s.types.stack.get(s.types.stack.size() - 1);
        if (!Names.FUTURE.equals(awaited)) {
            code.add(new TypeInsnNode(Opcodes.CHECKCAST, (String) awaited));
        }
        code.add(new JumpInsnNode(Opcodes.GOTO, s.fast));
    }

    private boolean startsWithFrame() {
        for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n instanceof FrameNode) {
                return true;
            }
            if (n.getOpcode() >= 0) {
                return false;
            }
        }
        return false;
    }

    private FrameNode frame(List<Object> locals) {
        return new FrameNode(Opcodes.F_NEW, locals.size(), locals.toArray(), 0, new Object[0]);
    }

    private InsnList get(char sort, Object type) {
        InsnList l = new InsnList();
        switch (sort) {
            case 'I':
                l.add(call("getInt", "(I)I"));
                break;
            case 'J':
                l.add(call("getLong", "(I)J"));
                break;
            case 'F':
                l.add(call("getFloat", "(I)F"));
                break;
            case 'D':
                l.add(call("getDouble", "(I)D"));
                break;
            default:
                l.add(call("getRef", "(I)Ljava/lang/Object;"));
                if (!Names.OBJECT.equals(type)) {
                    l.add(new TypeInsnNode(Opcodes.CHECKCAST, (String) type));
                }
        }
        return l;
    }

    private MethodInsnNode put(char sort) {
        switch (sort) {
            case 'I':
                return call("putInt", "(II)V");
            case 'J':
                return call("putLong", "(JI)V");
            case 'F':
                return call("putFloat", "(FI)V");
            case 'D':
                return call("putDouble", "(DI)V");
            default:
                return call("putRef", "(Ljava/lang/Object;I)V");
        }
    }

    private MethodInsnNode call(String name, String desc) {
        return new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Names.CONTINUATION, name, desc, false);
    }
}
