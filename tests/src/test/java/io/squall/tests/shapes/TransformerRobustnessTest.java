package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;

/**
 * The transformer under abuse: called from many threads at once (results must equal the sequential ones),
 * classes with coroutines loaded concurrently by many class loaders through the installed agent, corrupted and
 * truncated class files (it must never throw), and its own output fed back to it (either left alone or still
 * a valid class).
 */
class TransformerRobustnessTest extends ShapeTest {

    /** Coroutine classes of the corpus: internal name and bytes. */
    static List<Map.Entry<String, byte[]>> corpusCoroutineClasses() throws Exception {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (Path p : RewrittenClassesVerifyTest.testClasses()) {
            byte[] b = Files.readAllBytes(p);
            if (!ClassChecks.coroutineMethods(b).isEmpty()) {
                out.add(Map.entry(ClassChecks.nameOf(b), b));
            }
        }
        return out;
    }

    @Test
    void concurrentRewritesGiveTheSameBytesAsSequentialOnes() throws Exception {
        AgentAccess agent = AgentAccess.transformer();
        ClassLoader loader = getClass().getClassLoader();
        List<Map.Entry<String, byte[]>> all = corpusCoroutineClasses();
        assertTrue(all.size() > 20);
        List<Map.Entry<String, byte[]>> classes = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 4) {
            classes.add(all.get(i));
        }
        List<byte[]> sequential = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : classes) {
            sequential.add(rewrite(agent, loader, e.getKey(), e.getValue()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int offset = t;
                results.add(pool.submit((Callable<List<String>>) () -> {
                    List<String> mismatches = new ArrayList<>();
                    for (int round = 0; round < 1; round++) {
                        for (int i = 0; i < classes.size(); i++) {
                            int k = (i + offset * 7) % classes.size();
                            Map.Entry<String, byte[]> e = classes.get(k);
                            byte[] out = rewrite(agent, loader, e.getKey(), e.getValue());
                            if (!Arrays.equals(sequential.get(k), out)) {
                                mismatches.add(e.getKey());
                            }
                        }
                    }
                    return mismatches;
                }));
            }
            for (java.util.concurrent.Future<List<String>> r : results) {
                assertEquals(List.of(), r.get(5, TimeUnit.MINUTES), "rewrites that differ when run concurrently");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void coroutineClassesLoadedConcurrentlyByManyLoadersWork(@TempDir Path dir) throws Exception {
        Map<String, byte[]> classes = CompiledVariantsTest.compile("Shapes", List.of("-g"), dir);
        Object expected;
        {
            Class<?> c = new CompiledVariantsTest.FixtureLoader(classes, getClass().getClassLoader())
                    .loadClass("fixture.Shapes");
            expected = c.getMethod("plain").invoke(null);
        }
        int loaders = 8;
        List<Class<?>> loaded = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<Class<?>>> fs = new ArrayList<>();
            for (int i = 0; i < loaders; i++) {
                fs.add(pool.submit(() -> {
                    CompiledVariantsTest.FixtureLoader l = new CompiledVariantsTest.FixtureLoader(classes,
                            getClass().getClassLoader());
                    Class<?> c = l.loadClass("fixture.Shapes");
                    for (String nested : classes.keySet()) {
                        Class.forName(nested, false, l);
                    }
                    return c;
                }));
            }
            for (java.util.concurrent.Future<Class<?>> f : fs) {
                loaded.add(f.get(5, TimeUnit.MINUTES));
            }
        } finally {
            pool.shutdownNow();
        }
        for (Class<?> c : loaded) {
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
            assertEquals(expected, actual);
        }
    }

    /**
     * Runs {@link CorruptedClassFeeder} in a child JVM with the same class path and agent jar: corrupted input
     * rightly fails the agent's verify mode, and its global failure counter must stay clean in this JVM, where
     * other tests assert that it is zero.
     */
    @Test
    void corruptedClassFilesNeverMakeTheTransformerThrow() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String agentJar = null;
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:")) {
                agentJar = arg.substring("-javaagent:".length());
            }
        }
        assertNotNull(agentJar, "the tests run with -javaagent");
        String cp = CompiledVariantsTest.testClassPath() + java.io.File.pathSeparator + agentJar;
        Process p = new ProcessBuilder(javaBin, "-Dio.squall.agent.verify=true", "-cp", cp,
                CorruptedClassFeeder.class.getName(), RewrittenClassesVerifyTest.testClassesRoot().toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        String summary = output.lines().filter(l -> l.startsWith("[corrupted]")).reduce("", (a, b) -> a + b + "\n");
        System.out.print(summary);
        assertEquals(0, p.exitValue(), "the transformer threw on corrupted input:\n" + summary);
        assertTrue(summary.contains("[corrupted] fed"), output);
    }

    @Test
    void rewritingRewrittenBytesLeavesThemAloneOrKeepsThemValid() throws Throwable {
        AgentAccess agent = AgentAccess.transformer();
        ClassLoader loader = getClass().getClassLoader();
        List<String> problems = new ArrayList<>();
        int twice = 0;
        for (Map.Entry<String, byte[]> e : corpusCoroutineClasses()) {
            byte[] once = agent.rewrite(loader, e.getKey(), e.getValue().clone());
            assertNotNull(once, e.getKey());
            byte[] again = agent.rewrite(loader, e.getKey(), once.clone());
            if (again != null) {
                twice++;
                String report = ClassChecks.verify(again, loader);
                if (!report.isEmpty()) {
                    problems.add(e.getKey() + " rewritten twice:\n" + report);
                }
            }
        }
        System.out.println("[corpus] classes the transformer rewrote again when fed its own output: " + twice);
        assertEquals("", String.join("\n", problems));
        assertFalse(problems.size() > 0);
    }

    private static byte[] rewrite(AgentAccess agent, ClassLoader loader, String name, byte[] bytes) {
        try {
            return agent.rewrite(loader, name, bytes.clone());
        } catch (Throwable t) {
            throw new AssertionError(name + ": rewrite threw", t);
        }
    }
}
