package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The uninitialized-object refusals left (agent/README.md's table), one hand-made class each: an object live when
 * its own {@code NEW} runs again, two {@code NEW}s each live before the other, an uninitialized type whose
 * {@code NEW} cannot be found, and {@code uninitializedThis} across an await. No compiler emits these (such frames
 * do not verify); hand-made bytecode can, and the agent must refuse it with a clear message naming the method,
 * the reason and the source file instead of writing a broken class.
 */
class UninitializedRefusalTest {

    /** One refusal shape: the hand-made class and the reason its refusal message must give. */
    enum Shape {
        /** An object live at its own {@code NEW}: that {@code NEW} cannot run again on resume. */
        AN_OBJECT_LIVE_AT_ITS_OWN_NEW("SelfLive", "its own 'new' runs again", UninitializedRefusalTest::selfLive),
        /** Two {@code NEW}s each live before the other: no order re-creates both on resume. */
        TWO_NEWS_LIVE_BEFORE_EACH_OTHER("MutualNews",
                "uninitialized objects that depend on each other across an await", UninitializedRefusalTest::mutualNews),
        /** An uninitialized type naming an offset that holds no {@code NEW}: nothing to re-run on resume. */
        AN_UNINITIALIZED_OBJECT_WITHOUT_ITS_NEW("LostNew",
                "an uninitialized object whose 'new' instruction cannot be found", UninitializedRefusalTest::lostNew),
        /** {@code uninitializedThis} live across an await: the super constructor call cannot be re-run. */
        UNINITIALIZED_THIS_ACROSS_AN_AWAIT("EarlyThis", "await before the super constructor call",
                UninitializedRefusalTest::earlyThis);

        final String simpleName;
        final String reason;
        final Supplier<byte[]> bytes;

        Shape(String simpleName, String reason, Supplier<byte[]> bytes) {
            this.simpleName = simpleName;
            this.reason = reason;
            this.bytes = bytes;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Shape.class)
    void isRefusedWithTheMethodTheReasonAndTheFile(Shape shape) throws Throwable {
        String message = refusalOf("handmade/" + shape.simpleName, shape.bytes.get());
        assertTrue(message.contains("handmade." + shape.simpleName + ".m") && message.contains(shape.reason)
                && message.contains(shape.simpleName + ".java"),
                shape + ": refusal message naming the method, the reason and the file: " + message);
    }

    /** {@code m(f)}: the frame before {@code NEW StringBuilder} claims that NEW's own object in local 1. */
    static byte[] selfLive() {
        ClassWriter cw = new ClassWriter(0);
        MethodVisitor mv = coroutineM(cw, "SelfLive");
        Label atNew = new Label();
        mv.visitJumpInsn(Opcodes.GOTO, atNew);
        mv.visitLabel(atNew);
        mv.visitFrame(Opcodes.F_NEW, 2, new Object[] {"io/squall/Future", atNew}, 0, new Object[0]);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/StringBuilder");
        mv.visitInsn(Opcodes.DUP);
        awaitArgument(mv);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/StringBuilder", "<init>", "(Ljava/lang/String;)V",
                false);
        return returnFutureOf(cw, mv, 4, 2);
    }

    /**
     * {@code m(f)} with two {@code NEW StringBuilder}s A and B: the frame before A claims B's object in local 1,
     * the frame before B claims A's object in local 2, and the await runs with A in local 2 and B on the stack.
     * A frame may only name an earlier offset once written, so the class is built twice: the first build's
     * resolved label for B is the forward type in the second build's frame before A.
     */
    static byte[] mutualNews() {
        Label bFromFirstBuild = new Label();
        mutualNews(bFromFirstBuild, bFromFirstBuild);
        return mutualNews(bFromFirstBuild, new Label());
    }

    private static byte[] mutualNews(Label bType, Label bHere) {
        ClassWriter cw = new ClassWriter(0);
        MethodVisitor mv = coroutineM(cw, "MutualNews");
        Label a = new Label();
        mv.visitJumpInsn(Opcodes.GOTO, a);
        mv.visitLabel(a);
        mv.visitFrame(Opcodes.F_NEW, 2, new Object[] {"io/squall/Future", bType}, 0, new Object[0]);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/StringBuilder");
        mv.visitVarInsn(Opcodes.ASTORE, 2);
        mv.visitJumpInsn(Opcodes.GOTO, bHere);
        mv.visitLabel(bHere);
        mv.visitFrame(Opcodes.F_NEW, 3, new Object[] {"io/squall/Future", Opcodes.TOP, a}, 0, new Object[0]);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/StringBuilder");
        mv.visitInsn(Opcodes.DUP);
        awaitArgument(mv);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/StringBuilder", "<init>", "(Ljava/lang/String;)V",
                false);
        return returnFutureOf(cw, mv, 4, 3);
    }

    /**
     * {@code m(f)}: the frame before the await claims local 1 holds {@code uninitialized(1)}, but offset 1 is a
     * {@code NOP}, not a {@code NEW}.
     */
    static byte[] lostNew() {
        ClassWriter cw = new ClassWriter(0);
        MethodVisitor mv = coroutineM(cw, "LostNew");
        Label notNew = new Label();
        Label body = new Label();
        mv.visitInsn(Opcodes.NOP);
        mv.visitLabel(notNew);
        mv.visitInsn(Opcodes.NOP);
        mv.visitJumpInsn(Opcodes.GOTO, body);
        mv.visitLabel(body);
        mv.visitFrame(Opcodes.F_NEW, 2, new Object[] {"io/squall/Future", notNew}, 0, new Object[0]);
        awaitArgument(mv);
        return returnFutureOf(cw, mv, 1, 2);
    }

    /**
     * {@code static m(f)} whose frame before the await claims local 1 is {@code uninitializedThis}. A real
     * constructor cannot reach the agent's uninitialized-object planning: {@code <init>} returns {@code void},
     * so a {@code @Coroutine} constructor is refused earlier for its return type. A forged frame in a static
     * method is the shape that reaches this refusal.
     */
    static byte[] earlyThis() {
        ClassWriter cw = new ClassWriter(0);
        MethodVisitor mv = coroutineM(cw, "EarlyThis");
        Label body = new Label();
        mv.visitJumpInsn(Opcodes.GOTO, body);
        mv.visitLabel(body);
        mv.visitFrame(Opcodes.F_NEW, 2, new Object[] {"io/squall/Future", Opcodes.UNINITIALIZED_THIS}, 0,
                new Object[0]);
        awaitArgument(mv);
        return returnFutureOf(cw, mv, 1, 2);
    }

    /** Starts class {@code handmade/<simpleName>} (source file {@code <simpleName>.java}) and its coroutine {@code m}. */
    private static MethodVisitor coroutineM(ClassWriter cw, String simpleName) {
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "handmade/" + simpleName, null,
                "java/lang/Object", null);
        cw.visitSource(simpleName + ".java", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "m", "(Lio/squall/Future;)Lio/squall/Future;", null,
                null);
        mv.visitAnnotation("Lio/squall/annotations/Coroutine;", true).visitEnd();
        mv.visitCode();
        return mv;
    }

    /** Emits {@code await(f)} on the method's argument, leaving the awaited value on the stack. */
    private static void awaitArgument(MethodVisitor mv) {
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/squall/Async", "await",
                "(Lio/squall/Future;)Ljava/lang/Object;", false);
    }

    /** Emits {@code return Future.of(top of stack)}, ends {@code m} and the class, and returns the class file. */
    private static byte[] returnFutureOf(ClassWriter cw, MethodVisitor mv, int maxStack, int maxLocals) {
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/squall/Future", "of", "(Ljava/lang/Object;)Lio/squall/Future;",
                false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(maxStack, maxLocals);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Rewrites {@code bytes} and returns the string constants of the rewritten {@code m} (its refusal message). */
    private String refusalOf(String className, byte[] bytes) throws Throwable {
        byte[] out = AgentAccess.transformer().rewrite(getClass().getClassLoader(), className, bytes);
        assertNotNull(out, "the coroutine must come back refused, not untouched");
        ClassNode cn = new ClassNode();
        new ClassReader(out).accept(cn, 0);
        List<String> strings = new ArrayList<>();
        for (MethodNode m : cn.methods) {
            if (m.name.equals("m")) {
                for (AbstractInsnNode n = m.instructions.getFirst(); n != null; n = n.getNext()) {
                    if (n instanceof LdcInsnNode && ((LdcInsnNode) n).cst instanceof String) {
                        strings.add((String) ((LdcInsnNode) n).cst);
                    }
                }
            }
        }
        return String.join("\n", strings);
    }
}
