package io.squall.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds marker comments ({@code // MARKER}) in the test sources, to know the lines they are on. */
public final class SourceLines {

    private SourceLines() {
    }

    /**
     * The 1-based line of {@code file} holding the comment {@code // marker} (alone at the end of the line, or
     * followed by a space and more text).
     *
     * @param pkg the test package below {@code io.squall.tests} whose source folder holds the file, e.g. "shapes"
     * @throws AssertionError if the marker is missing or appears twice
     */
    public static int lineOf(String pkg, String file, String marker) {
        Path src = Path.of("src/test/java/io/squall/tests", pkg, file);
        List<String> lines;
        try {
            lines = Files.readAllLines(src, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + src.toAbsolutePath(), e);
        }
        int found = -1;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.endsWith("// " + marker) || l.contains("// " + marker + " ")) {
                if (found > 0) {
                    throw new AssertionError("marker " + marker + " twice in " + file);
                }
                found = i + 1;
            }
        }
        if (found < 0) {
            throw new AssertionError("marker " + marker + " not found in " + src.toAbsolutePath());
        }
        return found;
    }
}
