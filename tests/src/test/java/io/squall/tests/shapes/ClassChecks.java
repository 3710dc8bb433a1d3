package io.squall.tests.shapes;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.util.CheckClassAdapter;

/** ASM checks on class bytes: data-flow verification, and which methods are coroutines. */
public final class ClassChecks {

    private static final String ASYNC = "io/squall/Async";
    private static final String COROUTINE = "Lio/squall/annotations/Coroutine;";

    private ClassChecks() {
    }

    /**
     * Runs {@code CheckClassAdapter.verify} (structure plus data flow with a {@code SimpleVerifier} resolving
     * types through {@code loader}) and returns what it reports: empty when the class is valid.
     */
    public static String verify(byte[] bytes, ClassLoader loader) {
        StringWriter out = new StringWriter();
        try (PrintWriter pw = new PrintWriter(out)) {
            CheckClassAdapter.verify(new ClassReader(bytes), loader, false, pw);
        } catch (RuntimeException e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            return out + "\nCheckClassAdapter threw: " + trace;
        }
        return out.toString();
    }

    /** As {@link #verify}, but null if ASM cannot parse the bytes at all. */
    public static String verifyQuietly(byte[] bytes, ClassLoader loader) {
        try {
            new ClassReader(bytes).accept(new ClassNode(), 0);
        } catch (RuntimeException e) {
            return null;
        }
        return verify(bytes, loader);
    }

    /** The internal name of the class in {@code bytes}. */
    public static String nameOf(byte[] bytes) {
        return new ClassReader(bytes).getClassName();
    }

