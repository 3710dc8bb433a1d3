package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every class of this test module (the whole shape corpus) rewritten by {@code SquallTransformer.rewrite}:
 * classes with coroutines come back rewritten and pass ASM's {@code CheckClassAdapter} data-flow
 * verification, keeping every source line and local variable of their coroutines in the debug information;
 * classes without come back null; the rewrite is deterministic. Also checks that no class failed
 * the agent's own load-time verification ({@code -Dio.squall.agent.verify=true}).
 */
class RewrittenClassesVerifyTest {

    static Path testClassesRoot() throws URISyntaxException {
        return Path.of(RewrittenClassesVerifyTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static List<Path> testClasses() throws IOException, URISyntaxException {
        return classesUnder(testClassesRoot());
    }

    static List<Path> classesUnder(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void everyCoroutineClassOfTheCorpusPassesCheckClassAdapter() throws Throwable {
        AgentAccess agent = AgentAccess.transformer();
        ClassLoader loader = getClass().getClassLoader();
        int rewritten = 0;
        int untouched = 0;
        List<String> problems = new ArrayList<>();
        for (Path p : testClasses()) {
            byte[] original = Files.readAllBytes(p);
            String name = ClassChecks.nameOf(original);
            byte[] out;
            try {
                out = agent.rewrite(loader, name, original.clone());
            } catch (Throwable t) {
                problems.add(name + ": rewrite threw " + t);
                continue;
            }
            List<String> coroutines = ClassChecks.coroutineMethods(original);
            if (coroutines.isEmpty()) {
                if (out != null) {
                    problems.add(name + ": no coroutine but rewrite returned bytes");
                }
                untouched++;
                continue;
            }
            if (out == null) {
                problems.add(name + ": has coroutines " + coroutines + " but was not rewritten");
                continue;
            }
            rewritten++;
            String report = ClassChecks.verify(out, loader);
            if (!report.isEmpty()) {
                problems.add(name + ": CheckClassAdapter:\n" + report);
            }
            List<String> before = ClassChecks.declaredMethods(original);
            List<String> after = ClassChecks.declaredMethods(out);
            if (!before.equals(after)) {
                List<String> added = new ArrayList<>(after);
                added.removeAll(before);
                List<String> removed = new ArrayList<>(before);
                removed.removeAll(after);
                problems.add(name + ": declared (non-synthetic) methods changed; added " + added + " removed " + removed);
            }
            for (String lost : ClassChecks.lostDebugInfo(original, out)) {
                problems.add(name + ": debug information lost: " + lost);
            }
            byte[] again = agent.rewrite(loader, name, original.clone());
            if (!java.util.Arrays.equals(out, again)) {
                problems.add(name + ": rewriting the same bytes twice gave different results");
            }
        }
        System.out.println("[corpus] rewrote " + rewritten + " classes, left " + untouched + " untouched");
        assertTrue(rewritten > 20, "the corpus has dozens of coroutine classes, only " + rewritten + " rewritten");
        assertEquals("", String.join("\n", problems), problems.size() + " problem(s)");
    }

    /**
     * The same with {@code io.squall.agent.locals=all} (the policy under a debugger: every named local in
     * scope is saved at each await, dead or not): other frames, other spill slots; this JVM's own classes
     * use the default ({@code live}, no JDWP here).
     */
    @Test
    void everyCoroutineClassOfTheCorpusPassesCheckClassAdapterWithEveryNamedLocalSaved() throws Throwable {
        String before = System.getProperty("io.squall.agent.locals");
        System.setProperty("io.squall.agent.locals", "all");
        try {
            everyCoroutineClassOfTheCorpusPassesCheckClassAdapter();
        } finally {
            if (before == null) {
                System.clearProperty("io.squall.agent.locals");
            } else {
                System.setProperty("io.squall.agent.locals", before);
            }
        }
    }

    @Test
    void noClassFailedTheAgentsLoadTimeVerification() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        for (Path p : testClasses()) {
            String name = ClassChecks.nameOf(Files.readAllBytes(p)).replace('/', '.');
            Class.forName(name, false, loader);
        }
        long failures = AgentAccess.verifyFailures();
        assertTrue(failures >= 0, "SquallAgent.verifyFailures() is missing");
        assertEquals(0, failures, "classes failed the agent's verification at load; see the test output log");
    }

    @Test
    void aClassWithoutCoroutinesIsReturnedUntouched() throws Throwable {
        AgentAccess agent = AgentAccess.transformer();
        byte[] bytes;
        try (var in = ShapeTest.class.getResourceAsStream("ShapeTest.class")) {
            assertNotNull(in);
            bytes = in.readAllBytes();
        }
        byte[] copy = bytes.clone();
        assertNull(agent.rewrite(getClass().getClassLoader(), "io/squall/tests/shapes/ShapeTest", copy));
        assertArrayEquals(bytes, copy);
    }
}
