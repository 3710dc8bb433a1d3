package io.squall.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.objectweb.asm.ClassReader;

/**
 * Build-time weaving: rewrites compiled classes with the agent's own rewrite, so the application runs
 * without {@code -javaagent} and without self-attach. A woven class is exactly what the agent produces when
 * it loads the class, plus the {@link WovenMarker} attribute, so the agent (if present anyway) leaves it
 * alone and weaving again is a no-op: a directory can be woven after every (incremental) compile and only
 * the freshly compiled classes are rewritten.
 *
 * <p>Refusals are reported with the source file and line. With {@link Options#failOnRefusal} (the default)
 * a class with a refusal is left unwoven on disk, so the next build reports it again until it is fixed;
 * otherwise it is written with the refused coroutines replaced by methods returning a failed future, as the
 * agent does at load time. Used by {@code squall-maven-plugin} and by {@code java -jar squall-agent.jar weave}.
 * Not thread-safe per call; separate calls may run concurrently on separate paths.
 */
public final class Weaver {

    /** What the mark of a class woven by this agent says. */
    public static final String STAMP = "squall-agent " + version();

    /** How to weave. */
    public static final class Options {
        /** Refusals are errors: the class is not written (the default); false makes them warnings. */
        public boolean failOnRefusal = true;

        /** Creates the default options. */
        public Options() {}
    }

    /** A coroutine the rewrite refused, with where it is. */
    public static final class Refused {
        /** The source file's path by package, e.g. {@code com/example/App.java}, or null if unknown. */
        public final String sourcePath;
        /** The line, or 0 if unknown. */
        public final int line;
        /** The agent's full message: class, method, reason and fix. */
        public final String message;

        Refused(String sourcePath, int line, String message) {
            this.sourcePath = sourcePath;
            this.line = line;
            this.message = message;
        }

        @Override
        public String toString() {
            return (sourcePath != null ? sourcePath + ":" + line + ": " : "") + message;
        }
    }

    /** The outcome for one class. */
    public static final class ClassResult {
        /** What happened to the class. */
        public enum Status {
            /** No coroutine, or a class the agent never transforms: left as it is. */
            UNTOUCHED,
            /** Already carries the mark: left as it is. */
            ALREADY_WOVEN,
            /** Rewritten; {@link #bytes} is the woven class. */
            WOVEN
        }

        /** What happened. */
        public final Status status;
        /** The woven class file (with the mark) if {@link Status#WOVEN}, else null. */
        public final byte[] bytes;
        /** The refused coroutines (only for WOVEN). */
        public final List<Refused> refusals;

        ClassResult(Status status, byte[] bytes, List<Refused> refusals) {
            this.status = status;
            this.bytes = bytes;
            this.refusals = refusals;
        }
    }

    /** What weaving a directory or a jar did. */
    public static final class Report {
        /** Class files read. */
        public int scanned;
        /** Class files rewritten on disk (or in the jar). */
        public int woven;
        /** Class files found already woven (left alone). */
        public int alreadyWoven;
        /** Refused coroutines, with where they are. */
        public final List<Refused> refusals = new ArrayList<>();
        /** Classes that could not be woven (malformed, internal error): always errors. */
        public final List<String> errors = new ArrayList<>();
        /** Paths (relative, {@code /}-separated) of the classes rewritten by this run. */
        public final List<String> wovenPaths = new ArrayList<>();

        /**
         * Tells whether the build should fail.
         *
         * @param options the options the weave ran with
         * @return true if there are errors, or refusals and {@code failOnRefusal}
         */
        public boolean failed(Options options) {
            return !errors.isEmpty() || (options.failOnRefusal && !refusals.isEmpty());
        }
    }

    /** A class file that cannot be woven: malformed, or an internal error of the rewrite. */
    public static final class WeaveException extends Exception {
        private static final long serialVersionUID = 1L;

        WeaveException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Weaver() {
        throw new AssertionError("no instances");
    }

