package io.squall.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FrameNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Uninitialized objects across an await ({@code new Foo(a, await(x))}): they cannot be saved, so the
 * {@code NEW; DUP} pair moves after the arguments, which are stored in fresh locals and reloaded.
 */
final class NewMover {

    private NewMover() {
        throw new AssertionError("no instances");
    }

    /** Puts a label right before each NEW so uninitialized types can be traced back to it. */
    static void labelNews(MethodNode body) {
        for (AbstractInsnNode n = body.instructions.getFirst(); n != null; n = n.getNext()) {
            if (n.getOpcode() == Opcodes.NEW) {
                body.instructions.insertBefore(n, new LabelNode());
            }
        }
    }

    /**
     * {@code new Foo(a, await(x))}: an uninitialized object cannot be saved, so its {@code NEW; DUP} moves
     * after the arguments: they are stored in fresh locals, then {@code NEW; DUP; load them; <init>}. Where
     * the NEW stood, the class is still initialized ({@code CoroutineSupport.initialize}), so static
     * initializers run in the same order as before.
     */
    static boolean moveNews(String owner, MethodNode body, List<MethodInsnNode> awaits, FrameTypes types)
            throws Refusal {
        Set<AbstractInsnNode> news = new LinkedHashSet<>();
        for (MethodInsnNode await : awaits) {
            FrameTypes.At at = types.at.get(await);
            if (at == null) {
                continue;
            }
            for (Object t : at.stack) {
                if (t instanceof LabelNode) {
                    news.add(MethodShapes.nextReal((LabelNode) t));
                } else if (t == Opcodes.UNINITIALIZED_THIS) {
                    throw new Refusal("await before the super constructor call", "Constructors cannot be"
                            + " coroutines", await);
                }
            }
            for (Object t : at.locals) {
                if (t instanceof LabelNode || t == Opcodes.UNINITIALIZED_THIS) {
                    throw new Refusal("an uninitialized object is held in a local variable across an await",
                            "Create the object after the await", await);
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
            if (!type.startsWith("java/") && !type.equals(owner)) {
                // JLS 15.9.4: the class is initialized before the arguments are evaluated, as NEW did here.
                body.instructions.insertBefore(n, new LdcInsnNode(Type.getObjectType(type)));
                body.instructions.insertBefore(n, new MethodInsnNode(Opcodes.INVOKESTATIC, Names.SUPPORT,
                        "initialize", "(Ljava/lang/Class;)V", false));
            }
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
}
