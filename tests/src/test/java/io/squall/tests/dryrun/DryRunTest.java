package io.squall.tests.dryrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.tests.shapes.AgentAccess;
import io.squall.tests.shapes.ClassChecks;

/**
 * Dry run at scale: every class of the dependency jars on the test class path (and of the agent jar) and of
 * the JDK's modules ({@code jrt:/}) goes through {@code SquallTransformer.rewrite}. None of them has a
 * coroutine except the project's own (the seed programs of the bench module): each class without one must come
 * back null (untouched), without an exception, and with its input array unchanged; each class with one must
 * come back rewritten and pass {@code CheckClassAdapter}. Prints how many classes per second go through.
 *
 * <p>java.base is always done in full; the other JDK modules are done until a time budget (system property
 * {@code squall.dryrun.budgetSeconds}, 40 s by default) runs out, and the output says how far it got.
 */
class DryRunTest {

    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(Long.getLong("squall.dryrun.budgetSeconds", 40));

    /** Counts and failures of one dry run. */
    static final class Tally {
        final String what;
        long classes;
        long bytes;
        long rewriteNanos;
        long rewritten;
        final List<String> failures = new ArrayList<>();

        Tally(String what) {
            this.what = what;
        }

        void feed(AgentAccess agent, ClassLoader loader, String entryName, byte[] original) {
            String internalName = entryName.substring(0, entryName.length() - ".class".length());
            byte[] input = original.clone();
            long t0 = System.nanoTime();
            byte[] out;
            try {
                out = agent.rewrite(loader, internalName, input);
            } catch (Throwable t) {
                fail(internalName + ": rewrite threw " + t);
                return;
            } finally {
                rewriteNanos += System.nanoTime() - t0;
            }
            classes++;
            bytes += original.length;
            List<String> coroutines = mentions(original, ASYNC) ? ClassChecks.coroutineMethods(original) : List.of();
            if (coroutines.isEmpty()) {
                if (out != null) {
                    fail(internalName + ": has no coroutine but rewrite returned "
                            + (Arrays.equals(out, original) ? "an identical copy" : "different bytes") + " instead of null");
                }
            } else if (out == null) {
                fail(internalName + ": has coroutines " + coroutines + " but was left untouched");
            } else {
                rewritten++;
                String report = ClassChecks.verify(out, loader != null ? loader : ClassLoader.getSystemClassLoader());
                if (!report.isEmpty()) {
                    fail(internalName + ": rewritten class fails CheckClassAdapter:\n" + report);
                }
            }
            if (!Arrays.equals(input, original)) {
                fail(internalName + ": rewrite modified its input array");
            }
        }

        void fail(String message) {
            if (failures.size() < 50) {
                failures.add(message);
            }
        }

        String report() {
            double seconds = rewriteNanos / 1e9;
            return String.format("[dry-run] %s: %,d classes (%,d KiB) through rewrite in %.3f s = %,.0f classes/s;"
                    + " %,d with coroutines rewritten (and verified), the rest rejected untouched",
                    what, classes, bytes / 1024, seconds, seconds > 0 ? classes / seconds : 0.0, rewritten);
        }
    }

