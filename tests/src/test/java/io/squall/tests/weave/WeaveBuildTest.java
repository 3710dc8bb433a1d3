package io.squall.tests.weave;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.squall.agent.Weaver;
import io.squall.agent.WovenMarker;

/**
 * Weaving directories and jars as a build does: incremental (woven classes are never rewritten, a clean and an
 * incremental build give the same bytes), refusals as errors with file and line or as warnings, the
 * {@code java -jar squall-agent.jar weave} command line, and woven classes running in a JVM where the agent
 * is also present (it leaves them alone and says so once at debug level).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WeaveBuildTest {

    private static final Path TEST_CLASSES = testClasses();

    @Test
    void incrementalWeavingRewritesOnlyFreshClassesAndMatchesACleanWeave(@TempDir Path tmp) throws IOException {
        Path clean = copyOf("io/squall/tests/shapes", tmp.resolve("clean"));
        Weaver.Report first = Weaver.weaveDirectory(clean, warnings());
        assertTrue(first.woven > 50, first.woven + " woven");

        Path incremental = tmp.resolve("incremental");
        copyTree(clean, incremental);
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        for (Path p : list(incremental)) {
            Files.setLastModifiedTime(p, old);
        }
        Weaver.Report again = Weaver.weaveDirectory(incremental, warnings());
        assertEquals(0, again.woven, "nothing rewritten a second time");
        assertEquals(first.woven, again.alreadyWoven);
        for (Path p : list(incremental)) {
            assertEquals(old, Files.getLastModifiedTime(p), p + " not touched");
        }

        // javac recompiles two classes: only they are woven, and the result equals the clean weave.
        String recompiledCoroutines = first.wovenPaths.get(first.wovenPaths.size() / 2);
        String[] recompiled = {recompiledCoroutines, "io/squall/tests/shapes/Src.class"};
        for (String r : recompiled) {
            Files.copy(TEST_CLASSES.resolve(r), incremental.resolve(r), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Weaver.Report third = Weaver.weaveDirectory(incremental, warnings());
        assertEquals(List.of(recompiledCoroutines), third.wovenPaths,
                "only the recompiled class with coroutines is rewritten (Src has none)");
        assertEquals(contents(clean), contents(incremental), "clean and incremental weaving give the same bytes");
    }

    @Test
    void refusalsAreErrorsWithFileAndLineAndTheClassStaysUnwoven(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("classes");
        Path refused = copyClass("io/squall/tests/shapes/RefusalShapesTest$Refused.class", dir);
        byte[] before = Files.readAllBytes(refused);

        Weaver.Report r = Weaver.weaveDirectory(dir, new Weaver.Options());
        assertTrue(r.failed(new Weaver.Options()));
        assertEquals(5, r.refusals.size(), r.refusals.toString());
        Weaver.Refused first = r.refusals.stream().filter(x -> x.message.contains("awaitInSynchronizedBlock"))
                .findFirst().orElseThrow();
        assertEquals("io/squall/tests/shapes/RefusalShapesTest.java", first.sourcePath);
        assertEquals(lineOf("RefusalShapesTest.java", "BLOCK-AWAIT"), first.line, first.toString());
        assertTrue(first.message.contains("Fix: Move the await out of the synchronized block"), first.message);
        assertArrayEquals(before, Files.readAllBytes(refused), "left unwoven: the next build reports it again");
        assertEquals(5, Weaver.weaveDirectory(dir, new Weaver.Options()).refusals.size(), "reported again");

        Weaver.Report warned = Weaver.weaveDirectory(dir, warnings());
        assertFalse(warned.failed(warnings()));
        assertEquals(5, warned.refusals.size());
        assertTrue(WovenMarker.isWoven(Files.readAllBytes(refused)), "as warnings the class is woven");
    }

    @Test
    void jarsAreWovenInPlaceKeepingOtherEntries(@TempDir Path tmp) throws IOException {
        Path jar = tmp.resolve("app.jar");
        String coroutineClass = "io/squall/tests/weave/WovenMain.class";
        String plainClass = "io/squall/tests/weave/WeaveBuildTest.class";
        try (OutputStream f = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(f)) {
            for (String name : new String[] {"META-INF/MANIFEST.MF", coroutineClass, plainClass, "notes.txt"}) {
                z.putNextEntry(new ZipEntry(name));
                z.write(name.endsWith(".class") ? Files.readAllBytes(TEST_CLASSES.resolve(name))
                        : ("entry " + name + "\n").getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        Weaver.Report r = Weaver.weaveJar(jar, new Weaver.Options());
        assertEquals(List.of(coroutineClass), r.wovenPaths);
        Map<String, byte[]> entries = entries(jar);
        assertEquals(List.of("META-INF/MANIFEST.MF", coroutineClass, plainClass, "notes.txt"),
                new ArrayList<>(entries.keySet()));
        assertTrue(WovenMarker.isWoven(entries.get(coroutineClass)));
        assertArrayEquals(Files.readAllBytes(TEST_CLASSES.resolve(plainClass)), entries.get(plainClass));
        assertEquals("entry notes.txt\n", new String(entries.get("notes.txt"), StandardCharsets.UTF_8));

        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(jar, old);
        assertEquals(0, Weaver.weaveJar(jar, new Weaver.Options()).woven);
        assertEquals(old, Files.getLastModifiedTime(jar), "an already woven jar is not rewritten");
    }

    @Test
    void commandLineWeavesAndFailsOnRefusals(@TempDir Path tmp) throws Exception {
        Path ok = tmp.resolve("ok");
        copyClass("io/squall/tests/weave/WovenMain.class", ok);
        Result r = java(List.of("-jar", agentJar(), "weave", ok.toString()));
        assertEquals(0, r.status, r.toString());
        assertTrue(r.out.contains("1 classes woven"), r.toString());

        Path bad = tmp.resolve("bad");
        copyClass("io/squall/tests/shapes/RefusalShapesTest$Refused.class", bad);
        Result failed = java(List.of("-jar", agentJar(), "weave", bad.toString()));
        assertEquals(1, failed.status, failed.toString());
        assertTrue(failed.err.contains("squall weave: error: io/squall/tests/shapes/RefusalShapesTest.java:"
                + (lineOf("RefusalShapesTest.java", "BLOCK-AWAIT")) + ": Squall agent refused coroutine"),
                failed.toString());
        Result warned = java(List.of("-jar", agentJar(), "weave", "--refusals=warn", bad.toString()));
        assertEquals(0, warned.status, warned.toString());
        assertTrue(warned.err.contains("squall weave: warning: "), warned.toString());

        Result usage = java(List.of("-jar", agentJar()));
        assertEquals(2, usage.status);
        assertTrue(usage.err.contains("usage: java -jar squall-agent.jar weave"), usage.toString());
    }

    @Test
    void wovenClassesRunWithoutTheAgentAndTheAgentLeavesThemAlone(@TempDir Path tmp) throws Exception {
        Path woven = tmp.resolve("woven");
        copyClass("io/squall/tests/weave/WovenMain.class", woven);
        Weaver.weaveDirectory(woven, new Weaver.Options());
        String cp = woven + File.pathSeparator + runtimeClassPath();

        Result plain = java(List.of("-cp", cp, "io.squall.tests.weave.WovenMain"));
        assertEquals(0, plain.status, plain.toString());
        assertEquals("result: hello woven", plain.out.trim(), "suspended and resumed with no agent");

        Result withAgent = java(List.of("-javaagent:" + agentJar(), "-Dio.squall.agent.debug=true", "-cp", cp,
                "io.squall.tests.weave.WovenMain"));
        assertEquals(0, withAgent.status, withAgent.toString());
        assertEquals("result: hello woven", withAgent.out.trim());
        assertEquals(1, withAgent.err.split("was woven at build time", -1).length - 1,
                "said once at debug: " + withAgent.err);
        assertTrue(withAgent.err.contains("[squall-agent] DEBUG io.squall.tests.weave.WovenMain was woven at build"
                + " time"), withAgent.err);

        Result quiet = java(List.of("-javaagent:" + agentJar(), "-cp", cp, "io.squall.tests.weave.WovenMain"));
        assertFalse(quiet.err.contains("woven at build time"), "nothing said without debug: " + quiet.err);
    }

    // ---- helpers

    private static Weaver.Options warnings() {
        Weaver.Options o = new Weaver.Options();
        o.failOnRefusal = false;
        return o;
    }

    private static Path testClasses() {
        try {
            return Paths.get(WeaveBuildTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static Path copyOf(String packageDir, Path to) throws IOException {
        copyTree(TEST_CLASSES.resolve(packageDir), to.resolve(packageDir));
        return to;
    }

    private static Path copyClass(String rel, Path to) throws IOException {
        Path target = to.resolve(rel);
        Files.createDirectories(target.getParent());
        Files.copy(TEST_CLASSES.resolve(rel), target);
        return target;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        for (Path p : list(from)) {
            Path t = to.resolve(from.relativize(p).toString());
            Files.createDirectories(t.getParent());
            Files.copy(p, t);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }

    private static Map<String, String> contents(Path dir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Path p : list(dir)) {
            m.put(dir.relativize(p).toString(), java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
        }
        return m;
    }

    private static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> m = new java.util.LinkedHashMap<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                try (InputStream in = z.getInputStream(e)) {
                    m.put(e.getName(), in.readAllBytes());
                }
            }
        }
        return m;
    }

    private static int lineOf(String file, String marker) {
        return io.squall.tests.SourceLines.lineOf("shapes", file, marker);
    }

    /** The agent jar this JVM runs with (-javaagent). */
    static String agentJar() {
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-javaagent:")) {
                String jar = a.substring("-javaagent:".length());
                int eq = jar.indexOf('=');
                return eq < 0 ? jar : jar.substring(0, eq);
            }
        }
        throw new AssertionError("the tests run with -javaagent:agent/target/squall-agent.jar");
    }

    /** The class path minus this module's test classes and the agent: the runtime and its dependencies. */
    private static String runtimeClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> keep = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!Paths.get(e).toAbsolutePath().equals(TEST_CLASSES.toAbsolutePath()) && !e.contains("squall-agent")
                    && !e.contains(File.separator + "agent" + File.separator)) {
                keep.add(e);
            }
        }
        return String.join(File.pathSeparator, keep);
    }

    private static final class Result {
        final int status;
        final String out;
        final String err;

        Result(int status, String out, String err) {
            this.status = status;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + status + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static Result java(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        drain.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        drain.join(10_000);
        return new Result(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }
}
