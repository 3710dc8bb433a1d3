package io.squall.tests.checks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources with javax.tools (this JVM's javac, the test class path, so squall-annotations and
 * its coroutine checks are found as a user's build finds them) and returns the diagnostics.
 */
final class CheckedJavac {

    /** One diagnostic: kind, line and message. */
    static final class Diag {
        final Diagnostic.Kind kind;
        final long line;
        final String message;

        Diag(Diagnostic.Kind kind, long line, String message) {
            this.kind = kind;
            this.line = line;
            this.message = message;
        }

        /** The squall check key in the message ({@code [squall:key]}), or null. */
        String key() {
            Matcher m = Pattern.compile("\\[squall:([a-z-]+)\\]$").matcher(message);
            return m.find() ? m.group(1) : null;
        }

        @Override
        public String toString() {
            return kind + " line " + line + ": " + message;
        }
    }

    private CheckedJavac() {}

    /**
     * Compiles sources.
     *
     * @param options javac options (the class path and an output directory are added)
     * @param sources pairs of (binary class name, source)
     */
    static List<Diag> compile(List<String> options, String... sources) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("squall-checks");
        try (StandardJavaFileManager files = javac.getStandardFileManager(diags, Locale.ROOT, null)) {
            List<JavaFileObject> units = new ArrayList<>();
            for (int i = 0; i < sources.length; i += 2) {
                String name = sources[i];
                String text = sources[i + 1];
                units.add(new SimpleJavaFileObject(URI.create("string:///" + name.replace('.', '/') + ".java"),
                        JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return text;
                    }
                });
            }
            List<String> all = new ArrayList<>(options);
            all.addAll(Arrays.asList("-classpath", System.getProperty("java.class.path"), "-d", out.toString(),
                    "-Xlint:-options"));
            javac.getTask(null, files, diags, all, null, units).call();
        } finally {
            try (var s = Files.walk(out)) {
                s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
        List<Diag> result = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
            result.add(new Diag(d.getKind(), d.getLineNumber(), d.getMessage(Locale.ROOT)));
        }
        return result;
    }

    /** The squall diagnostics only. */
    static List<Diag> squall(List<Diag> all) {
        List<Diag> s = new ArrayList<>();
        for (Diag d : all) {
            if (d.key() != null) {
                s.add(d);
            }
        }
        return s;
    }

    /**
     * The diagnostics a source expects: each line ending in {@code //! ERROR key} or {@code //! WARNING key}.
     */
    static List<String> expected(String source) {
        List<String> e = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        Pattern p = Pattern.compile("//! (ERROR|WARNING) ([a-z-]+)");
        for (int i = 0; i < lines.length; i++) {
            Matcher m = p.matcher(lines[i]);
            if (m.find()) {
                e.add(m.group(1) + " " + (i + 1) + " " + m.group(2));
            }
        }
        return e;
    }

    /** Diagnostics as "KIND line key", for comparing with {@link #expected}. */
    static List<String> actual(List<Diag> squall) {
        List<String> a = new ArrayList<>();
        for (Diag d : squall) {
            a.add((d.kind == Diagnostic.Kind.ERROR ? "ERROR" : d.kind == Diagnostic.Kind.WARNING
                    || d.kind == Diagnostic.Kind.MANDATORY_WARNING ? "WARNING" : d.kind.toString())
                    + " " + d.line + " " + d.key());
        }
        return a;
    }
}
