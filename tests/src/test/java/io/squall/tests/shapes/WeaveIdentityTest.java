package io.squall.tests.shapes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.agent.SquallTransformer;
import io.squall.agent.Weaver;
import io.squall.agent.WovenMarker;

/**
 * Build-time weaving produces, for every class of the shape corpus (all test classes of this module, and
 * the fixtures compiled with several javac options), exactly the bytes the agent produces when it loads the
 * class, plus the woven mark; and the agent leaves a woven class alone.
 */
class WeaveIdentityTest {

    @Test
    void everyTestClassWeavesToTheAgentsBytesPlusTheMark() throws Throwable {
        Path classes = Paths.get(WeaveIdentityTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes)) {
            files = s.filter(p -> p.toString().endsWith(".class")).sorted().collect(Collectors.toList());
        }
        int woven = 0;
        for (Path f : files) {
            String name = classes.relativize(f).toString().replace('\\', '/').replaceAll("\\.class$", "");
            woven += compare(name, Files.readAllBytes(f));
        }
        assertTrue(files.size() > 200 && woven > 150, woven + " of " + files.size() + " classes woven");
    }

    @Test
    void fixturesCompiledWithOtherOptionsWeaveToTheAgentsBytes(@TempDir Path dir) throws Throwable {
        int woven = 0;
        for (Object[] v : new Object[][] {
                {"Shapes", List.of("-g:none")}, {"Legacy", List.of("--release", "8", "-g")}}) {
            // the same variants as CompiledVariantsTest, so a full run compiles them once
            @SuppressWarnings("unchecked")
            List<String> options = (List<String>) v[1];
            Map<String, byte[]> compiled = CompiledVariantsTest.compile((String) v[0], options,
                    dir.resolve(v[0] + "-" + options.size()));
            for (Map.Entry<String, byte[]> e : compiled.entrySet()) {
                woven += compare(e.getKey().replace('.', '/'), e.getValue());
            }
        }
        assertTrue(woven >= 2, woven + " fixture classes woven");
    }

    @Test
    void theAgentLeavesWovenClassesAlone() throws Exception {
        byte[] original;
        String name = "io/squall/tests/shapes/LoopShapesTest$ForSumShape";
        try (var in = WeaveIdentityTest.class.getResourceAsStream("/" + name + ".class")) {
            original = in.readAllBytes();
        }
        Weaver.ClassResult r = Weaver.weave(name, original);
        assertEquals(Weaver.ClassResult.Status.WOVEN, r.status);
        assertTrue(WovenMarker.isWoven(r.bytes));
        assertEquals(Weaver.STAMP, WovenMarker.stamp(r.bytes));
        assertNull(new SquallTransformer().transform(null, name, null, null,
                r.bytes), "the agent does not rewrite a woven class again");
        assertEquals(Weaver.ClassResult.Status.ALREADY_WOVEN,
                Weaver.weave(name, r.bytes).status);
    }

    /** Returns 1 if the class was woven, 0 if both left it alone. */
    private static int compare(String internalName, byte[] bytes) throws Throwable {
        // The same call the agent makes at load time, without -Dio.squall.agent.verify's slow re-check of
        // every class (verification only logs; it never changes the bytes).
        String verify = System.clearProperty(SquallTransformer.VERIFY_PROPERTY);
        byte[] agent;
        try {
            agent = AgentAccess.transformer().rewrite(null, internalName, bytes);
        } finally {
            if (verify != null) {
                System.setProperty(SquallTransformer.VERIFY_PROPERTY, verify);
            }
        }
        Weaver.ClassResult r = Weaver.weave(internalName, bytes);
        if (agent == null) {
            assertEquals(Weaver.ClassResult.Status.UNTOUCHED, r.status, internalName);
            return 0;
        }
        assertEquals(Weaver.ClassResult.Status.WOVEN, r.status, internalName);
        assertTrue(WovenMarker.isWoven(r.bytes), internalName);
        assertArrayEquals(agent, WovenMarker.strip(r.bytes), internalName + ": woven = agent's bytes + the mark");
        assertEquals(agent.length + 3 + WovenMarker.ATTRIBUTE.length() + 6
                + Weaver.STAMP.length(), r.bytes.length, internalName + ": the mark adds one constant and one attribute");
        return 1;
    }
}
