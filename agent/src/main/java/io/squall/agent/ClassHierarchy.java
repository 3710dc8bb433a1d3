package io.squall.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/**
 * Super classes and interface flags read from class files found through a class loader's resources, never
 * by loading classes. Unknown classes are taken as direct subclasses of Object.
 */
final class ClassHierarchy {

    /** What the verifier needs to know about one class. */
    static final class Info {
        final String superName;
        final boolean isInterface;

        Info(String superName, boolean isInterface) {
            this.superName = superName;
            this.isInterface = isInterface;
        }
    }

    private static final Info UNKNOWN = new Info(Names.OBJECT, false);

    private final ClassLoader loader;
    private final ConcurrentHashMap<String, Info> cache = new ConcurrentHashMap<>();

    ClassHierarchy(ClassLoader loader) {
        this.loader = loader;
    }

    /** Records a class whose bytes are at hand (the one being transformed). */
    void add(byte[] classFile) {
        ClassReader r = new ClassReader(classFile);
        cache.put(r.getClassName(), new Info(r.getSuperName(), (r.getAccess() & Opcodes.ACC_INTERFACE) != 0));
    }

    Info info(String internalName) {
        if (Names.OBJECT.equals(internalName)) {
            return new Info(null, false);
        }
        return cache.computeIfAbsent(internalName, this::read);
    }

    private Info read(String internalName) {
        String resource = internalName + ".class";
        try (InputStream in = loader != null ? loader.getResourceAsStream(resource)
                : ClassLoader.getSystemResourceAsStream(resource)) {
            if (in == null) {
                return UNKNOWN;
            }
            ClassReader r = new ClassReader(in.readAllBytes());
            return new Info(r.getSuperName(), (r.getAccess() & Opcodes.ACC_INTERFACE) != 0);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }
}