    private static final byte[] ASYNC = "io/squall/Async".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Whether {@code bytes} contains {@code needle} (a constant-pool mention). */
    static boolean mentions(byte[] bytes, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static boolean isClass(String name) {
        return name.endsWith(".class") && !name.equals("module-info.class") && !name.endsWith("package-info.class")
                && !name.startsWith("META-INF/");
    }

    /** Jars on the test class path (Surefire's, expanding manifest Class-Path), plus the -javaagent jar. */
    static Set<Path> dependencyJars() throws IOException {
        Set<Path> jars = new LinkedHashSet<>();
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isEmpty()) {
            cp = System.getProperty("java.class.path");
        }
        for (String e : cp.split(File.pathSeparator)) {
            addJar(jars, Path.of(e));
        }
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:")) {
                String path = arg.substring("-javaagent:".length());
                int eq = path.indexOf('=');
                addJar(jars, Path.of(eq >= 0 ? path.substring(0, eq) : path));
            }
        }
        return jars;
    }

    private static void addJar(Set<Path> jars, Path p) throws IOException {
        if (!p.toString().endsWith(".jar") || !Files.isRegularFile(p) || !jars.add(p.toAbsolutePath())) {
            return;
        }
        try (JarFile jar = new JarFile(p.toFile())) {
            Manifest mf = jar.getManifest();
            String more = mf == null ? null : mf.getMainAttributes().getValue("Class-Path");
            if (more != null) {
                for (String ref : more.trim().split("\\s+")) {
                    if (!ref.isEmpty()) {
                        Path dep = ref.startsWith("file:") ? Path.of(URI.create(ref)) : p.resolveSibling(ref);
                        addJar(jars, dep);
                    }
                }
            }
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void dependencyJarsAreLeftUntouched() throws IOException {
        AgentAccess agent = AgentAccess.transformer();
        ClassLoader loader = getClass().getClassLoader();
        Set<Path> jars = dependencyJars();
        assertTrue(jars.size() >= 3, "expected the dependency jars on the class path, found " + jars);
        Tally tally = new Tally(jars.size() + " dependency jars");
        for (Path p : jars) {
            try (JarFile jar = new JarFile(p.toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    String name = e.getName();
                    if (name.startsWith("META-INF/versions/")) {
                        String rest = name.substring("META-INF/versions/".length());
                        name = rest.substring(rest.indexOf('/') + 1);
                    }
                    if (!isClass(name) || e.isDirectory()) {
                        continue;
                    }
                    try (InputStream in = jar.getInputStream(e)) {
                        tally.feed(agent, loader, name, in.readAllBytes());
                    }
                }
            }
        }
        System.out.println(tally.report());
        System.out.println("[dry-run] jars: " + jars.stream().map(j -> j.getFileName().toString())
                .collect(Collectors.joining(", ")));
        assertTrue(tally.classes > 1000, "expected thousands of classes in the dependency jars, saw " + tally.classes);
        assertEquals(List.of(), tally.failures, tally.failures.size() + " failure(s)");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void jdkModulesAreLeftUntouched() throws IOException {
        AgentAccess agent = AgentAccess.transformer();
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<Path> modules;
        try (Stream<Path> s = Files.list(jrt.getPath("/modules"))) {
            modules = s.sorted((a, b) -> {
                boolean aBase = a.getFileName().toString().equals("java.base");
                boolean bBase = b.getFileName().toString().equals("java.base");
                return aBase == bBase ? a.compareTo(b) : aBase ? -1 : 1;
            }).collect(Collectors.toList());
        }
        Tally tally = new Tally("JDK " + Runtime.version() + " modules");
        long start = System.nanoTime();
        int modulesDone = 0;
        List<String> skipped = new ArrayList<>();
        for (Path module : modules) {
            String moduleName = module.getFileName().toString();
            if (!moduleName.equals("java.base") && System.nanoTime() - start > BUDGET_NANOS) {
                skipped.add(moduleName);
                continue;
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(module)) {
                files = s.filter(p -> isClass(module.relativize(p).toString())).collect(Collectors.toList());
            }
            for (Path f : files) {
                // JDK classes are defined by the boot or platform loader: pass null as the loader does.
                tally.feed(agent, null, module.relativize(f).toString(), Files.readAllBytes(f));
            }
            modulesDone++;
        }
        double wall = (System.nanoTime() - start) / 1e9;
        System.out.println(tally.report());
        System.out.printf("[dry-run] %d of %d JDK modules in %.1f s wall time (reading included)%s%n", modulesDone,
                modules.size(), wall, skipped.isEmpty() ? ", all modules done"
                        : "; time budget reached, not done: " + String.join(", ", skipped));
        assertTrue(tally.classes > 5000, "java.base alone has thousands of classes, saw " + tally.classes);
        assertEquals(List.of(), tally.failures, tally.failures.size() + " failure(s)");
    }
}
