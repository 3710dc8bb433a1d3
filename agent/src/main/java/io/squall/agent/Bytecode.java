package io.squall.agent;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;

/** Small instruction builders shared by the rewrite. */
final class Bytecode {

    private Bytecode() {
        throw new AssertionError("no instances");
    }

    /** @return the stack map frame type of a value of type {@code t} */
    static Object frameType(Type t) {
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

    /** @return an instruction pushing the zero value of a type sort ({@link Type#INT}, ...) */
    static AbstractInsnNode defaultValue(int sort) {
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

    /** @return the shortest instruction pushing {@code v} */
    static AbstractInsnNode pushInt(int v) {
        if (v >= -1 && v <= 5) {
            return new InsnNode(Opcodes.ICONST_0 + v);
        }
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            return new IntInsnNode(Opcodes.BIPUSH, v);
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return new IntInsnNode(Opcodes.SIPUSH, v);
        }
        return new LdcInsnNode(v);
    }

    /** @return the load opcode for a value sort: 'I', 'J', 'F', 'D', or a reference */
    static int loadOpcode(char sort) {
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

    /** @return the store opcode for a value sort */
    static int storeOpcode(char sort) {
        return loadOpcode(sort) + (Opcodes.ISTORE - Opcodes.ILOAD);
    }
}
