package io.squall.tests.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README as a newcomer reads it (issue 17): every {@code ```java} block compiles as shown, against the jars
 * this build made (the test class path: runtime, annotations with its javac checks, agent, testing, JUnit), and the
 * README's first command starts the demo with no JVM warning.
 *
 * <p>How README {@code ```java} blocks must be written to pass (for everyone who adds one):
 * <ul>
 *   <li>A block is a complete compilation unit: its {@code import}s, then top-level types, at most one of them
 *       {@code public} (the file is named after it). Statements go in a method ({@code main}, a static helper),
 *       never loose at top level; every variable a block uses is declared in it.</li>
 *   <li>Blocks are compiled one by one, in README order, each with the classes of the blocks before it on the class
 *       path: a block may use a type an earlier block declared ({@code HelloHandler}, {@code Fetcher}); declaring a
 *       type again in a later block is fine (it shadows the earlier one).</li>
 *   <li>Default package (no {@code package} line); {@code --release 17}; javac warnings are allowed, errors are
 *       not (Squall's compile-time checks run too, on JDKs that run class-path processors by default).</li>
 *   <li>A block that is not meant to compile (pseudo-code) has {@code <!-- readme-java: fragment -->} on the line
 *       right before its fence and is skipped. Prefer a complete block. Other fences ({@code ```}, {@code ```xml},
 *       {@code ```groovy}) are not checked.</li>
 * </ul>
 */
@Timeout(180)
class ReadmeJavaBlocksTest {

    /** Marks a {@code ```java} block (on the line before its fence) that is not compiled. */
    static final String FRAGMENT_MARK = "<!-- readme-java: fragment -->";

    private static final Pattern PUBLIC_TYPE =
            Pattern.compile("^public\\s+(?:final\\s+|abstract\\s+|sealed\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)",
                    Pattern.MULTILINE);

    /** One {@code ```java} block: where it starts in README.md (1-based line of its fence) and its text. */
    record Block(int line, String code) {}

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("README.md"))) {
            p = p.getParent();
        }
        assertNotNull(p, "README.md not found above " + Path.of("").toAbsolutePath());
        return p;
    }

    static List<Block> javaBlocks(List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            int start = i;
            StringBuilder code = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            boolean fragment = start > 0 && lines.get(start - 1).strip().equals(FRAGMENT_MARK);
            if (!fragment) {
                blocks.add(new Block(start + 1, code.toString()));
            }
        }
        return blocks;
    }

    @Test
    void everyJavaBlockCompilesAsShown(@TempDir Path tmp) throws IOException {
        List<String> readme = Files.readAllLines(repoRoot().resolve("README.md"), StandardCharsets.UTF_8);
        List<Block> blocks = javaBlocks(readme);
        assertTrue(blocks.size() >= 10, "expected the tour's java blocks, found " + blocks.size());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler: run the tests on a JDK");
        String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> failures = new ArrayList<>();
        List<Path> earlier = new ArrayList<>();
        int n = 0;
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
        for (Block b : blocks) {
            n++;
            Path src = tmp.resolve("src" + n);
            Path out = tmp.resolve("out" + n);
            Files.createDirectories(src);
            Files.createDirectories(out);
            Matcher m = PUBLIC_TYPE.matcher(b.code());
            Path file = src.resolve((m.find() ? m.group(1) : "ReadmeBlock" + n) + ".java");
            Files.writeString(file, b.code(), StandardCharsets.UTF_8);
            List<String> cp = new ArrayList<>();
            for (int i = earlier.size() - 1; i >= 0; i--) {
                cp.add(earlier.get(i).toString());  // the latest declaration of a type wins
            }
            cp.add(testClassPath);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            List<String> options = List.of("--release", "17", "-d", out.toString(), "-cp",
                    String.join(File.pathSeparator, cp), "-implicit:none", "-Xlint:none");
            boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(file.toFile()))
                    .call();
            StringBuilder errors = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    long readmeLine = d.getLineNumber() > 0 ? b.line() + d.getLineNumber() : b.line();
                    errors.append("\n    README.md:").append(readmeLine).append(": ").append(d.getMessage(Locale.ROOT));
                }
            }
            if (!ok || errors.length() > 0) {
                failures.add("README.md line " + b.line() + " (```java block " + n + ") does not compile as shown:"
                        + errors);
            }
            earlier.add(out);
        }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " README java block(s) do not compile. Each ```java block must be a complete"
                    + " compilation unit (imports, then types; statements inside a method), may use types of earlier"
                    + " blocks, or be marked " + FRAGMENT_MARK + " on the line before its fence (see "
                    + getClass().getSimpleName() + "'s Javadoc):\n" + String.join("\n", failures));
        }
    }

    @Test
    void noBlockListensOnAPortTheDemoHolds() throws IOException {
        List<String> readme = Files.readAllLines(repoRoot().resolve("README.md"), StandardCharsets.UTF_8);
        for (Block b : javaBlocks(readme)) {
            for (String port : List.of("8888", "8000", "8001", "8002")) {
                assertFalse(b.code().contains("listen(" + port) || b.code().contains("bind(" + port),
                        "README.md line " + b.line() + ": a java block uses port " + port + ", which the demo started"
                                + " by the README's first command holds (seed-servers: 8888, 8000-8002); use 8080");
            }
        }
    }

    /**
     * The README's first command, run as shown (with ports of 0 and a time limit added, so that it neither
     * collides with anything nor runs for ever): it starts with no JVM warning (no dynamic agent attach on JDK 21+)
     * and its coroutine handler answers.
     */
    @Test
    void theFirstCommandStartsTheDemoWithNoJvmWarning() throws Exception {
        Path root = repoRoot();
        List<String> readme = Files.readAllLines(root.resolve("README.md"), StandardCharsets.UTF_8);
        int fence = readme.indexOf("```");
        assertTrue(fence >= 0, "README.md has no plain ``` block");
        String command = readme.get(fence + 1).strip();
        assertTrue(command.startsWith("mvn ") && command.contains(" && java "), command);
        List<String> java = new ArrayList<>(Arrays.asList(command.substring(command.indexOf("&& ") + 3).split("\\s+")));
        assertEquals("java", java.get(0), command);
        java.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : java) {
            if (arg.endsWith(".jar")) {
                String path = arg.substring(arg.indexOf(':') + 1);
                assertTrue(Files.isRegularFile(root.resolve(path)), path + " is not built: run mvn -B -DskipTests package");
            }
        }
        java.addAll(List.of("--echo-port", "0", "--blocking-port", "0", "--async-port", "0", "--raw-port", "0",
                "--delay-ms", "50", "--seconds", "3"));
        Process p = new ProcessBuilder(java).directory(root.toFile()).redirectErrorStream(true).start();
        StringBuilder startup = new StringBuilder();
        StringBuilder all = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String asyncUrl = null;
            String line;
            while ((line = r.readLine()) != null) {
                startup.append(line).append('\n');
                Matcher m = Pattern.compile("async handler:\\s+(http://\\S+)").matcher(line);
                if (m.find()) {
                    asyncUrl = m.group(1);
                }
                if (line.startsWith("try: curl")) {
                    break;
                }
            }
            assertNotNull(asyncUrl, startup.toString());
            String answer = get(URI.create(asyncUrl));
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            all.append(startup);
            while ((line = r.readLine()) != null) {
                all.append(line).append('\n');
            }
        } finally {
            boolean exited = p.waitFor(30, TimeUnit.SECONDS);
            if (!exited) {
                p.destroyForcibly();
            }
            assertTrue(exited, "the demo did not stop by itself after --seconds 3");
        }
        assertFalse(startup.toString().contains("WARNING"), "the README's first command printed a warning:\n" + startup);
        for (String jvmWarning : List.of("loaded dynamically", "EnableDynamicAgentLoading", "Dynamic loading of agents")) {
            assertFalse(all.toString().contains(jvmWarning), "the JVM warned about a dynamically loaded agent:\n" + all);
        }
    }

    private static String get(URI url) throws IOException {
        try (Socket s = new Socket(url.getHost(), url.getPort())) {
            s.setSoTimeout(20_000);
            OutputStream o = s.getOutputStream();
            o.write(("GET " + url.getPath() + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
