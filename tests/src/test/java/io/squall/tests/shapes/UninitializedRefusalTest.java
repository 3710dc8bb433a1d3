package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
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
 * The one uninitialized-object refusal left (agent/README.md's table): an uninitialized object that cannot be
 * re-created on resume because its own {@code NEW} would have to run while it is still live. No compiler emits
 * this (such frames do not verify); hand-made bytecode can, and the agent must refuse it with a clear message
 * instead of writing a broken class.
 */
class UninitializedRefusalTest {

    private static final String CLASS = "handmade/SelfLive";

    /** {@code m(f)}: the frame before {@code NEW StringBuilder} claims that NEW's own object in local 1. */
    static byte[] selfLive() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, CLASS, null, "java/lang/Object", null);
        cw.visitSource("SelfLive.java", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "m", "(Lio/squall/Future;)Lio/squall/Future;", null,
                null);
        mv.visitAnnotation("Lio/squall/annotations/Coroutine;", true).visitEnd();
        mv.visitCode();
        Label atNew = new Label();
        mv.visitJumpInsn(Opcodes.GOTO, atNew);
        mv.visitLabel(atNew);
        mv.visitFrame(Opcodes.F_NEW, 2, new Object[] {"io/squall/Future", atNew}, 0, new Object[0]);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/StringBuilder");
        mv.visitInsn(Opcodes.DUP);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/squall/Async", "await",
                "(Lio/squall/Future;)Ljava/lang/Object;", false);
        mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/StringBuilder", "<init>", "(Ljava/lang/String;)V",
                false);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "io/squall/Future", "of", "(Ljava/lang/Object;)Lio/squall/Future;",
                false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(4, 2);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void anObjectLiveAtItsOwnNewIsRefused() throws Throwable {
        byte[] out = AgentAccess.transformer().rewrite(getClass().getClassLoader(), CLASS, selfLive());
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
        String message = String.join("\n", strings);
        assertTrue(message.contains("handmade.SelfLive.m") && message.contains("its own 'new' runs again")
                && message.contains("SelfLive.java"), "refusal message naming the method, the reason and the file: "
                + message);
    }
}
