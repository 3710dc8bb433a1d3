package io.squall.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.agent.WovenMarker;

/**
 * The {@code weave} goal on real compiled classes: main or test classes by phase, refusals as build errors
 * naming the source file and line (or warnings), and nothing rewritten on the second run.
 */
class WeaveMojoTest {

    private static final String GOOD = "package app;\n"
            + "import static io.squall.Async.await;\n"
            + "import io.squall.Future;\n"
            + "import io.squall.annotations.Coroutine;\n"
            + "public class Good {\n"
            + "    @Coroutine public static Future<String> twice(Future<String> f) {\n"
            + "        return Future.of(await(f) + await(f));\n"
            + "    }\n"
            + "}\n";

    private static final String BAD = "package app;\n"
            + "import static io.squall.Async.await;\n"
            + "import io.squall.Future;\n"
            + "import io.squall.annotations.Coroutine;\n"
            + "public class Bad {\n"
            + "    @Coroutine public Future<String> locked(Future<String> f) {\n"
            + "        synchronized (this) {\n"
            + "            return Future.of(await(f));\n"
            + "        }\n"
            + "    }\n"
            + "}\n";

    @Test
    void weavesMainClassesInProcessClassesAndTestClassesInProcessTestClasses(@TempDir Path tmp) throws Exception {
        Path src = write(tmp.resolve("src/main/java"), "Good", GOOD);
        WeaveMojo mojo = mojo(tmp, src);
        compile(src.resolve("app/Good.java"), mojo.outputDirectory.toPath());
        compile(src.resolve("app/Good.java"), mojo.testOutputDirectory.toPath());

        mojo.phase = "process-classes";
        mojo.execute();
        assertTrue(WovenMarker.isWoven(Files.readAllBytes(mojo.outputDirectory.toPath().resolve("app/Good.class"))));
        assertFalse(WovenMarker.isWoven(Files.readAllBytes(mojo.testOutputDirectory.toPath().resolve("app/Good.class"))));

        mojo.phase = "process-test-classes";
        mojo.execute();
        assertTrue(WovenMarker.isWoven(Files.readAllBytes(mojo.testOutputDirectory.toPath().resolve("app/Good.class"))));

        byte[] woven = Files.readAllBytes(mojo.outputDirectory.toPath().resolve("app/Good.class"));
        mojo.phase = "process-classes";
        mojo.execute();
        assertEquals(new String(woven, StandardCharsets.ISO_8859_1), new String(Files.readAllBytes(
                mojo.outputDirectory.toPath().resolve("app/Good.class")), StandardCharsets.ISO_8859_1));
    }

    @Test
    void aRefusalFailsTheBuildWithFileAndLineOrWarnsWhenConfigured(@TempDir Path tmp) throws Exception {
        Path src = write(tmp.resolve("src/main/java"), "Bad", BAD);
        WeaveMojo mojo = mojo(tmp, src);
        compile(src.resolve("app/Bad.java"), mojo.outputDirectory.toPath());
        mojo.phase = "process-classes";

        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        String file = src.resolve("app/Bad.java").toString();
        assertTrue(e.getMessage().contains(file + ":8: Squall agent refused coroutine app.Bad.locked(Future)"
                + " (Bad.java:8): await inside a synchronized block. Fix: "), e.getMessage());
        assertTrue(e.getMessage().contains("<failOnRefusal>false</failOnRefusal>"), e.getMessage());
        Path cls = mojo.outputDirectory.toPath().resolve("app/Bad.class");
        assertFalse(WovenMarker.isWoven(Files.readAllBytes(cls)), "left unwoven");
        assertThrows(MojoFailureException.class, mojo::execute, "the next build fails again");

        mojo.failOnRefusal = false;
        mojo.execute();
        assertTrue(WovenMarker.isWoven(Files.readAllBytes(cls)), "woven, the refused coroutine failing at run time");
    }

    @Test
    void unknownClassesSettingIsAnError(@TempDir Path tmp) throws Exception {
        WeaveMojo mojo = mojo(tmp, tmp);
        mojo.classes = "both";
        assertThrows(MojoExecutionException.class, mojo::execute);
    }

    private static WeaveMojo mojo(Path tmp, Path src) {
        WeaveMojo mojo = new WeaveMojo();
        mojo.outputDirectory = tmp.resolve("target/classes").toFile();
        mojo.testOutputDirectory = tmp.resolve("target/test-classes").toFile();
        mojo.compileSourceRoots = List.of(src.toString());
        mojo.testCompileSourceRoots = List.of(src.toString());
        return mojo;
    }

    private static Path write(Path root, String name, String source) throws IOException {
        Path f = root.resolve("app/" + name + ".java");
        Files.createDirectories(f.getParent());
        Files.writeString(f, source);
        return root;
    }

    private static void compile(Path source, Path out) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // -proc:none: the compile-time checks would (rightly) reject Bad before the weaver sees it.
        int rc = javac.run(null, null, err, "-proc:none", "-g", "-classpath", System.getProperty("java.class.path"),
                "-d", out.toString(), source.toString());
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    }
}