    /**
     * The methods of {@code bytes} that are coroutines by API.md's definition: {@code @Coroutine} methods with
     * a body (awaiting or not; bridges excluded), and synthetic lambda bodies returning a future type that call
     * {@code await}.
     */
    public static List<String> coroutineMethods(byte[] bytes) {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, ClassReader.SKIP_FRAMES);
        List<String> out = new ArrayList<>();
        for (MethodNode m : cn.methods) {
            boolean hasBody = m.instructions.size() > 0;
            boolean bridge = (m.access & Opcodes.ACC_BRIDGE) != 0;
            boolean annotated = hasBody && !bridge && (has(m.visibleAnnotations) || has(m.invisibleAnnotations)
                    || (returnsFuture(m.desc) && isSquallTest(m)));
            boolean lambda = m.name.startsWith("lambda$") && (m.access & Opcodes.ACC_SYNTHETIC) != 0
                    && returnsFuture(m.desc) && callsAwait(m);
            if (annotated || lambda) {
                out.add(m.name + m.desc);
            }
        }
        return out;
    }

    /** Method names and descriptors, in order, excluding synthetic ones. */
    public static List<String> declaredMethods(byte[] bytes) {
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, ClassReader.SKIP_CODE);
        List<String> out = new ArrayList<>();
        java.util.Set<String> testEntries = new java.util.HashSet<>();
        for (MethodNode m : cn.methods) {
            if (m.name.endsWith(TEST_ENTRY_SUFFIX)) {
                testEntries.add(m.name.substring(0, m.name.length() - TEST_ENTRY_SUFFIX.length())
                        + m.desc.substring(0, m.desc.indexOf(')') + 1));
            }
        }
        for (MethodNode m : cn.methods) {
            if ((m.access & Opcodes.ACC_SYNTHETIC) != 0) {
                continue;
            }
            // A @SquallTest coroutine's void stand-in and renamed entry count as the method they came from.
            if (m.desc.endsWith(")V") && testEntries.contains(m.name + m.desc.substring(0, m.desc.length() - 1))) {
                continue;
            }
            String name = m.name.endsWith(TEST_ENTRY_SUFFIX)
                    ? m.name.substring(0, m.name.length() - TEST_ENTRY_SUFFIX.length()) : m.name;
            out.add(name + m.desc + " access=" + (m.access & ~Opcodes.ACC_SYNTHETIC));
        }
        out.sort(null);
        return out;
    }

    /** Suffix of a @SquallTest coroutine's entry once the agent gave it a void stand-in. */
    private static final String TEST_ENTRY_SUFFIX = "$squall$test";

    private static boolean isSquallTest(MethodNode m) {
        for (List<AnnotationNode> list : java.util.Arrays.asList(m.visibleAnnotations, m.invisibleAnnotations)) {
            if (list != null) {
                for (AnnotationNode a : list) {
                    if (a.desc.equals("Lio/squall/testing/SquallTest;")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Debug information of the coroutine methods of {@code original} that is missing from {@code rewritten}:
     * source line numbers, and local variables (name and descriptor), looked up in the rewritten method of the
     * same name and in the methods the rewrite derived from it (names starting with the original name).
     * Empty when everything a debugger needs survived. Methods the agent refused (their body replaced by a
     * failed future carrying a "refused" message) are skipped.
     */
    public static List<String> lostDebugInfo(byte[] original, byte[] rewritten) {
        ClassNode before = new ClassNode();
        new ClassReader(original).accept(before, 0);
        ClassNode after = new ClassNode();
        new ClassReader(rewritten).accept(after, 0);
        List<String> coroutines = coroutineMethods(original);
        List<String> lost = new ArrayList<>();
        for (MethodNode m : before.methods) {
            if (!coroutines.contains(m.name + m.desc)) {
                continue;
            }
            if (refused(after, m)) {
                continue;
            }
            java.util.Set<Integer> lines = new java.util.TreeSet<>();
            java.util.Set<String> locals = new java.util.TreeSet<>();
            collect(m, lines, locals);
            java.util.Set<Integer> linesAfter = new java.util.TreeSet<>();
            java.util.Set<String> localsAfter = new java.util.TreeSet<>();
            for (MethodNode r : after.methods) {
                if (r.name.equals(m.name) || r.name.startsWith(m.name + "$")) {
                    collect(r, linesAfter, localsAfter);
                }
            }
            lines.removeAll(linesAfter);
            locals.removeAll(localsAfter);
            if (!lines.isEmpty() || !locals.isEmpty()) {
                lost.add(m.name + m.desc + " lost lines " + lines + " and locals " + locals);
            }
        }
        return lost;
    }

    /** Whether the rewrite replaced {@code m}'s body by a refusal (a constant message saying "refused"). */
    private static boolean refused(ClassNode after, MethodNode m) {
        for (MethodNode r : after.methods) {
            if (r.name.equals(m.name) && r.desc.equals(m.desc)) {
                for (AbstractInsnNode insn = r.instructions.getFirst(); insn != null; insn = insn.getNext()) {
                    if (insn instanceof org.objectweb.asm.tree.LdcInsnNode
                            && ((org.objectweb.asm.tree.LdcInsnNode) insn).cst instanceof String
                            && ((String) ((org.objectweb.asm.tree.LdcInsnNode) insn).cst).toLowerCase(
                                    java.util.Locale.ROOT).contains("refused")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void collect(MethodNode m, java.util.Set<Integer> lines, java.util.Set<String> locals) {
        for (AbstractInsnNode insn = m.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof org.objectweb.asm.tree.LineNumberNode) {
                lines.add(((org.objectweb.asm.tree.LineNumberNode) insn).line);
            }
        }
        if (m.localVariables != null) {
            for (org.objectweb.asm.tree.LocalVariableNode v : m.localVariables) {
                locals.add(v.name + ":" + v.desc);
            }
        }
    }

    private static boolean has(List<AnnotationNode> annotations) {
        if (annotations != null) {
            for (AnnotationNode a : annotations) {
                if (a.desc.equals(COROUTINE)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean callsAwait(MethodNode m) {
        for (AbstractInsnNode insn = m.instructions.getFirst(); insn != null; insn = insn.getNext()) {
            if (insn instanceof MethodInsnNode) {
                MethodInsnNode call = (MethodInsnNode) insn;
                if (call.owner.equals(ASYNC) && call.name.equals("await")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean returnsFuture(String desc) {
        String ret = desc.substring(desc.indexOf(')') + 1);
        return ret.equals("Lio/squall/Future;") || ret.equals("Ljava/util/concurrent/CompletionStage;")
                || ret.equals("Ljava/util/concurrent/CompletableFuture;");
    }
}
