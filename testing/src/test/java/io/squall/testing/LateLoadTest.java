package io.squall.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coroutine test class loaded before the agent (the first class of a Maven Surefire fork) still runs: the
 * session resolves it again, rewritten, through its context class loader. Only a class that cannot be defined
 * again (it came from a jar) is reported loudly when the JUnit session opens, with the fix, instead of being
 * skipped. Runs a child JVM without {@code -javaagent}.
 */
class LateLoadTest {

    private static String run(String classPath, String className) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Djdk.attach.allowAttachSelf=true", "-cp", classPath,
                LateLoadMain.class.getName(), className).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void coroutineTestClassLoadedFirstIsRewrittenAndRuns() throws Exception {
        String out = run(System.getProperty("java.class.path"), "io.squall.testing.fixtures.HelloHandlerTest");
        assertTrue(out.contains("SESSION-OPENED"), out);
        assertTrue(out.contains("TESTS found=1 succeeded=1 failed=0"), out);
    }

    @Test
    void coroutineTestClassLoadedFirstFromAJarIsReportedWithTheFix(@TempDir Path tmp) throws Exception {
        Path testClasses = Path.of(LateLoadTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = tmp.resolve("test-classes.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
                Stream<Path> files = Files.walk(testClasses)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(testClasses.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")).split(File.pathSeparator)) {
            cp.add(Path.of(e).toAbsolutePath().equals(testClasses.toAbsolutePath()) ? jar.toString() : e);
        }
        String out = run(String.join(File.pathSeparator, cp), "io.squall.testing.fixtures.StuckFixture");
        assertTrue(out.contains("SESSION-REFUSED: squall-testing: the coroutine test(s)"
                + " [io.squall.testing.fixtures.StuckFixture.stuck] were loaded before the Squall agent was installed"),
                out);
        assertTrue(out.contains("-javaagent:${io.squall:squall-agent:jar}"), out);
    }

    @Test
    void aPlainClassLoadedFirstIsFine() throws Exception {
        String out = run(System.getProperty("java.class.path"), "io.squall.testing.Ports");
        assertTrue(out.contains("SESSION-OPENED"), out);
    }
}
