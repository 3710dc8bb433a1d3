package io.squall.tests.shapes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Run in a child JVM by {@link TransformerRobustnessTest}: feeds truncated and byte-flipped copies of the
 * corpus's coroutine classes to {@code SquallTransformer.rewrite}, which must never throw. Prints a summary
 * line starting with {@code [corrupted]} and exits with 1 if the transformer threw.
 */
public final class CorruptedClassFeeder {

    private CorruptedClassFeeder() {
    }

    /**
     * Entry point.
     *
     * @param args the test classes directory
     * @throws Exception if the classes cannot be read
     */
    public static void main(String[] args) throws Exception {
        AgentAccess agent = AgentAccess.transformer();
        ClassLoader loader = CorruptedClassFeeder.class.getClassLoader();
        Random random = new Random(42);
        List<String> problems = new ArrayList<>();
        int fed = 0;
        int classIndex = 0;
        for (Path p : RewrittenClassesVerifyTest.classesUnder(Path.of(args[0]))) {
            byte[] original = Files.readAllBytes(p);
            if (ClassChecks.coroutineMethods(original).isEmpty() || classIndex++ % 5 != 0) {
                continue;
            }
            String name = ClassChecks.nameOf(original);
            List<byte[]> variants = new ArrayList<>();
            for (int cut : new int[] {0, 4, 10, original.length / 3, original.length / 2, original.length - 1}) {
                variants.add(Arrays.copyOf(original, cut));
            }
            for (int k = 0; k < 10; k++) {
                byte[] flipped = original.clone();
                for (int j = 0; j < 3; j++) {
                    int at = 10 + random.nextInt(flipped.length - 10);
                    flipped[at] = (byte) random.nextInt(256);
                }
                variants.add(flipped);
            }
            for (byte[] v : variants) {
                fed++;
                try {
                    agent.rewrite(loader, name, v);
                } catch (Throwable t) {
                    problems.add(name + ": rewrite threw " + t);
                }
            }
        }
        System.out.println("[corrupted] fed " + fed + " corrupted class files; the transformer threw on "
                + problems.size());
        for (String problem : problems) {
            System.out.println("[corrupted] " + problem);
        }
        System.exit(problems.isEmpty() && fed > 50 ? 0 : 1);
    }
}
