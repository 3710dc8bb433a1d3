package io.squall.tests.traces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds marker comments ({@code // MARKER}) in this package's test sources, to know the lines they are on. */
final class Lines {

    private Lines() {
    }

    /**
     * The 1-based line of {@code file} (in this package's source folder) holding the comment {@code // marker}.
     *
     * @throws AssertionError if the marker is missing or appears twice
     */
    static int of(String file, String marker) {
        Path src = Path.of("src/test/java/io/squall/tests/traces", file);
        List<String> lines;
        try {
            lines = Files.readAllLines(src, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + src.toAbsolutePath(), e);
        }
        int found = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// " + marker)) {
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
