package io.squall.agent;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LocalVariableAnnotationNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Rewrites one coroutine into a resumable state machine.
 *
 * <p>The method's code moves to a private synthetic <em>body</em> with the same name, taking one more
 * parameter, the {@link io.squall.internal.Continuation} (null on the first call), and returning Object. The
 * original method becomes the <em>entry</em>: it calls the body with null, adapts what it returns to the
 * declared future type, and turns anything thrown into a failed future. A private static <em>bridge</em>
 * {@code (Continuation)Object} re-enters the body on resumption.
 *
 * <p>Each await site {@code await(f)} (stack {@code ..., f}) becomes:
 * <pre>
 *   DUP; INVOKESTATIC ready(f); IFNE fast            // done (or null): no suspension, no allocation
 *   ASTORE tmp; c = Continuation.of(c, bridge, this, refs, prims)
 *   spill the operand stack below f, then the live locals, into c
 *   return c.suspend(site, tmp, usedRefs)             // registers c as tmp's done callback
 * fast:                                               // stack map frame = the site's frame
 *   INVOKESTATIC get(f)                                // value, or throws the failure where await stood
 * </pre>
 * and the body starts with {@code if (c != null) switch (c.state()) { case site: restore locals and
 * stack, push c.takeAwaiting(), goto fast }}. Restored code jumps back inside the original try ranges, so a
 * failed future throws exactly where {@code await} stood. Every {@code return r} becomes
 * {@code return complete(r, c)}.
 */
final class MethodRewriter {

    private final ClassNode owner;
    private final MethodNode method;
    private final Names.ReturnKind kind;
    private final String bridgeName;
    private final boolean isStatic;
    private final boolean isInterface;
    /** Slot of the continuation parameter in the body. */
    private final int contSlot;

    private MethodNode body;

    /** The result: the methods to add to the class (the original method is changed in place). */
    final List<MethodNode> added = new ArrayList<>(2);

    private MethodRewriter(ClassNode owner, MethodNode method, Names.ReturnKind kind, String bridgeName) {
        this.owner = owner;
        this.method = method;
        this.kind = kind;
        this.bridgeName = bridgeName;
        this.isStatic = (method.access & Opcodes.ACC_STATIC) != 0;
        this.isInterface = (owner.access & Opcodes.ACC_INTERFACE) != 0;
        this.contSlot = (Type.getArgumentsAndReturnSizes(method.desc) >> 2) - (isStatic ? 1 : 0);
    }

    /**
     * Rewrites {@code method} of {@code owner} in place and returns the methods to add.
     *
     * @param owner the class
     * @param method a coroutine of it
     * @param kind its return kind
     * @param bridgeName a name for its resume bridge, unique in the class
     * @return the body (and bridge, if the coroutine has await sites) to add to the class
     * @throws Refusal if the coroutine's shape cannot be rewritten
     */
    static List<MethodNode> rewrite(ClassNode owner, MethodNode method, Names.ReturnKind kind, String bridgeName)
            throws Refusal {
        MethodRewriter r = new MethodRewriter(owner, method, kind, bridgeName);
        r.run();
        return r.added;
    }