    /**
     * Weaves one class file (in memory).
     *
     * @param internalName the class's name, e.g. {@code com/example/App}; classes the agent never transforms
     *     ({@code java/}, {@code io/squall/internal/}...) are left untouched as the agent leaves them
     * @param classBytes the class file
     * @return the outcome
     * @throws WeaveException if the class file is malformed or the rewrite failed internally
     */
    public static ClassResult weave(String internalName, byte[] classBytes) throws WeaveException {
        if (WovenMarker.isWoven(classBytes)) {
            return new ClassResult(ClassResult.Status.ALREADY_WOVEN, null, Collections.emptyList());
        }
        if (SquallTransformer.isIgnored(internalName)) {
            return new ClassResult(ClassResult.Status.UNTOUCHED, null, Collections.emptyList());
        }
        ClassRewriter.Result r;
        try {
            r = ClassRewriter.rewrite(classBytes);
        } catch (ClassRewriter.MalformedClassException e) {
            throw new WeaveException("cannot read class file " + internalName + ": " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            throw new WeaveException("internal error while weaving " + internalName + " (" + e
                    + "); please report this Squall agent bug", e);
        }
        if (r == null) {
            return new ClassResult(ClassResult.Status.UNTOUCHED, null, Collections.emptyList());
        }
        List<Refused> refused = new ArrayList<>();
        if (!r.refusals.isEmpty()) {
            String source = new ClassReader(classBytes).getClassName();
            String sourceFile = sourceFile(classBytes);
            String sourcePath = sourceFile == null ? null
                    : source.substring(0, source.lastIndexOf('/') + 1) + sourceFile;
            for (String message : r.refusals) {
                refused.add(new Refused(sourcePath, lineIn(message, sourceFile), message));
            }
        }
        return new ClassResult(ClassResult.Status.WOVEN, WovenMarker.mark(r.bytes, STAMP),
                Collections.unmodifiableList(refused));
    }

    /**
     * Weaves every class file under a directory in place. Unchanged (already woven) classes are not
     * rewritten; class files are replaced atomically.
     *
     * @param dir a classes directory, e.g. {@code target/classes}; a missing directory is an empty one
     * @param options how to weave
     * @return what was done
     * @throws IOException if a file cannot be read or written
     */
    public static Report weaveDirectory(Path dir, Options options) throws IOException {
        Report report = new Report();
        if (!Files.isDirectory(dir)) {
            return report;
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".class") && Files.isRegularFile(p)).sorted()
                    .collect(Collectors.toList());
        }
        for (Path file : files) {
            String rel = dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
            byte[] bytes = Files.readAllBytes(file);
            byte[] out = weaveEntry(rel, bytes, options, report);
            if (out != null) {
                Path tmp = file.resolveSibling(file.getFileName() + ".squall-weave.tmp");
                Files.write(tmp, out);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return report;
    }

    /**
     * Weaves the class files of a jar in place: the jar is rewritten (entry order, times and other entries
     * kept) only if a class changes and, with {@code failOnRefusal}, nothing was refused.
     *
     * @param jar the jar
     * @param options how to weave
     * @return what was done
     * @throws IOException if the jar cannot be read or written
     */
    public static Report weaveJar(Path jar, Options options) throws IOException {
        Report report = new Report();
        Path tmp = jar.resolveSibling(jar.getFileName() + ".squall-weave.tmp");
        boolean changed = false;
        try (ZipFile zip = new ZipFile(jar.toFile());
                OutputStream fileOut = Files.newOutputStream(tmp);
                ZipOutputStream out = new ZipOutputStream(fileOut)) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = readAll(in);
                }
                byte[] woven = null;
                if (!e.isDirectory() && e.getName().endsWith(".class")) {
                    woven = weaveEntry(e.getName(), bytes, options, report);
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                if (e.getComment() != null) {
                    copy.setComment(e.getComment());
                }
                if (e.getExtra() != null) {
                    copy.setExtra(e.getExtra());
                }
                out.putNextEntry(copy);
                out.write(woven != null ? woven : bytes);
                out.closeEntry();
                changed |= woven != null;
            }
            if (zip.getComment() != null) {
                out.setComment(zip.getComment());
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        if (changed && !report.failed(options)) {
            Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.deleteIfExists(tmp);
            if (changed) {
                report.woven = 0;
                report.wovenPaths.clear();
            }
        }
        return report;
    }

    /** Weaves one entry; returns the bytes to write, or null to leave it as it is. */
    private static byte[] weaveEntry(String rel, byte[] bytes, Options options, Report report) {
        report.scanned++;
        String name = rel.substring(0, rel.length() - ".class".length());
        if (name.startsWith("META-INF/versions/")) {
            int slash = name.indexOf('/', "META-INF/versions/".length());
            name = slash < 0 ? name : name.substring(slash + 1);
        }
        ClassResult r;
        try {
            r = weave(name, bytes);
        } catch (WeaveException e) {
            report.errors.add(rel + ": " + e.getMessage());
            return null;
        }
        switch (r.status) {
            case ALREADY_WOVEN:
                report.alreadyWoven++;
                return null;
            case UNTOUCHED:
                return null;
            default:
                report.refusals.addAll(r.refusals);
                if (!r.refusals.isEmpty() && options.failOnRefusal) {
                    return null; // left unwoven: the next build reports it again
                }
                report.woven++;
                report.wovenPaths.add(rel);
                return r.bytes;
        }
    }

    private static String sourceFile(byte[] classBytes) {
        String[] found = new String[1];
        new ClassReader(classBytes).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
            @Override
            public void visitSource(String source, String debug) {
                found[0] = source;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_FRAMES);
        return found[0];
    }

    /** The line in a refusal message ({@code "(App.java:12)"}), or 0. */
    private static int lineIn(String message, String sourceFile) {
        if (sourceFile == null) {
            return 0;
        }
        String key = "(" + sourceFile + ":";
        int at = message.indexOf(key);
        if (at < 0) {
            return 0;
        }
        int p = at + key.length();
        int line = 0;
        while (p < message.length() && Character.isDigit(message.charAt(p))) {
            line = line * 10 + (message.charAt(p++) - '0');
        }
        return p < message.length() && message.charAt(p) == ')' ? line : 0;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0;) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static String version() {
        String v = Weaver.class.getPackage() == null ? null : Weaver.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
