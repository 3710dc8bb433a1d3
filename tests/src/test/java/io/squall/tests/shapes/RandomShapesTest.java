package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
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

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.squall.Future;

/**
 * Random programs ({@link RandomProgram}): shapes nobody wrote by hand, each compiled at test time with and
 * without debug information, loaded through the agent and run against its plain twin; every rewritten class
 * also passes {@code CheckClassAdapter}. Seeds are fixed (deterministic); set {@code -Dsquall.fuzz.seed=N} to
 * explore another one.
 */
class RandomShapesTest extends ShapeTest {

    static final int METHODS = 25;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void randomProgramsBehaveLikeTheirPlainTwins(long baseSeed, @TempDir Path dir) throws Throwable {
        long seed = Long.getLong("squall.fuzz.seed", 0L) * 100 + baseSeed;
        String source = RandomProgram.source(seed, METHODS, Runtime.version().feature() >= 21);
        for (List<String> options : List.of(List.of("-g"), List.of("-g:none"))) {
            Path variantDir = dir.resolve(options.get(0).replace(':', '_'));
            Map<String, byte[]> classes = compile(source, options, variantDir);
            CompiledVariantsTest.FixtureLoader loader = new CompiledVariantsTest.FixtureLoader(classes,
                    getClass().getClassLoader());
            Class<?> c = loader.loadClass("fixture.Fuzz");
            Object expected = c.getMethod("plain").invoke(null);
            Method coroutines = c.getMethod("coroutines");
            Object actual = loop.runSync(() -> {
                try {
                    @SuppressWarnings("unchecked")
                    Future<Object> f = (Future<Object>) coroutines.invoke(null);
                    return f;
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(60));
            if (!expected.equals(actual)) {
                Path kept = Path.of("target", "fuzz-seed-" + seed + ".java");
                Files.createDirectories(kept.getParent());
                Files.writeString(kept, source);
                List<String> diff = new ArrayList<>();
                List<?> e = (List<?>) expected;
                List<?> a = (List<?>) actual;
                for (int i = 0; i < e.size(); i++) {
                    if (!e.get(i).equals(a.get(i))) {
                        diff.add("co" + i + ": coroutine " + a.get(i) + " but plain " + e.get(i));
                    }
                }
                throw new AssertionError("seed " + seed + " " + options + " (source kept in " + kept.toAbsolutePath()
                        + "):\n" + String.join("\n", diff));
            }
            byte[] original = classes.get("fixture.Fuzz");
            byte[] rewritten = AgentAccess.transformer().rewrite(loader, "fixture/Fuzz", original.clone());
            assertNotNull(rewritten);
            assertEquals("", ClassChecks.verify(rewritten, loader), "CheckClassAdapter, seed " + seed);
        }
    }

    static Map<String, byte[]> compile(String source, List<String> options, Path dir) throws Exception {
        Path src = dir.resolve("src/fixture/Fuzz.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path out = dir.resolve("classes");
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-proc:none", "-encoding", "UTF-8", "-classpath", CompiledVariantsTest.testClassPath(),
                "-d", out.toString(), src.toString()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(new String[0]));
        assertEquals(0, rc, "generated source does not compile:\n" + err.toString(StandardCharsets.UTF_8) + "\n"
                + source);
        Map<String, byte[]> classes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String rel = out.relativize(p).toString();
                classes.put(rel.substring(0, rel.length() - 6).replace(java.io.File.separatorChar, '.'),
                        Files.readAllBytes(p));
            }
        }
        assertTrue(classes.containsKey("fixture.Fuzz"));
        return classes;
    }
}
