package io.squall.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Rewrites the coroutines of one class: finds them, rewrites each with {@link MethodRewriter}, replaces
 * refused ones with a method returning a failed future, and writes the class. A coroutine whose rewritten
 * body exceeds the JVM's 64 KiB code limit is refused and the class written again.
 */
final class ClassRewriter {

    /** The rewritten class and what was refused in it. */
    static final class Result {
        final byte[] bytes;
        final List<String> refusals;

        Result(byte[] bytes, List<String> refusals) {
            this.bytes = bytes;
            this.refusals = refusals;
        }
    }

    /** The bytes handed to the transformer are not a readable class file. */
    static final class MalformedClassException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedClassException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private ClassRewriter() {
        throw new AssertionError("no instances");
    }

    /**
     * Rewrites a class if it has coroutines.
     *
     * @param bytes the class file
     * @return the result, or null if the class has no coroutine (or was already rewritten)
     */
    static Result rewrite(byte[] bytes) {
        if (!ConstantPoolScan.mayContainCoroutine(bytes)) {
            return null;
        }
        ClassReader reader;
        try {
            reader = new ClassReader(bytes);
        } catch (RuntimeException e) {
            throw new MalformedClassException("malformed class file (" + e + ")", e);
        }
        Set<String> tooLarge = new HashSet<>();
        while (true) {
            ClassNode cn = new ClassNode();
            try {
                reader.accept(cn, ClassReader.EXPAND_FRAMES);
            } catch (RuntimeException e) {
                throw new MalformedClassException("malformed class file (" + e + ")", e);
            }
            List<MethodNode> coroutines = new ArrayList<>();
            List<MethodNode> others = new ArrayList<>();
            for (MethodNode m : cn.methods) {
                if (m.name.endsWith(Names.RESUME_SUFFIX) || m.desc.contains(Names.CONTINUATION_DESC)
                        || takesResume(m)) {
                    return null; // already rewritten
                }
                if (isCoroutine(m)) {
                    coroutines.add(m);
                } else {
                    others.add(m);
                }
            }
            if (tooLarge.isEmpty()) {
                for (MethodNode m : cn.methods) {
                    for (String dropped : DroppedWaits.warnings(cn, m)) {
                        AgentLog.warning(dropped);
                    }
                }
                for (MethodNode m : others) {
                    String stray = StrayAwaits.warning(cn, m);
                    if (stray != null) {
                        AgentLog.warning(stray);
                    }
                }
            }
            if (coroutines.isEmpty()) {
                return null;
            }
            List<String> refusals = new ArrayList<>();
            List<MethodNode> added = new ArrayList<>();
            Map<String, String> originOf = new HashMap<>();
            int ordinal = 0;
            for (MethodNode m : coroutines) {
                String key = m.name + m.desc;
                Names.ReturnKind kind = Names.ReturnKind.of(m.desc);
                if (kind == null) {
                    refusals.add(refuse(cn, m, new Refusal("a @Coroutine method must return io.squall.Future,"
                            + " java.util.concurrent.CompletionStage or CompletableFuture, not "
                            + Type.getReturnType(m.desc).getClassName(), "Declare the method to return"
                            + " Future<T> and end it with 'return Future.of(value)'", null)));
                } else if (tooLarge.contains(key)) {
                    refusals.add(refuse(cn, m, new Refusal("the method is too large once rewritten (the JVM limits"
                            + " a method's code to 64 KiB)", "Split the coroutine into smaller coroutines that"
                            + " await each other", null)));
                } else {
                    String bridge = safeName(m.name) + "$" + ordinal++ + Names.RESUME_SUFFIX;
                    MethodNode snapshot = copyOf(m);
                    try {
                        List<MethodNode> more = MethodRewriter.rewrite(cn, m, kind, bridge);
                        for (MethodNode n : more) {
                            originOf.put(n.name + n.desc, key);
                        }
                        added.addAll(more);
                    } catch (Refusal r) {
                        restore(m, snapshot);
                        refusals.add(refuse(cn, m, r));
                    } catch (RuntimeException bug) {
                        // An agent bug on one coroutine: refuse it clearly, keep the rest of the class.
                        AgentLog.error("internal error while rewriting " + cn.name + "." + m.name + m.desc
                                + " (please report this Squall agent bug)", bug);
                        restore(m, snapshot);
                        refusals.add(refuse(cn, m, new Refusal("this coroutine's shape is not supported by the"
                                + " Squall agent (internal error: " + bug + ")", "Please report it with the class"
                                + " file; meanwhile assign awaited values to locals in separate statements", null)));
                    }
                }
            }
            cn.methods.addAll(added);
            TestTwins.addStandIns(cn);
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            try {
                cn.accept(cw);
                return new Result(cw.toByteArray(), refusals);
            } catch (MethodTooLargeException e) {
                String key = originOf.getOrDefault(e.getMethodName() + e.getDescriptor(),
                        e.getMethodName() + e.getDescriptor());
                if (!tooLarge.add(key)) {
                    throw e;
                }
            }
        }
    }

