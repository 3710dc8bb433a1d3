package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.eclipse.jdt.core.compiler.batch.BatchCompiler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.squall.Future;

/**
 * The shape corpus compiled by the Eclipse compiler (ECJ) instead of javac, once per test run: every shape test
 * class of this package and the fixtures. A second compiler's bytecode (other slot allocation, other switch,
 * try/finally and string-concatenation shapes, no stack spill before a switch expression) guards the agent
 * against fitting javac only. Every class with coroutines is rewritten, and loaded, linked and initialized
 * through the agent, so the JVM's verifier and the agent's own load-time check ({@code CheckClassAdapter} and a
 * data-flow {@code Analyzer}, on in these tests) see it; the fixtures run against their plain twins.
 */
class EcjCompiledTest extends ShapeTest {

    private static final Path SHAPES = Path.of("src/test/java/io/squall/tests/shapes");
    private static final Path FIXTURES = Path.of("src/test/resources/shapes/fixture");
    private static final List<String> FIXTURE_NAMES = List.of("Shapes", "Legacy", "Annotated");
    /**
     * Left out: ECJ (3.38 and 3.42 alike) miscompiles {@code new Box(k, switch (k) { case 0 -> { try ... } ... })}:
     * its stack map frames call the spilled {@code NEW} reference an initialized {@code Box}, so the JVM rejects
     * the class with or without the agent ({@link #ecjStillMiscompilesNewWithASwitchContainingTry} watches for a fix).
     */
    private static final List<String> ECJ_MISCOMPILES = List.of("UninitializedShapesTest.java");

    private static Map<String, byte[]> compiled;

