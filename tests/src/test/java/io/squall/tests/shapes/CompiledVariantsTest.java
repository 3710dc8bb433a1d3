package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.squall.Future;

/**
 * Fixture sources compiled at test time by the running JDK's javac with different options (debug info or
 * none, lines only, --release 17, 11 and 8: nest mates or synthetic accessors, invokedynamic or StringBuilder
 * string concatenation). Each variant is loaded in a fresh class loader whose {@code defineClass} goes through
 * the installed agent and run against its plain twin; every class is also rewritten directly with
 * {@code SquallTransformer.rewrite} and checked with ASM's {@code CheckClassAdapter}.
 */
class CompiledVariantsTest extends ShapeTest {

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("Shapes", List.of()),
                Arguments.of("Shapes", List.of("-g")),
                Arguments.of("Shapes", List.of("-g:none")),
                Arguments.of("Shapes", List.of("-g:lines,source")),
                Arguments.of("Shapes", List.of("--release", "17")),
                Arguments.of("Shapes", List.of("--release", "17", "-g:none")),
                Arguments.of("Shapes", List.of("-g:none", "-XDstringConcat=inline")),
                Arguments.of("Legacy", List.of("-g")),
                Arguments.of("Legacy", List.of("-g:none")),
                Arguments.of("Legacy", List.of("--release", "11", "-g:none")),
                Arguments.of("Legacy", List.of("--release", "8", "-g")),
                Arguments.of("Legacy", List.of("--release", "8", "-g:none")),
                Arguments.of("Shapes", List.of("-parameters")),
                Arguments.of("Annotated", List.of()),
                Arguments.of("Annotated", List.of("-g", "-parameters")),
                Arguments.of("Annotated", List.of("-g:none")),
                Arguments.of("Annotated", List.of("--release", "17", "-parameters", "-g:none")),
                Arguments.of("Modern", List.of("-g")),
                Arguments.of("Modern", List.of("-g:none")),
                Arguments.of("Unnamed", List.of("-g")),
                Arguments.of("Unnamed", List.of("-g:none")),
                Arguments.of("Uninit", List.of("-g")),
                Arguments.of("Uninit", List.of("-g:none")),
                Arguments.of("Uninit", List.of("--release", "17", "-g:none")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void compiledVariantRunsLikePlainCode(String fixture, List<String> options, @TempDir Path dir) throws Exception {
        Map<String, byte[]> classes = compile(fixture, options, dir);
        FixtureLoader loader = new FixtureLoader(classes, getClass().getClassLoader());
        Class<?> c = loader.loadClass("fixture." + fixture);
        Method coroutines = c.getMethod("coroutines");
        Method plain = c.getMethod("plain");
        Object expected = plain.invoke(null);
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
        assertEquals(expected, actual, fixture + " compiled with " + options);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("variants")
    void compiledVariantRewritesToVerifiableClasses(String fixture, List<String> options, @TempDir Path dir)
            throws Throwable {
        Map<String, byte[]> classes = compile(fixture, options, dir);
        FixtureLoader loader = new FixtureLoader(classes, getClass().getClassLoader());
        AgentAccess agent = AgentAccess.transformer();
        int rewritten = 0;
        StringBuilder problems = new StringBuilder();
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            String internalName = e.getKey().replace('.', '/');
            byte[] original = e.getValue();
            byte[] copy = original.clone();
            byte[] out = agent.rewrite(loader, internalName, copy);
            assertTrue(java.util.Arrays.equals(original, copy), "rewrite must not modify its input array");
            List<String> coroutines = ClassChecks.coroutineMethods(original);
            if (coroutines.isEmpty()) {
                assertNull(out, internalName + " has no coroutine and must be left untouched");
                continue;
            }
            assertNotNull(out, internalName + " has coroutines " + coroutines + " but was not rewritten");
            rewritten++;
            String report = ClassChecks.verify(out, loader);
            if (!report.isEmpty()) {
                problems.append(internalName).append(" (").append(options).append("):\n").append(report).append('\n');
            }
            for (String lost : ClassChecks.lostDebugInfo(original, out)) {
                problems.append(internalName).append(": debug information lost: ").append(lost).append('\n');
            }
            assertEquals(ClassChecks.declaredMethods(original), ClassChecks.declaredMethods(out),
                    "the rewrite must keep the class's declared methods");
        }
        assertTrue(rewritten >= (fixture.equals("Legacy") ? 3 : 1), "coroutine classes rewritten: " + rewritten);
        assertEquals("", problems.toString(), "CheckClassAdapter errors or lost debug information");
    }

    /** Compiles {@code fixture/<name>.java} from the test resources with {@code options}; returns class bytes. */
    static Map<String, byte[]> compile(String name, List<String> options, Path dir) throws IOException {
        Assumptions.assumeTrue(!name.equals("Modern") || Runtime.version().feature() >= 21,
                "the Modern fixture (pattern switch, record patterns) needs javac 21 or later");
        Assumptions.assumeTrue(!name.equals("Unnamed") || Runtime.version().feature() >= 22,
                "the Unnamed fixture (unnamed variables and patterns) needs javac 22 or later");
        String key = name + options;
        Map<String, byte[]> cached = COMPILED.get(key);
        if (cached == null) {
            cached = compileNow(name, options, dir);
            COMPILED.put(key, cached);
        }
        return cached;
    }

    /** Each variant is compiled once and shared by the tests (javac is the slow part). */
    private static final Map<String, Map<String, byte[]>> COMPILED = new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<String, byte[]> compileNow(String name, List<String> options, Path dir) throws IOException {
        Path src = dir.resolve("src/fixture/" + name + ".java");
        Files.createDirectories(src.getParent());
        try (InputStream in = CompiledVariantsTest.class.getResourceAsStream("/shapes/fixture/" + name + ".java")) {
            assertNotNull(in, "fixture source " + name + " missing from the test resources");
            Files.write(src, in.readAllBytes());
        }
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (run the tests on a JDK)");
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-Xlint:-options", "-proc:none", "-encoding", "UTF-8", "-classpath", testClassPath(), "-d",
                out.toString(), src.toString()));
        StringWriter diagnostics = new StringWriter();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(new String[0]));
        diagnostics.write(err.toString(StandardCharsets.UTF_8));
        assertEquals(0, rc, "javac " + args + " failed:\n" + diagnostics);
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            files.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String rel = out.relativize(p).toString();
                String className = rel.substring(0, rel.length() - ".class".length()).replace(java.io.File.separatorChar, '.');
                try {
                    classes.put(className, Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return classes;
    }

    /** The class path the tests run with (Surefire's, when its manifest-only jar hides it). */
    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isEmpty()) {
            cp = System.getProperty("java.class.path");
        }
        return cp;
    }

    /** Defines the compiled fixture classes; defineClass goes through the installed agent. */
    static final class FixtureLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        FixtureLoader(Map<String, byte[]> classes, ClassLoader parent) {
            super("fixture-loader", parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name);
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }

        @Override
        public InputStream getResourceAsStream(String name) {
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