    /** Tells whether {@code m} was rewritten in inline mode: it starts with {@code DirectResume.take()}. */
    private static boolean takesResume(MethodNode m) {
        AbstractInsnNode first = MethodShapes.firstReal(m.instructions);
        return first instanceof MethodInsnNode && Names.DIRECT_RESUME.equals(((MethodInsnNode) first).owner)
                && "take".equals(((MethodInsnNode) first).name);
    }

    /**
     * Tells whether a method is a coroutine: annotated {@code @Coroutine}, or a synthetic lambda body that
     * returns a future type and calls {@code await}.
     */
    static boolean isCoroutine(MethodNode m) {
        if (m.name.startsWith("<")
                || (m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE)) != 0) {
            return false;
        }
        if (hasAnnotation(m, Names.COROUTINE_DESC)) {
            return true;
        }
        if (Names.ReturnKind.of(m.desc) != null && TestTwins.isSquallTest(m)) {
            return true;
        }
        if (m.name.startsWith("lambda$") && (m.access & Opcodes.ACC_SYNTHETIC) != 0
                && Names.ReturnKind.of(m.desc) != null) {
            return !MethodShapes.awaits(m).isEmpty();
        }
        return false;
    }

    /** Tells whether {@code m} carries the annotation {@code desc}, visible or invisible at run time. */
    static boolean hasAnnotation(MethodNode m, String desc) {
        return hasAnnotation(m.visibleAnnotations, desc) || hasAnnotation(m.invisibleAnnotations, desc);
    }

    private static boolean hasAnnotation(List<AnnotationNode> annotations, String desc) {
        if (annotations != null) {
            for (AnnotationNode a : annotations) {
                if (desc.equals(a.desc)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String safeName(String name) {
        return name.replace('<', '_').replace('>', '_');
    }

    private static MethodNode copyOf(MethodNode m) {
        MethodNode copy = new MethodNode(Opcodes.ASM9, m.access, m.name, m.desc, m.signature,
                m.exceptions.toArray(new String[0]));
        m.accept(copy);
        return copy;
    }

    private static void restore(MethodNode m, MethodNode snapshot) {
        m.instructions = snapshot.instructions;
        m.tryCatchBlocks = snapshot.tryCatchBlocks;
        m.localVariables = snapshot.localVariables;
        m.maxLocals = snapshot.maxLocals;
        m.maxStack = snapshot.maxStack;
        m.visibleLocalVariableAnnotations = snapshot.visibleLocalVariableAnnotations;
        m.invisibleLocalVariableAnnotations = snapshot.invisibleLocalVariableAnnotations;
    }

    /** Replaces the method's code with a refusal and returns the message. */
    private static String refuse(ClassNode cn, MethodNode m, Refusal r) {
        int line = r.at != null ? MethodShapes.lineOf(r.at) : MethodShapes.firstLine(m);
        String message = message(cn, m, line, r);
        InsnList code = new InsnList();
        if (line > 0) {
            LabelNode start = new LabelNode();
            code.add(start);
            code.add(new LineNumberNode(line, start));
        }
        code.add(new LdcInsnNode(message));
        code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, "refused",
                "(Ljava/lang/String;)Ljava/lang/IllegalStateException;", false));
        Names.ReturnKind kind = Names.ReturnKind.of(m.desc);
        Type ret = Type.getReturnType(m.desc);
        if (kind == null && ret.getSort() == Type.OBJECT && Names.OBJECT.equals(ret.getInternalName())) {
            kind = Names.ReturnKind.FUTURE;
        }
        if (kind != null) {
            code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT, kind.failed, kind.failedDesc(), false));
            code.add(new InsnNode(Opcodes.ARETURN));
        } else {
            code.add(new InsnNode(Opcodes.ATHROW));
        }
        m.instructions = code;
        m.tryCatchBlocks = new ArrayList<>();
        m.localVariables = null;
        m.visibleLocalVariableAnnotations = null;
        m.invisibleLocalVariableAnnotations = null;
        m.maxStack = 2;
        m.maxLocals = Type.getArgumentsAndReturnSizes(m.desc) >> 2;
        return message;
    }

    static String message(ClassNode cn, MethodNode m, int line, Refusal r) {
        StringBuilder params = new StringBuilder();
        for (Type t : Type.getArgumentTypes(m.desc)) {
            if (params.length() > 0) {
                params.append(", ");
            }
            String n = t.getClassName();
            params.append(n.substring(n.lastIndexOf('.') + 1));
        }
        String where;
        if (cn.sourceFile != null && line > 0) {
            where = " (" + cn.sourceFile + ":" + line + ")";
        } else if (cn.sourceFile != null) {
            where = " (" + cn.sourceFile + ", compiled without line numbers)";
        } else {
            where = " (compiled without debug info: no source file or line)";
        }
        return "Squall agent refused coroutine " + cn.name.replace('/', '.') + "." + m.name + "(" + params + ")"
                + where + ": " + r.reason + ". Fix: " + r.fix + ".";
    }
}
