package io.squall.testing;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defines the project's classes a second time, now that the agent is installed, for test classes that were
 * loaded before it (Maven Surefire loads the first test class of each fork before the JUnit session opens, so
 * that class was never rewritten, and a loaded class cannot be given the methods the rewrite adds).
 *
 * <p>How it is used ({@link SquallLauncherSessionListener}): it becomes the thread context class loader for the
 * session, and JUnit resolves the test classes Surefire names (Surefire selects them by name) through that loader,
 * so the tests run on the rewritten copies. The copies come from the directories the late classes were loaded from
 * ({@code target/test-classes}) and the sibling {@code classes} directory (the code under test, so that tests
 * keep their package-private access to it: a package is one runtime package only within one class loader).
 * Everything else (JUnit, Squall, libraries, other modules' jars) is delegated to the parent, so those classes
 * stay shared. The squall-testing kit's own classes (package {@code io.squall.testing}) are always the parent's.
 */
final class LateClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final List<Path> dirs;
    private final Map<Path, ProtectionDomain> domains = new ConcurrentHashMap<>();

    private LateClassLoader(ClassLoader parent, List<Path> dirs) {
        super("squall-late-classes", parent);
        this.dirs = dirs;
    }

    /**
     * Makes a loader for these late classes, or returns null if one of them did not come from a directory
     * (a jar's classes are not reloaded: the caller then reports the late classes with the fix instead).
     *
     * @param parent the loader that loaded them (the session's context class loader)
     * @param late the classes loaded before the agent
     * @return the loader, or null
     */
    static LateClassLoader forClasses(ClassLoader parent, List<Class<?>> late) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Class<?> c : late) {
            Path dir = directoryOf(c);
            if (dir == null) {
                return null;
            }
            dirs.add(dir);
            Path main = dir.resolveSibling("classes");
            if (dir.getFileName() != null && dir.getFileName().toString().equals("test-classes")
                    && Files.isDirectory(main)) {
                dirs.add(main);
            }
        }
        return new LateClassLoader(parent, new ArrayList<>(dirs));
    }

    private static Path directoryOf(Class<?> c) {
        try {
            CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs == null || cs.getLocation() == null || !"file".equals(cs.getLocation().getProtocol())) {
                return null;
            }
            Path p = Path.of(cs.getLocation().toURI());
            return Files.isDirectory(p) ? p : null;
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** @return the directories whose classes this loader defines again */
    List<Path> directories() {
        return dirs;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null && !isKitClass(name) && !name.startsWith("java.")) {
                c = defineFromDirectories(name);
            }
            if (c == null) {
                return super.loadClass(name, resolve);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    /** The kit's own classes (package {@code io.squall.testing}, not its subpackages) stay shared. */
    private static boolean isKitClass(String name) {
        return name.startsWith("io.squall.testing.") && name.indexOf('.', "io.squall.testing.".length()) < 0;
    }

    private Class<?> defineFromDirectories(String name) throws ClassNotFoundException {
        String file = name.replace('.', '/') + ".class";
        for (Path dir : dirs) {
            Path f = dir.resolve(file);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new ClassNotFoundException(name + ": cannot read " + f, e);
            }
            int dot = name.lastIndexOf('.');
            if (dot > 0) {
                String pkg = name.substring(0, dot);
                if (getDefinedPackage(pkg) == null) {
                    try {
                        definePackage(pkg, null, null, null, null, null, null, null);
                    } catch (IllegalArgumentException alreadyDefined) {
                        // another thread defined it meanwhile
                    }
                }
            }
            return defineClass(name, bytes, 0, bytes.length, domains.computeIfAbsent(dir, LateClassLoader::domain));
        }
        return null;
    }

    private static ProtectionDomain domain(Path dir) {
        try {
            URL url = dir.toUri().toURL();
            return new ProtectionDomain(new CodeSource(url, (Certificate[]) null), null);
        } catch (MalformedURLException e) {
            return null;
        }
    }
}