    /** Compiles the corpus with ECJ once (about 10 s of CPU) and returns the class bytes by binary name. */
    static synchronized Map<String, byte[]> compiled() throws IOException {
        if (compiled != null) {
            return compiled;
        }
        assertTrue(Files.isDirectory(SHAPES), "the shape sources are read from " + SHAPES.toAbsolutePath()
                + ": run the tests from the tests module's directory (Maven does)");
        Path out = Files.createTempDirectory("squall-ecj");
        List<String> args = new ArrayList<>(List.of("-17", "-proc:none", "-nowarn", "-g", "-encoding", "UTF-8",
                "-cp", CompiledVariantsTest.testClassPath(), "-d", out.toString()));
        try (Stream<Path> s = Files.list(SHAPES)) {
            s.filter(p -> p.toString().endsWith(".java") && !ECJ_MISCOMPILES.contains(p.getFileName().toString()))
                    .sorted().forEach(p -> args.add(p.toString()));
        }
        for (String f : FIXTURE_NAMES) {
            args.add(FIXTURES.resolve(f + ".java").toString());
        }
        StringWriter messages = new StringWriter();
        boolean ok = BatchCompiler.compile(args.toArray(new String[0]), new PrintWriter(messages),
                new PrintWriter(messages), null);
        assertTrue(ok, "ECJ failed to compile the shape corpus:\n" + messages);
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String rel = out.relativize(p).toString();
                String name = rel.substring(0, rel.length() - ".class".length()).replace(java.io.File.separatorChar, '.');
                try {
                    classes.put(name, Files.readAllBytes(p));
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        compiled = classes;
        return classes;
    }

    @Test
    void everyEcjCompiledCoroutineClassRewritesToAVerifiableClass() throws Throwable {
        long start = System.nanoTime();
        Map<String, byte[]> classes = compiled();
        System.out.printf("[ecj] %d classes compiled in %d ms%n", classes.size(), (System.nanoTime() - start) / 1_000_000);
        EcjLoader loader = new EcjLoader(classes, getClass().getClassLoader());
        AgentAccess agent = AgentAccess.transformer();
        long verifyFailures = AgentAccess.verifyFailures();
        int rewritten = 0;
        List<String> coroutineClasses = new ArrayList<>();
        StringBuilder problems = new StringBuilder();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            String internalName = e.getKey().replace('.', '/');
            byte[] original = e.getValue();
            byte[] out = agent.rewrite(loader, internalName, original.clone());
            List<String> coroutines = ClassChecks.coroutineMethods(original);
            if (coroutines.isEmpty()) {
                assertNull(out, internalName + " has no coroutine and must be left untouched");
                continue;
            }
            assertNotNull(out, internalName + " has coroutines " + coroutines + " but was not rewritten");
            rewritten++;
            coroutineClasses.add(e.getKey());
        }
        assertTrue(rewritten >= 40, "ECJ-compiled coroutine classes rewritten: " + rewritten);
        for (String name : coroutineClasses) {
            try {
                Class.forName(name, true, loader); // defined through the agent, linked: the JVM verifies it
            } catch (VerifyError | ClassFormatError err) {
                problems.append(name).append(": ").append(err).append('\n');
            }
        }
        assertEquals("", problems.toString(), "the JVM rejected rewritten ECJ-compiled classes");
        if (verifyFailures >= 0) {
            assertEquals(verifyFailures, AgentAccess.verifyFailures(), "the agent's load-time verification failed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Shapes", "Legacy", "Annotated"})
    void ecjCompiledFixtureRunsLikePlainCode(String fixture) throws Exception {
        Map<String, byte[]> classes = compiled();
        EcjLoader loader = new EcjLoader(classes, getClass().getClassLoader());
        Class<?> c = loader.loadClass("fixture." + fixture);
        Method coroutines = c.getMethod("coroutines");
        Object expected = c.getMethod("plain").invoke(null);
        Object actual = loop.runSync(() -> {
            try {
                @SuppressWarnings("unchecked")
                Future<Object> f = (Future<Object>) coroutines.invoke(null);
                assertFalse(f.isDone(), "the fixture awaits pending futures, so it must suspend");
                return f;
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }, Duration.ofSeconds(60));
        assertEquals(expected, actual, fixture + " compiled by ECJ");
    }

    /**
     * ECJ's own output for the shape of issue 18, with no coroutine in it (the agent leaves it alone): the JVM
     * rejects it. When a newer ECJ gets it right, this fails: then put {@link #ECJ_MISCOMPILES} and the
     * {@code Uninit} fixture back into the ECJ corpus.
     */
    @Test
    void ecjStillMiscompilesNewWithASwitchContainingTry() throws Exception {
        Path dir = Files.createTempDirectory("squall-ecj-bug");
        Path src = dir.resolve("ecjbug/NewSwitchTry.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, "package ecjbug;\n"
                + "public class NewSwitchTry {\n"
                + "    record Box(int k, String s) {}\n"
                + "    public static Object make(int k) {\n"
                + "        return new Box(k, switch (k) {\n"
                + "            case 0 -> { try { yield String.valueOf(k); } catch (RuntimeException e) { yield \"c\"; } }\n"
                + "            default -> \"other\";\n"
                + "        });\n"
                + "    }\n"
                + "}\n");
        Path out = dir.resolve("classes");
        StringWriter messages = new StringWriter();
        assertTrue(BatchCompiler.compile(new String[] {"-17", "-proc:none", "-nowarn", "-d", out.toString(),
                src.toString()}, new PrintWriter(messages), new PrintWriter(messages), null), messages.toString());
        Map<String, byte[]> classes = new TreeMap<>();
        classes.put("ecjbug.NewSwitchTry", Files.readAllBytes(out.resolve("ecjbug/NewSwitchTry.class")));
        classes.put("ecjbug.NewSwitchTry$Box", Files.readAllBytes(out.resolve("ecjbug/NewSwitchTry$Box.class")));
        EcjLoader loader = new EcjLoader(classes, getClass().getClassLoader());
        VerifyError rejected = null;
        try {
            Class.forName("ecjbug.NewSwitchTry", true, loader).getMethod("make", int.class).invoke(null, 0);
        } catch (VerifyError e) {
            rejected = e;
        }
        assertNotNull(rejected, "ECJ " + org.eclipse.jdt.internal.compiler.batch.Main.class.getPackage()
                + " now compiles new Box(k, switch ... try ...) correctly: put the uninitialized-object shapes back"
                + " into the ECJ corpus");
        assertTrue(rejected.getMessage().contains("uninitialized"), rejected.getMessage());
    }

    /**
     * Defines the ECJ-compiled classes itself, before asking its parent (which holds the javac-compiled copies of
     * the same shape classes); defineClass goes through the installed agent.
     */
    static final class EcjLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        EcjLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super("ecj-loader", parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    byte[] b = classes.get(name);
                    c = b != null ? defineClass(name, b, 0, b.length) : super.loadClass(name, false);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public java.io.InputStream getResourceAsStream(String name) {
            if (name.endsWith(".class")) {
                byte[] b = classes.get(name.substring(0, name.length() - 6).replace('/', '.'));
                if (b != null) {
                    return new java.io.ByteArrayInputStream(b);
                }
            }
            return super.getResourceAsStream(name);
        }
    }
}
