package io.squall.tests.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10: {@code @SquallTest} works in Maven Surefire out of the box, with no {@code argLine}. A fresh sample
 * project (a coroutine test class that Surefire loads first, before the JUnit session and so before the kit installs
 * the agent, using package-private code under test) is built and tested by a nested {@code mvn -o test}, with the
 * squall jars this build made. Needs {@code mvn} on the PATH and the plugins of this build in the local repository
 * (offline).
 */
@Timeout(300)
class SurefireOutOfTheBoxTest {

    private static final String VERSION = "0.1.0-SNAPSHOT";

    @Test
    void coroutineTestsRunInSurefireWithoutArgLine(@TempDir Path project) throws Exception {
        Path root = repoRoot();
        Path mvn = findOnPath("mvn");
        write(project.resolve("pom.xml"), pom(root));
        write(project.resolve("src/main/java/sample/Greeter.java"), """
                package sample;

                import static io.squall.Async.await;

                import java.time.Duration;

                import io.squall.Future;
                import io.squall.Gen;
                import io.squall.annotations.Coroutine;

                class Greeter {                       // package-private: the tests reach it from their package
                    @Coroutine
                    Future<String> greet(String name) {
                        await(Gen.sleep(Duration.ofMillis(10)));
                        return Future.of("Hello, " + name);
                    }
                }
                """);
        // Both test classes have coroutine tests, so whichever Surefire loads first is loaded before the agent.
        write(project.resolve("src/test/java/sample/AGreeterTest.java"), """
                package sample;

                import static io.squall.Async.await;
                import static org.junit.jupiter.api.Assertions.assertEquals;

                import io.squall.Future;
                import io.squall.testing.SquallTest;

                class AGreeterTest {
                    @SquallTest
                    Future<Void> greets() {
                        assertEquals("Hello, Ada", await(new Greeter().greet("Ada")));
                        return null;
                    }
                }
                """);
        write(project.resolve("src/test/java/sample/BGreeterTest.java"), """
                package sample;

                import static io.squall.Async.await;
                import static org.junit.jupiter.api.Assertions.assertEquals;

                import io.squall.Future;
                import io.squall.testing.SquallTest;

                class BGreeterTest {
                    @SquallTest
                    Future<Void> greetsTwice() {
                        assertEquals("Hello, Bob", await(new Greeter().greet("Bob")));
                        assertEquals("Hello, Eve", await(new Greeter().greet("Eve")));
                        return null;
                    }
                }
                """);
        // Only a system property for the forks (no agent): the kit then says what it did.
        List<String> cmd = List.of(mvn.toString(), "-o", "-B", "test", "-DargLine=-Dio.squall.agent.debug=true");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_ARGS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), out);
        assertFalse(out.contains("loaded before the Squall agent"), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("were loaded before the agent (Maven Surefire does that); the session resolves test"
                + " classes through a loader that defines them again, rewritten"), out);
        for (String test : List.of("sample.AGreeterTest", "sample.BGreeterTest")) {
            String report = Files.readString(project.resolve("target/surefire-reports/TEST-" + test + ".xml"));
            Matcher m = Pattern.compile("<testsuite [^>]*").matcher(report);
            assertTrue(m.find(), report);
            String suite = m.group();
            assertTrue(suite.contains("tests=\"1\"") && suite.contains("failures=\"0\"") && suite.contains("errors=\"0\"")
                    && suite.contains("skipped=\"0\""), test + ": " + suite + "\n" + out);
        }
    }

    private static String pom(Path root) {
        StringBuilder deps = new StringBuilder();
        String[][] jars = {
            {"squall-testing", "testing/target/squall-testing-" + VERSION + ".jar"},
            {"squall-runtime", "runtime/target/squall-runtime-" + VERSION + ".jar"},
            {"squall-annotations", "annotations/target/squall-annotations-" + VERSION + ".jar"},
            {"squall-agent", "agent/target/squall-agent.jar"},
        };
        for (String[] j : jars) {
            Path jar = root.resolve(j[1]);
            assertTrue(Files.isRegularFile(jar), jar + " is not built: run mvn -B -DskipTests package first");
            // System scope stands in for the published artifacts (never mvn install here: ~/.m2 is shared).
            deps.append("    <dependency><groupId>io.squall</groupId><artifactId>").append(j[0])
                    .append("</artifactId><version>").append(VERSION).append("</version><scope>system</scope>")
                    .append("<systemPath>").append(jar.toAbsolutePath()).append("</systemPath></dependency>\n");
        }
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>sample</groupId>
                  <artifactId>sample</artifactId>
                  <version>1</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId>
                      <version>%s</version><scope>test</scope></dependency>
                    <!-- what squall-testing's own pom brings in transitively -->
                    <dependency><groupId>org.junit.platform</groupId><artifactId>junit-platform-launcher</artifactId>
                      <version>%s</version><scope>test</scope></dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><artifactId>maven-resources-plugin</artifactId><version>%s</version></plugin>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>%s</version></plugin>
                      <plugin><artifactId>maven-surefire-plugin</artifactId><version>%s</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(deps, prop("junit.version"), prop("junit-platform.version"), prop("resources-plugin.version"),
                prop("compiler-plugin.version"), prop("surefire-plugin.version"));
    }

    /** Versions as the root pom pins them (so the nested build finds them offline). */
    private static String prop(String name) {
        try {
            String pom = Files.readString(repoRoot().resolve("pom.xml"));
            if (name.equals("junit-platform.version")) {
                // JUnit 5.x.y ships platform 1.x.y
                String jupiter = prop("junit.version");
                return jupiter.startsWith("5.") ? "1" + jupiter.substring(1) : jupiter;
            }
            Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
            assertTrue(m.find(), name + " not in the root pom");
            return m.group(1).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("testing/pom.xml"))) {
            p = p.getParent();
        }
        assertTrue(p != null, "the repository root (with testing/pom.xml) is not above " + Path.of("").toAbsolutePath());
        return p;
    }

    private static Path findOnPath(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        String home = System.getProperty("maven.home");
        if (home != null) {
            dirs.add(0, home + File.separator + "bin");
        }
        for (String d : dirs) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("This test runs a nested Maven build and needs '" + tool + "' on the PATH");
    }
}
