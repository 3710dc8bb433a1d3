package io.squall.agent;

import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LocalVariableAnnotationNode;
import org.objectweb.asm.tree.LocalVariableNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
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
 *
 * <p>In {@link ResumeMode#INLINE} (the default under a debugger) there is no body and no entry: the same
 * state machine stays in the user's method, with two more locals after the parameters (the continuation,
 * and the one the call was resumed with, both read from {@code DirectResume.take()} by the first
 * instruction); every {@code return} adapts its value to the declared type on a first run
 * ({@code DirectResume.leave}), and a catch-all handler, last in the exception table, turns a first run's
 * exception into a failed future and rethrows a resumed run's to the continuation.
 */
final class MethodRewriter {

    /** Suffix of the generated method that loads a coroutine's resume handle (direct and inline modes). */
    private static final String HANDLE_SUFFIX = "$squall$handle";

    private final ClassNode owner;
    private final MethodNode method;
    private final Names.ReturnKind kind;
    private final String bridgeName;
    private final ResumeMode mode;
    /** Slots the rewrite takes after the parameters: the continuation, and in inline mode the resumed-with one. */
    private final int reserved;
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
        this.mode = ResumeMode.of(owner);
        this.reserved = mode == ResumeMode.INLINE ? 2 : 1;
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
        if ((owner.version & 0xFFFF) < Opcodes.V1_8) {
            throw new Refusal("class file version " + (owner.version & 0xFFFF) + " is too old",
                    "Recompile the class for Java 8 or later (javac --release 8 or newer)",
                    awaits.isEmpty() ? null : awaits.get(0));
        }
        if (contSlot + reserved > 255) {
            throw new Refusal("the method has too many parameters to take the continuation as one more",
                    "Pass fewer parameters (for example group them in an object)", null);
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
                if (isFutureOf(n.getPrevious())) {
                    // return Future.of(v): complete with v at once, without the future (CoroutineSupport.completeValue)
                    AbstractInsnNode of = n.getPrevious();
                    body.instructions.insertBefore(of, new VarInsnNode(Opcodes.ALOAD, contSlot));
                    body.instructions.set(of, new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, "completeValue",
                            "(Ljava/lang/Object;" + Names.CONTINUATION_DESC + ")Ljava/lang/Object;", false));
                    continue;
                }
                InsnList ret = new InsnList();
                ret.add(new VarInsnNode(Opcodes.ALOAD, contSlot));
                ret.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, "complete",
                        "(Ljava/lang/Object;" + Names.CONTINUATION_DESC + ")Ljava/lang/Object;", false));
                body.instructions.insertBefore(n, ret);
            }
        }
        if (!sites.isEmpty()) {
            new StateMachine(owner, body, contSlot, isStatic, isInterface, reserved, resumeHandle(),
                    initialLocals(true), sites).emit();
            added.add(mode == ResumeMode.INLINE ? inlineBridge() : bridge());
        }
        if (mode == ResumeMode.INLINE) {
            makeInline();
        } else {
            added.add(0, body);
            makeEntry();
        }
    }

    /** Whether {@code n} is a call of {@code Future.of(Object)} (right before a return, with no label between). */
    private static boolean isFutureOf(AbstractInsnNode n) {
        if (!(n instanceof MethodInsnNode) || n.getOpcode() != Opcodes.INVOKESTATIC) {
            return false;
        }
        MethodInsnNode m = (MethodInsnNode) n;
        return m.owner.equals(Names.FUTURE) && m.name.equals("of")
                && m.desc.equals("(Ljava/lang/Object;)L" + Names.FUTURE + ";");
    }

    /**
     * What pushes the resume handle at each await site: {@code ldc} of the bridge's handle, or (direct and
     * inline modes) a call of a generated {@code name$N$squall$handle()} that loads the dynamic constant. The
     * dynamic constant is kept out of the coroutine itself because the JIT does not compile a method with an
     * unresolved dynamic constant ("could not resolve a constant"), and it resolves only at the first
     * suspension: a coroutine that never suspended stayed interpreted (65 ns for an await of a done future
     * instead of under 1 ns).
     */
    private java.util.function.Supplier<AbstractInsnNode> resumeHandle() {
        Object constant = resumeConstant();
        if (constant instanceof Handle) {
            return () -> new LdcInsnNode(constant);
        }
        String name = bridgeName.substring(0, bridgeName.length() - Names.RESUME_SUFFIX.length()) + HANDLE_SUFFIX;
        MethodNode h = new MethodNode(Opcodes.ASM9, Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                name, "()Ljava/lang/invoke/MethodHandle;", null, null);
        h.instructions.add(new LdcInsnNode(constant));
        h.instructions.add(new InsnNode(Opcodes.ARETURN));
        h.maxStack = 1;
        h.maxLocals = 0;
        added.add(h);
        return () -> new MethodInsnNode(Opcodes.INVOKESTATIC, owner.name, name, "()Ljava/lang/invoke/MethodHandle;",
                isInterface);
    }

    /** The resume handle's constant: the bridge's handle, or a dynamic constant (direct and inline modes). */
    private Object resumeConstant() {
        String bsmDesc = "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;"
                + "Ljava/lang/invoke/MethodHandle;I)Ljava/lang/invoke/MethodHandle;";
        int tag = isStatic ? Opcodes.H_INVOKESTATIC : Opcodes.H_INVOKESPECIAL;
        if (mode == ResumeMode.INLINE) {
            Handle target = new Handle(tag, owner.name, TestTwins.entryName(method), method.desc, isInterface);
            Handle bsm = new Handle(Opcodes.H_INVOKESTATIC, Names.DIRECT_RESUME, "resumeInline", bsmDesc, false);
            return new ConstantDynamic("resume", "Ljava/lang/invoke/MethodHandle;", bsm, target, isStatic ? 1 : 0);
        }
        if (mode == ResumeMode.DIRECT) {
            Handle target = new Handle(tag, owner.name, body.name, body.desc, isInterface);
            Handle bsm = new Handle(Opcodes.H_INVOKESTATIC, Names.DIRECT_RESUME, "resume", bsmDesc, false);
            return new ConstantDynamic("resume", "Ljava/lang/invoke/MethodHandle;", bsm, target, isStatic ? 1 : 0);
        }
        return new Handle(Opcodes.H_INVOKESTATIC, owner.name, bridgeName, Names.RESUME_DESC, isInterface);
    }

    // ---------------------------------------------------------------------------------------------------
    // Body, entry and bridge

    private String bodyDesc() {
        Type[] args = Type.getArgumentTypes(method.desc);
        StringBuilder sb = new StringBuilder("(");
        for (Type a : args) {
            sb.append(a.getDescriptor());
        }
        for (int i = 0; i < reserved; i++) {
            sb.append(Names.CONTINUATION_DESC);
        }
        return sb.append(")Ljava/lang/Object;").toString();
    }

    /**
     * Moves the code into the body and shifts every local at or above the continuation's slot by the
     * reserved slots (in inline mode the code goes back into the method at the end, see {@link #makeInline}).
     */
    private void makeBody() throws Refusal {
        int access = Opcodes.ACC_PRIVATE | Opcodes.ACC_SYNTHETIC
                | (method.access & (Opcodes.ACC_STATIC | Opcodes.ACC_STRICT));
        body = new MethodNode(Opcodes.ASM9, access, method.name, bodyDesc(), null, null);
        body.instructions = method.instructions;
        body.tryCatchBlocks = method.tryCatchBlocks;
        body.localVariables = method.localVariables;
        body.maxLocals = method.maxLocals + reserved;
        body.maxStack = method.maxStack;
        for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n instanceof VarInsnNode) {
                VarInsnNode v = (VarInsnNode) n;
                if (v.var >= contSlot) {
                    v.var += reserved;
                } else if (v.var == contSlot - 1 && (v.getOpcode() == Opcodes.LSTORE || v.getOpcode() == Opcodes.DSTORE)) {
                    throw new Refusal("a two-slot local overlaps the last parameter's slot", "Recompile the class"
                            + " with javac", v);
                }
            } else if (n instanceof IincInsnNode) {
                IincInsnNode v = (IincInsnNode) n;
                if (v.var >= contSlot) {
                    v.var += reserved;
                }
            } else if (n instanceof FrameNode) {
                insertContinuation((FrameNode) n);
            }
        }
        if (body.localVariables != null) {
            for (LocalVariableNode lv : body.localVariables) {
                if (lv.index >= contSlot) {
                    lv.index += reserved;
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
                a.index.replaceAll(i -> i >= contSlot ? i + reserved : i);
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
        for (int k = 0; k < reserved; k++) {
            locals.add(i, Names.CONTINUATION);
        }
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
        // No line number: a debugger's step into a call of the coroutine passes through a method without
        // lines and stops at the body's first line, instead of stopping here and stepping over the body.
        code.add(start);
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
        code.add(dropFrames("leavingEntry", method.name));
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
        LabelNode start = new LabelNode();
        LabelNode end = new LabelNode();
        LabelNode handler = new LabelNode();
        code.add(start);
        code.add(receiverAndDefaults());
        code.add(new VarInsnNode(Opcodes.ALOAD, 0));
        code.add(callBody());
        code.add(end);
        code.add(new InsnNode(Opcodes.ARETURN));
        code.add(handler);
        code.add(new FrameNode(Opcodes.F_NEW, 1, new Object[] {Names.CONTINUATION}, 1,
                new Object[] {"java/lang/Throwable"}));
        code.add(dropFrames("leavingBridge", bridgeName));
        code.add(new InsnNode(Opcodes.ATHROW));
        b.tryCatchBlocks.add(new TryCatchBlockNode(start, end, handler, null));
        b.maxStack = 8;
        b.maxLocals = 1;
        return b;
    }

    /**
     * Inline mode: puts the rewritten code back into the method, which keeps its name, descriptor, access and
     * lines. {@code c = resumedWith = DirectResume.take()} first; {@code DirectResume.leave(value,
     * resumedWith, kind)} before every return; a catch-all handler, last in the exception table, returns
     * {@code DirectResume.thrown(t, resumedWith, kind)}: a failed future on a first run, a rethrow (to the
     * continuation, which fails) on a resumed one.
     */
    private void makeInline() {
        int resumedWith = contSlot + 1;
        InsnList code = body.instructions;
        for (AbstractInsnNode n = code.getFirst(); n != null; n = n.getNext()) {
            if (n.getOpcode() == Opcodes.ARETURN) {
                InsnList leave = new InsnList();
                leave.add(new VarInsnNode(Opcodes.ALOAD, resumedWith));
                leave.add(Bytecode.pushInt(kind.ordinal()));
                leave.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.DIRECT_RESUME, "leave",
                        "(Ljava/lang/Object;" + Names.CONTINUATION_DESC + "I)Ljava/lang/Object;", false));
                leave.add(new TypeInsnNode(Opcodes.CHECKCAST, kind.type));
                code.insertBefore(n, leave);
            }
        }
        LabelNode top = new LabelNode();
        LabelNode from = new LabelNode();
        InsnList prologue = new InsnList();
        prologue.add(top);
        // JDWP posts no single-step event for the first bytecode of a frame a step into enters (stepping is
        // enabled by the method-entry event, after that bytecode's dispatch). Were it the call to take(), the
        // step would go on inside a filtered method, and JDWP does not re-enable stepping when such a callee
        // returns to a frame deeper than the step's origin: the step would run past the whole coroutine. The
        // NOP makes the call the method's first step event.
        prologue.add(new InsnNode(Opcodes.NOP));
        prologue.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.DIRECT_RESUME, "take",
                "()" + Names.CONTINUATION_DESC, false));
        prologue.add(new InsnNode(Opcodes.DUP));
        prologue.add(new VarInsnNode(Opcodes.ASTORE, contSlot));
        prologue.add(new VarInsnNode(Opcodes.ASTORE, resumedWith));
        prologue.add(from);
        AbstractInsnNode firstReal = MethodShapes.firstReal(code);
        code.insert(prologue);
        // The receiver and parameters are real from the first instruction on (on a first run; a resumed run
        // sees the handle's zeros and nulls until the restore, as the other modes' body does).
        if (body.localVariables != null && firstReal != null) {
            for (LocalVariableNode lv : body.localVariables) {
                if (lv.index < contSlot && code.indexOf(lv.start) <= code.indexOf(firstReal)) {
                    lv.start = top;
                }
            }
        }
        LabelNode to = new LabelNode();
        LabelNode handler = new LabelNode();
        code.add(to);
        code.add(handler);
        List<Object> locals = new ArrayList<>();
        for (int slot = 0; slot < contSlot; slot++) {
            locals.add(Opcodes.TOP);
        }
        locals.add(Names.CONTINUATION);
        locals.add(Names.CONTINUATION);
        code.add(new FrameNode(Opcodes.F_NEW, locals.size(), locals.toArray(), 1,
                new Object[] {"java/lang/Throwable"}));
        code.add(new VarInsnNode(Opcodes.ALOAD, resumedWith));
        code.add(Bytecode.pushInt(kind.ordinal()));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.DIRECT_RESUME, "thrown",
                "(Ljava/lang/Throwable;" + Names.CONTINUATION_DESC + "I)Ljava/lang/Object;", false));
        code.add(new TypeInsnNode(Opcodes.CHECKCAST, kind.type));
        code.add(new InsnNode(Opcodes.ARETURN));
        body.tryCatchBlocks.add(new TryCatchBlockNode(from, to, handler, null));
        method.instructions = code;
        method.tryCatchBlocks = body.tryCatchBlocks;
        method.localVariables = body.localVariables;
        method.visibleLocalVariableAnnotations = body.visibleLocalVariableAnnotations;
        method.invisibleLocalVariableAnnotations = body.invisibleLocalVariableAnnotations;
        method.maxLocals = body.maxLocals;
        method.maxStack = Math.max(body.maxStack, 3);
    }

    /**
     * Inline mode's bridge: not called (the resume constant is a dynamic constant), kept so that the class
     * shows it was rewritten. {@code DirectResume.enter(c); ((Owner) c.self()).method(0..); return null}.
     */
    private MethodNode inlineBridge() {
        MethodNode b = new MethodNode(Opcodes.ASM9, Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC,
                bridgeName, Names.RESUME_DESC, null, null);
        InsnList code = b.instructions;
        code.add(new VarInsnNode(Opcodes.ALOAD, 0));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.DIRECT_RESUME, "enter",
                "(" + Names.CONTINUATION_DESC + ")V", false));
        code.add(receiverAndDefaults());
        code.add(new MethodInsnNode(isStatic ? Opcodes.INVOKESTATIC : Opcodes.INVOKESPECIAL, owner.name,
                TestTwins.entryName(method), method.desc, isInterface));
        code.add(new InsnNode(Opcodes.POP));
        code.add(new InsnNode(Opcodes.ACONST_NULL));
        code.add(new InsnNode(Opcodes.ARETURN));
        b.maxStack = 8;
        b.maxLocals = 1;
        return b;
    }

    /**
     * In a bridge (its continuation in local 0): the receiver ({@code (Owner) c.self()}) unless static, then a
     * zero or null for each declared parameter (the resumed code restores them).
     */
    private InsnList receiverAndDefaults() {
        InsnList code = new InsnList();
        if (!isStatic) {
            code.add(new VarInsnNode(Opcodes.ALOAD, 0));
            code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, Names.CONTINUATION, "self", "()Ljava/lang/Object;",
                    false));
            code.add(new TypeInsnNode(Opcodes.CHECKCAST, owner.name));
        }
        for (Type a : Type.getArgumentTypes(method.desc)) {
            code.add(Bytecode.defaultValue(a.getSort()));
        }
        return code;
    }

    /** {@code GeneratedFrames.<which>(t, class, name)}: the failure path's trace clean-up (stack: t -> t). */
    private InsnList dropFrames(String which, String name) {
        InsnList code = new InsnList();
        code.add(new LdcInsnNode(owner.name.replace('/', '.')));
        code.add(new LdcInsnNode(name));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.GENERATED_FRAMES, which,
                "(Ljava/lang/Throwable;Ljava/lang/String;Ljava/lang/String;)Ljava/lang/Throwable;", false));
        return code;
    }

    /** The types of the locals on entry: receiver, parameters, and (for the body) the continuation. */
    private List<Object> initialLocals(boolean withContinuation) {
        List<Object> locals = new ArrayList<>();
        if (!isStatic) {
            locals.add(owner.name);
        }
        for (Type a : Type.getArgumentTypes(method.desc)) {
            locals.add(Bytecode.frameType(a));
        }
        if (withContinuation) {
            for (int k = 0; k < reserved; k++) {
                locals.add(Names.CONTINUATION);
            }
        }
        return locals;
    }
}