    private void run() throws Refusal {
        List<MethodInsnNode> awaits = MethodShapes.awaits(method);
        if (!awaits.isEmpty() && (method.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
            throw new Refusal("await in a synchronized method",
                    "Remove 'synchronized' from the coroutine: a suspended coroutine cannot hold a monitor."
                            + " Keep shared state on the IOLoop thread instead", awaits.get(0));
        }
        if (!awaits.isEmpty() && (owner.version & 0xFFFF) < Opcodes.V1_8) {
            throw new Refusal("class file version " + (owner.version & 0xFFFF) + " is too old",
                    "Recompile the class for Java 8 or later (javac --release 8 or newer)", awaits.get(0));
        }
        AbstractInsnNode locked = MethodShapes.awaitUnderMonitor(method);
        if (locked != null) {
            throw new Refusal("await inside a synchronized block",
                    "Move the await out of the synchronized block: a suspended coroutine cannot hold a monitor."
                            + " Keep shared state on the IOLoop thread instead", locked);
        }
        makeBody();
        List<MethodInsnNode> sites = new ArrayList<>();
        for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
            if (MethodShapes.isAwait(n)) {
                sites.add(adaptStageAwait((MethodInsnNode) n));
            }
        }
        for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n.getOpcode() == Opcodes.ARETURN) {
                InsnList ret = new InsnList();
                ret.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
                ret.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, "complete",
                        "(Ljava/lang/Object;" + Names.CONTINUATION_DESC + ")Ljava/lang/Object;", false));
                body.instructions.insertBefore(n, ret);
            }
        }
        if (!sites.isEmpty()) {
            new StateMachine(sites).emit();
            added.add(bridge());
        }
        added.add(0, body);
        makeEntry();
    }

    // ---------------------------------------------------------------------------------------------------
    // Body, entry and bridge

    private String bodyDesc() {
        Type[] args = Type.getArgumentTypes(method.desc);
        StringBuilder sb = new StringBuilder("(");
        for (Type a : args) {
            sb.append(a.getDescriptor());
        }
        return sb.append(Names.CONTINUATION_DESC).append(")Ljava/lang/Object;").toString();
    }

    /** Moves the code into the body and shifts every local at or above the continuation's slot by one. */
    private void makeBody() throws Refusal {
        int access = Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC | (method.access & Opcodes.ACC_STATIC);
        body = new MethodNode(Opcodes.ASM9, access, method.name, bodyDesc(), null, null);
        body.instructions = method.instructions;
        body.tryCatchBlocks = method.tryCatchBlocks;
        body.localVariables = method.localVariables;
        body.maxLocals = method.maxLocals + 1;
        body.maxStack = method.maxStack;
        for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n instanceof VarInsnNode) {
                VarInsnNode v = (VarInsnNode) n;
                if (v.var >= contSlot) {
                    v.var++;
                } else if (v.var == contSlot - 1 && (v.getOpcode() == Opcodes.LSTORE || v.getOpcode() == Opcodes.DSTORE)) {
                    throw new Refusal("a two-slot local overlaps the last parameter's slot", "Recompile the class"
                            + " with javac", v);
                }
            } else if (n instanceof IincInsnNode) {
                IincInsnNode v = (IincInsnNode) n;
                if (v.var >= contSlot) {
                    v.var++;
                }
            } else if (n instanceof FrameNode) {
                insertContinuation((FrameNode) n);
            }
        }
        if (body.localVariables != null) {
            for (LocalVariableNode lv : body.localVariables) {
                if (lv.index >= contSlot) {
                    lv.index++;
                }
            }
        }
        shiftAnnotations(method.visibleLocalVariableAnnotations);
        shiftAnnotations(method.invisibleLocalVariableAnnotations);
        body.visibleLocalVariableAnnotations = method.visibleLocalVariableAnnotations;
        body.invisibleLocalVariableAnnotations = method.invisibleLocalVariableAnnotations;
        method.visibleLocalVariableAnnotations = null;
        method.invisibleLocalVariableAnnotations = null;
        method.instructions = new InsnList();
        method.tryCatchBlocks = new ArrayList<>();
        method.localVariables = null;
    }

    private void shiftAnnotations(List<LocalVariableAnnotationNode> annotations) {
        if (annotations != null) {
            for (LocalVariableAnnotationNode a : annotations) {
                a.index.replaceAll(i -> i >= contSlot ? i + 1 : i);
            }
        }
    }

    private void insertContinuation(FrameNode f) throws Refusal {
        List<Object> locals = f.local == null ? new ArrayList<>() : new ArrayList<>(f.local);
        int slot = 0;
        int i = 0;
        while (slot < contSlot && i < locals.size()) {
            Object t = locals.get(i++);
            slot += t == Opcodes.LONG || t == Opcodes.DOUBLE ? 2 : 1;
        }
        if (slot > contSlot) {
            throw new Refusal("a two-slot local overlaps the last parameter's slot", "Recompile the class with"
                    + " javac", f);
        }
        while (slot < contSlot) {
            locals.add(Opcodes.TOP);
            slot++;
            i++;
        }
        locals.add(i, Names.CONTINUATION);
        f.local = locals;
    }

    /** {@code await(CompletionStage)} becomes {@code await(CoroutineSupport.asFuture(stage))}. */
    private MethodInsnNode adaptStageAwait(MethodInsnNode await) {
        if (Names.AWAIT_STAGE_DESC.equals(await.desc)) {
            body.instructions.insertBefore(await, new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, "asFuture",
                    "(Ljava/util/concurrent/CompletionStage;)Lio/squall/Future;", false));
            await.desc = Names.AWAIT_FUTURE_DESC;
        }
        return await;
    }

    /** The entry: {@code try { return adapt(body(args, null)); } catch (Throwable t) { return failed(t); }}. */
    private void makeEntry() {
        InsnList code = method.instructions;
        LabelNode start = new LabelNode();
        LabelNode end = new LabelNode();
        LabelNode handler = new LabelNode();
        code.add(start);
        int line = MethodShapes.firstLine(body);
        if (line > 0) {
            code.add(new LineNumberNode(line, start));
        }
        int slot = 0;
        if (!isStatic) {
            code.add(new VarInsnNode(Opcodes.ALOAD, 0));
            slot = 1;
        }
        for (Type a : Type.getArgumentTypes(method.desc)) {
            code.add(new VarInsnNode(a.getOpcode(Opcodes.ILOAD), slot));
            slot += a.getSize();
        }
        code.add(new InsnNode(Opcodes.ACONST_NULL));
        code.add(callBody());
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, kind.adapt, kind.adaptDesc(), false));
        code.add(end);
        code.add(new InsnNode(Opcodes.ARETURN));
        code.add(handler);
        List<Object> locals = initialLocals(false);
        code.add(new FrameNode(Opcodes.F_NEW, locals.size(), locals.toArray(), 1,
                new Object[] {"java/lang/Throwable"}));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, kind.failed, kind.failedDesc(), false));
        code.add(new InsnNode(Opcodes.ARETURN));
        method.tryCatchBlocks.add(new TryCatchBlockNode(start, end, handler, null));
        method.maxStack = Math.max(4, slot + 1);
        method.maxLocals = slot;
    }

    private MethodInsnNode callBody() {
        return new MethodInsnNode(isStatic ? Opcodes.INVOKESTATIC : Opcodes.INVOKESPECIAL, owner.name, body.name,
                body.desc, isInterface);
    }

    /** {@code private static Object bridge(Continuation c) { return ((Owner) c.self()).body(0.., c); }} */
    private MethodNode bridge() {
        MethodNode b = new MethodNode(Opcodes.ASM9, Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                bridgeName, Names.RESUME_DESC, null, null);
        InsnList code = b.instructions;
        if (!isStatic) {
            code.add(new VarInsnNode(Opcodes.ALOAD, 0));
            code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Names.CONTINUATION, "self", "()Ljava/lang/Object;",
                    false));
            code.add(new TypeInsnNode(Opcodes.CHECKCAST, owner.name));
        }
        for (Type a : Type.getArgumentTypes(method.desc)) {
            code.add(defaultValue(a.getSort()));
        }
        code.add(new VarInsnNode(Opcodes.ALOAD, 0));
        code.add(callBody());
        code.add(new InsnNode(Opcodes.ARETURN));
        b.maxStack = 8;
        b.maxLocals = 1;
        return b;
    }

    /** The types of the locals on entry: receiver, parameters, and (for the body) the continuation. */
    private List<Object> initialLocals(boolean withContinuation) {
        List<Object> locals = new ArrayList<>();
        if (!isStatic) {
            locals.add(owner.name);
        }
        for (Type a : Type.getArgumentTypes(method.desc)) {
            locals.add(frameType(a));
        }
        if (withContinuation) {
            locals.add(Names.CONTINUATION);
        }
        return locals;
    }

    private static Object frameType(Type t) {
        switch (t.getSort()) {
            case Type.BOOLEAN: case Type.BYTE: case Type.CHAR: case Type.SHORT: case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            case Type.ARRAY:
                return t.getDescriptor();
            default:
                return t.getInternalName();
        }
    }

    private static AbstractInsnNode defaultValue(int sort) {
        switch (sort) {
            case Type.LONG:
                return new InsnNode(Opcodes.LCONST_0);
            case Type.FLOAT:
                return new InsnNode(Opcodes.FCONST_0);
            case Type.DOUBLE:
                return new InsnNode(Opcodes.DCONST_0);
            case Type.OBJECT: case Type.ARRAY:
                return new InsnNode(Opcodes.ACONST_NULL);
            default:
                return new InsnNode(Opcodes.ICONST_0);
        }
    }

    static AbstractInsnNode pushInt(int v) {
        if (v >= -1 && v <= 5) {
            return new InsnNode(Opcodes.ICONST_0 + v);
        }
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            return new org.objectweb.asm.tree.IntInsnNode(Opcodes.BIPUSH, v);
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return new org.objectweb.asm.tree.IntInsnNode(Opcodes.SIPUSH, v);
        }
        return new LdcInsnNode(v);
    }

    // ---------------------------------------------------------------------------------------------------
    // The state machine

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

    private static char sortOf(Object t) {
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

        Site(MethodInsnNode insn, int state) {
            this.insn = insn;
            this.state = state;
        }
    }

    /** Emits the suspension and restore code of all sites of the body. */
    private final class StateMachine {
        private final List<Site> sites = new ArrayList<>();
        private int tmpSlot;
        private int maxRefs;
        private int maxPrims;

        StateMachine(List<MethodInsnNode> awaits) {
            for (MethodInsnNode a : awaits) {
                sites.add(new Site(a, sites.size()));
            }
        }

        void emit() throws Refusal {
            labelNews();
            FrameTypes types = analyze();
            if (moveNews(types)) {
                types = analyze();
            }
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
            plan();
            tmpSlot = body.maxLocals++;
            for (Site s : sites) {
                emitSite(s);
            }
            emitPrologue();
        }

        private FrameTypes analyze() {
            Set<AbstractInsnNode> chosen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Site s : sites) {
                chosen.add(s.insn);
            }
            return FrameTypes.analyze(owner.name, body, chosen);
        }

        /** Puts a label right before each NEW so uninitialized types can be traced back to it. */
        private void labelNews() {
            for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
                if (n.getOpcode() == Opcodes.NEW) {
                    body.instructions.insertBefore(n, new LabelNode());
                }
            }
        }

        /**
         * {@code new Foo(a, await(x))}: an uninitialized object cannot be saved, so its {@code NEW; DUP} moves
         * after the arguments: they are stored in fresh locals, then {@code NEW; DUP; load them; <init>}.
         */
        private boolean moveNews(FrameTypes types) throws Refusal {
            Set<AbstractInsnNode> news = new LinkedHashSet<>();
            for (Site s : sites) {
                FrameTypes.At at = types.at.get(s.insn);
                if (at == null) {
                    continue;
                }
                for (Object t : at.stack) {
                    if (t instanceof LabelNode) {
                        news.add(MethodShapes.nextReal((LabelNode) t));
                    } else if (t == Opcodes.UNINITIALIZED_THIS) {
                        throw new Refusal("await before the super constructor call", "Constructors cannot be"
                                + " coroutines", s.insn);
                    }
                }
                for (Object t : at.locals) {
                    if (t instanceof LabelNode || t == Opcodes.UNINITIALIZED_THIS) {
                        throw new Refusal("an uninitialized object is held in a local variable across an await",
                                "Create the object after the await", s.insn);
                    }
                }
            }
            Map<AbstractInsnNode, MethodInsnNode> initOf = new IdentityHashMap<>();
            for (Map.Entry<LabelNode, MethodInsnNode> e : types.initOf.entrySet()) {
                initOf.put(MethodShapes.nextReal(e.getKey()), e.getValue());
            }
            for (AbstractInsnNode n : news) {
                if (n == null || n.getOpcode() != Opcodes.NEW) {
                    throw new Refusal("an uninitialized object on the operand stack across an await, in an unusual"
                            + " shape", "Assign the awaited value to a local before the 'new' expression", n);
                }
                AbstractInsnNode dup = MethodShapes.nextReal(n);
                MethodInsnNode init = initOf.get(n);
                if (dup == null || dup.getOpcode() != Opcodes.DUP || init == null) {
                    throw new Refusal("an uninitialized object on the operand stack across an await, in an unusual"
                            + " shape", "Assign the awaited value to a local before the 'new' expression", n);
                }
                Set<LabelNode> marks = Collections.newSetFromMap(new IdentityHashMap<>());
                for (AbstractInsnNode p = body.instructions.getFirst(); p != null; p = p.getNext()) {
                    if (p instanceof LabelNode && MethodShapes.nextReal(p) == n) {
                        marks.add((LabelNode) p);
                    }
                }
                for (AbstractInsnNode p = body.instructions.getFirst(); p != null; p = p.getNext()) {
                    if (p instanceof FrameNode && ((FrameNode) p).stack != null) {
                        List<Object> stack = new ArrayList<>(((FrameNode) p).stack);
                        stack.removeIf(t -> t instanceof LabelNode && marks.contains(t));
                        ((FrameNode) p).stack = stack;
                    }
                }
                String type = ((TypeInsnNode) n).desc;
                body.instructions.remove(dup);
                body.instructions.remove(n);
                Type[] args = Type.getArgumentTypes(init.desc);
                int[] temps = new int[args.length];
                for (int k = 0; k < args.length; k++) {
                    temps[k] = body.maxLocals;
                    body.maxLocals += args[k].getSize();
                }
                InsnList pre = new InsnList();
                for (int k = args.length - 1; k >= 0; k--) {
                    pre.add(new VarInsnNode(args[k].getOpcode(Opcodes.ISTORE), temps[k]));
                }
                pre.add(new LabelNode());
                pre.add(new TypeInsnNode(Opcodes.NEW, type));
                pre.add(new InsnNode(Opcodes.DUP));
                for (int k = 0; k < args.length; k++) {
                    pre.add(new VarInsnNode(args[k].getOpcode(Opcodes.ILOAD), temps[k]));
                }
                body.instructions.insertBefore(init, pre);
            }
            return !news.isEmpty();
        }

        /** Decides, per site, which locals and stack entries to save and where. */
        private void plan() throws Refusal {
            Liveness liveness = Liveness.of(body);
            for (Site s : sites) {
                BitSet live = liveness.liveAfter(body.instructions.indexOf(s.insn));
                List<Object> locals = s.types.locals;
                for (int slot = 0; slot < locals.size(); slot++) {
                    Object t = locals.get(slot);
                    char sort = sortOf(t);
                    if (sort == 'T' || slot == contSlot || (slot == 0 && !isStatic)) {
                        continue;
                    }
                    if (sort == 'U') {
                        throw new Refusal("an uninitialized object is held in a local variable across an await",
                                "Create the object after the await", s.insn);
                    }
                    Value v = new Value(t, slot);
                    if (live.get(slot) && sort != 'N') {
                        v.index = sort == 'L' ? s.refs++ : s.prims++;
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
                    if (sort == 'U') {
                        throw new Refusal("an uninitialized object on the operand stack across an await",
                                "Assign the awaited value to a local before the 'new' expression", s.insn);
                    }
                    Value v = new Value(t, -1);
                    if (sort != 'N') {
                        v.index = sort == 'L' ? s.refs++ : s.prims++;
                    }
                    s.stack.add(v);
                }
                maxRefs = Math.max(maxRefs, s.refs);
                maxPrims = Math.max(maxPrims, s.prims);
            }
        }

        private void emitSite(Site s) {
            InsnList code = new InsnList();
            code.add(new InsnNode(Opcodes.DUP));
            code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, "ready", "(Lio/squall/Future;)Z", false));
            code.add(new JumpInsnNode(Opcodes.IFNE, s.fast));
            code.add(new VarInsnNode(Opcodes.ASTORE, tmpSlot));
            code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
            code.add(new LdcInsnNode(new Handle(Opcodes.H_INVOKESTATIC, owner.name, bridgeName, Names.RESUME_DESC,
                    isInterface)));
            code.add(isStatic ? new InsnNode(Opcodes.ACONST_NULL) : new VarInsnNode(Opcodes.ALOAD, 0));
            code.add(pushInt(maxRefs));
            code.add(pushInt(maxPrims));
            code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.CONTINUATION, "of", "(" + Names.CONTINUATION_DESC
                    + "Ljava/lang/invoke/MethodHandle;Ljava/lang/Object;II)" + Names.CONTINUATION_DESC, false));
            code.add(new VarInsnNode(Opcodes.ASTORE, contSlot));
            for (int i = s.stack.size() - 1; i >= 0; i--) {
                Value v = s.stack.get(i);
                char sort = v.sort();
                if (sort == 'N') {
                    code.add(new InsnNode(Opcodes.POP));
                    continue;
                }
                code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
                if (sort == 'J' || sort == 'D') {
                    code.add(new InsnNode(Opcodes.DUP_X2));
                    code.add(new InsnNode(Opcodes.POP));
                } else {
                    code.add(new InsnNode(Opcodes.SWAP));
                }
                code.add(pushInt(v.index));
                code.add(put(sort));
            }
            for (Value v : s.locals) {
                if (v.index < 0) {
                    continue;
                }
                char sort = v.sort();
                code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
                code.add(new VarInsnNode(loadOpcode(sort), v.slot));
                code.add(pushInt(v.index));
                code.add(put(sort));
            }
            code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
            code.add(pushInt(s.state));
            code.add(new VarInsnNode(Opcodes.ALOAD, tmpSlot));
            code.add(pushInt(s.refs));
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
            List<Object> f0 = initialLocals(true);
            code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
            code.add(new JumpInsnNode(Opcodes.IFNULL, start));
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
                for (Value v : s.locals) {
                    char sort = v.sort();
                    if (v.index >= 0) {
                        code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
                        code.add(pushInt(v.index));
                        code.add(get(sort, v.type));
                    } else {
                        code.add(defaultValue(sort == 'I' ? Type.INT : sort == 'J' ? Type.LONG : sort == 'F'
                                ? Type.FLOAT : sort == 'D' ? Type.DOUBLE : Type.OBJECT));
                    }
                    code.add(new VarInsnNode(storeOpcode(sort), v.slot));
                }
                for (Value v : s.stack) {
                    if (v.sort() == 'N') {
                        code.add(new InsnNode(Opcodes.ACONST_NULL));
                    } else {
                        code.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
                        code.add(pushInt(v.index));
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
            code.add(start);
            if (!startsWithFrame()) {
                code.add(frame(f0));
            }
            body.instructions.insert(code);
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

    private static int loadOpcode(char sort) {
        switch (sort) {
            case 'I':
                return Opcodes.ILOAD;
            case 'J':
                return Opcodes.LLOAD;
            case 'F':
                return Opcodes.FLOAD;
            case 'D':
                return Opcodes.DLOAD;
            default:
                return Opcodes.ALOAD;
        }
    }

    private static int storeOpcode(char sort) {
        return loadOpcode(sort) + (Opcodes.ISTORE - Opcodes.ILOAD);
    }
}
