package io.squall.agent;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.SimpleVerifier;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Verification mode ({@code -Dio.squall.agent.verify=true}): checks a rewritten class with ASM's
 * {@link CheckClassAdapter} (structure, with data flow) and then every method with a type-level data-flow
 * {@link Analyzer} whose class hierarchy comes from class files, so verification never loads classes.
 */
final class RewriteVerifier {

    private RewriteVerifier() {
        throw new AssertionError("no instances");
    }

    /**
     * Verifies a class.
     *
     * @param loader where the class's dependencies' class files are found
     * @param bytes the rewritten class file
     * @return the problems found, empty if none
     */
    static List<String> verify(ClassLoader loader, byte[] bytes) {
        List<String> problems = new ArrayList<>();
        try {
            new ClassReader(bytes).accept(new CheckClassAdapter(new ClassNode(), true), 0);
        } catch (RuntimeException e) {
            problems.add("CheckClassAdapter: " + e);
        }
        ClassNode cn = new ClassNode();
        new ClassReader(bytes).accept(cn, 0);
        ClassHierarchy hierarchy = new ClassHierarchy(loader);
        hierarchy.add(bytes);
        Type self = Type.getObjectType(cn.name);
        Type superType = cn.superName == null ? null : Type.getObjectType(cn.superName);
        List<Type> interfaces = new ArrayList<>();
        for (String i : cn.interfaces) {
            interfaces.add(Type.getObjectType(i));
        }
        boolean isInterface = (cn.access & Opcodes.ACC_INTERFACE) != 0;
        for (MethodNode m : cn.methods) {
            if (m.instructions.size() == 0) {
                continue;
            }
            Analyzer<BasicValue> a = new Analyzer<>(new HierarchyVerifier(self, superType, interfaces, isInterface,
                    hierarchy));
            try {
                a.analyze(cn.name, m);
            } catch (AnalyzerException e) {
                StringWriter dump = new StringWriter();
                e.printStackTrace(new PrintWriter(dump));
                problems.add(cn.name + "." + m.name + m.desc + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /** A {@link SimpleVerifier} that answers hierarchy questions from class files. */
    private static final class HierarchyVerifier extends SimpleVerifier {
        private final ClassHierarchy hierarchy;

        HierarchyVerifier(Type self, Type superType, List<Type> interfaces, boolean isInterface,
                ClassHierarchy hierarchy) {
            super(Opcodes.ASM9, self, superType, interfaces, isInterface);
            this.hierarchy = hierarchy;
        }

        @Override
        protected boolean isInterface(Type type) {
            return type.getSort() == Type.OBJECT && hierarchy.info(type.getInternalName()).isInterface;
        }

        @Override
        protected Type getSuperClass(Type type) {
            if (type.getSort() != Type.OBJECT) {
                return Type.getObjectType(Names.OBJECT);
            }
            String s = hierarchy.info(type.getInternalName()).superName;
            return s == null ? null : Type.getObjectType(s);
        }

        @Override
        protected boolean isAssignableFrom(Type to, Type from) {
            if (to.equals(from)) {
                return true;
            }
            if (to.getSort() == Type.OBJECT && Names.OBJECT.equals(to.getInternalName())) {
                return true;
            }
            if (from.getSort() == Type.ARRAY) {
                if (to.getSort() == Type.ARRAY) {
                    Type fe = Type.getType(from.getDescriptor().substring(1));
                    Type te = Type.getType(to.getDescriptor().substring(1));
                    boolean refs = (fe.getSort() == Type.OBJECT || fe.getSort() == Type.ARRAY)
                            && (te.getSort() == Type.OBJECT || te.getSort() == Type.ARRAY);
                    return refs ? isAssignableFrom(te, fe) : fe.equals(te);
                }
                String n = to.getInternalName();
                return "java/lang/Cloneable".equals(n) || "java/io/Serializable".equals(n);
            }
            if (to.getSort() == Type.ARRAY || from.getSort() != Type.OBJECT) {
                return false;
            }
            if (isInterface(to)) {
                return true; // as the JVM's verifier: interfaces are checked at run time
            }
            for (String s = from.getInternalName(); s != null; s = hierarchy.info(s).superName) {
                if (s.equals(to.getInternalName())) {
                    return true;
                }
            }
            return false;
        }
    }
}
