package io.squall.agent;

import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.ParameterNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * Gives each coroutine test method of squall-testing a {@code void} stand-in that JUnit can see.
 *
 * <p>JUnit Jupiter only runs {@code void} test methods, but a {@code @SquallTest} method returning a Future
 * is a coroutine. After the rewrite, such a method {@code Future<T> name(args)} is renamed
 * {@code name$squall$test} (still the coroutine's entry, called by the kit's extension), and a new
 * {@code void name(args)} takes over its annotations, parameter annotations and parameter names. The
 * stand-in only throws: the {@code @SquallTest} extension intercepts it and runs the coroutine instead.
 * Callers that invoke a test method directly (javac-compiled against the Future signature) would not find it
 * any more; test methods are not normally called by other code.
 */
final class TestTwins {

    private TestTwins() {
        throw new AssertionError("no instances");
    }

    /** Adds the stand-ins to {@code cn} for every (instance) {@code @SquallTest} method returning a future. */
    static void addStandIns(ClassNode cn) {
        List<MethodNode> standIns = new ArrayList<>();
        for (MethodNode m : cn.methods) {
            if (!needsStandIn(m)) {
                continue;
            }
            standIns.add(standIn(cn, m));
        }
        cn.methods.addAll(standIns);
    }

    /**
     * The name a coroutine will have once the class is written: {@code name$squall$test} for a method that
     * {@link #addStandIns} gives a stand-in, else its own. Read before the stand-ins are added (a resume
     * handle naming the method itself must name the renamed one).
     */
    static String entryName(MethodNode m) {
        return needsStandIn(m) ? m.name + Names.TEST_ENTRY_SUFFIX : m.name;
    }

    private static boolean needsStandIn(MethodNode m) {
        return (m.access & (Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC | Opcodes.ACC_BRIDGE)) == 0
                && Names.ReturnKind.of(m.desc) != null && isSquallTest(m);
    }

    static boolean isSquallTest(MethodNode m) {
        return ClassRewriter.hasAnnotation(m, Names.SQUALL_TEST_DESC);
    }

    private static MethodNode standIn(ClassNode cn, MethodNode m) {
        String desc = Type.getMethodDescriptor(Type.VOID_TYPE, Type.getArgumentTypes(m.desc));
        MethodNode s = new MethodNode(Opcodes.ASM9, m.access, m.name, desc, null,
                m.exceptions.toArray(new String[0]));
        s.visibleAnnotations = m.visibleAnnotations;
        s.invisibleAnnotations = m.invisibleAnnotations;
        s.visibleParameterAnnotations = m.visibleParameterAnnotations;
        s.invisibleParameterAnnotations = m.invisibleParameterAnnotations;
        s.visibleAnnotableParameterCount = m.visibleAnnotableParameterCount;
        s.invisibleAnnotableParameterCount = m.invisibleAnnotableParameterCount;
        if (m.parameters != null) {
            s.parameters = new ArrayList<>();
            for (ParameterNode p : m.parameters) {
                s.parameters.add(new ParameterNode(p.name, p.access));
            }
        }
        m.visibleAnnotations = null;
        m.invisibleAnnotations = null;
        m.visibleParameterAnnotations = null;
        m.invisibleParameterAnnotations = null;
        m.visibleAnnotableParameterCount = 0;
        m.invisibleAnnotableParameterCount = 0;
        String original = m.name;
        m.name = original + Names.TEST_ENTRY_SUFFIX;

        InsnList code = new InsnList();
        int line = MethodShapes.firstLine(m);
        if (line > 0) {
            LabelNode start = new LabelNode();
            code.add(start);
            code.add(new LineNumberNode(line, start));
        }
        code.add(new TypeInsnNode(Opcodes.NEW, "java/lang/UnsupportedOperationException"));
        code.add(new InsnNode(Opcodes.DUP));
        code.add(new LdcInsnNode(cn.name.replace('/', '.') + "." + original + " is a coroutine test: the"
                + " @SquallTest extension runs it (through " + m.name + ") on a fresh IOLoop; do not call"
                + " the stand-in directly"));
        code.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/lang/UnsupportedOperationException", "<init>",
                "(Ljava/lang/String;)V", false));
        code.add(new InsnNode(Opcodes.ATHROW));
        s.instructions = code;
        s.maxStack = 3;
        s.maxLocals = Type.getArgumentsAndReturnSizes(desc) >> 2;
        return s;
    }
}
