package io.squall.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import io.squall.agent.Weaver;

/**
 * Goal {@code weave}: rewrites the coroutines of the compiled classes in place with the Squall agent's own
 * rewrite, so the application (and its tests) run without {@code -javaagent} and without self-attach.
 *
 * <p>Bound to {@code process-classes} it weaves {@code target/classes}; bound to {@code process-test-classes}
 * it weaves {@code target/test-classes} ({@code <classes>main|test</classes>} overrides the choice). Classes
 * woven by an earlier build carry a mark and are skipped, so an incremental build rewrites only what javac
 * just compiled. A refused coroutine fails the build with {@code File.java:line} and the fix (the class is
 * left unwoven so the next build reports it again); {@code <failOnRefusal>false</failOnRefusal>} turns
 * refusals into warnings and weaves the class with the refused coroutine failing at run time, as the agent
 * would. Runs on Maven's build thread; several modules may weave in parallel.
 */
@Mojo(name = "weave", defaultPhase = LifecyclePhase.PROCESS_CLASSES, threadSafe = true)
public class WeaveMojo extends AbstractMojo {

    /** The main classes directory. */
    @Parameter(defaultValue = "${project.build.outputDirectory}", readonly = true, required = true)
    File outputDirectory;

    /** The test classes directory. */
    @Parameter(defaultValue = "${project.build.testOutputDirectory}", readonly = true, required = true)
    File testOutputDirectory;

    /** Source roots of the main classes (to name refused coroutines' files). */
    @Parameter(defaultValue = "${project.compileSourceRoots}", readonly = true)
    List<String> compileSourceRoots;

    /** Source roots of the test classes. */
    @Parameter(defaultValue = "${project.testCompileSourceRoots}", readonly = true)
    List<String> testCompileSourceRoots;

    /** The lifecycle phase this execution is bound to (decides main or test classes). */
    @Parameter(defaultValue = "${mojoExecution.lifecyclePhase}", readonly = true)
    String phase;

    /** {@code main} or {@code test}; by default {@code test} in the test phases, else {@code main}. */
    @Parameter(property = "squall.weave.classes")
    String classes;

    /** A refused coroutine fails the build (true, the default) or is a warning (false). */
    @Parameter(property = "squall.weave.failOnRefusal", defaultValue = "true")
    boolean failOnRefusal = true;

    /** Skips weaving. */
    @Parameter(property = "squall.weave.skip", defaultValue = "false")
    boolean skip;

    /** Creates the goal (Maven injects the parameters). */
    public WeaveMojo() {}

    /**
     * Weaves the classes directory.
     *
     * @throws MojoFailureException if a coroutine was refused (unless {@code failOnRefusal} is false) or a
     *     class cannot be woven
     * @throws MojoExecutionException if a class file cannot be read or written
     */
    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Squall weaving skipped");
            return;
        }
        boolean test = classes != null ? "test".equals(classes.trim())
                : phase != null && phase.contains("test");
        if (classes != null && !classes.trim().equals("main") && !test) {
            throw new MojoExecutionException("squall weave: <classes> must be 'main' or 'test', not '" + classes
                    + "'");
        }
        File dir = test ? testOutputDirectory : outputDirectory;
        List<String> roots = test ? testCompileSourceRoots : compileSourceRoots;
        Weaver.Options options = new Weaver.Options();
        options.failOnRefusal = failOnRefusal;
        Weaver.Report report;
        try {
            report = Weaver.weaveDirectory(dir.toPath(), options);
        } catch (IOException e) {
            throw new MojoExecutionException("squall weave: cannot weave " + dir + ": " + e, e);
        }
        List<String> problems = new ArrayList<>();
        for (Weaver.Refused r : report.refusals) {
            problems.add(where(r, roots) + r.message);
        }
        problems.addAll(report.errors);
        for (String p : problems.subList(0, report.refusals.size())) {
            if (failOnRefusal) {
                getLog().error(p);
            } else {
                getLog().warn(p);
            }
        }
        for (String e : report.errors) {
            getLog().error(e);
        }
        getLog().info("Squall: " + report.woven + " classes woven in " + dir + " (" + report.alreadyWoven
                + " already woven, " + report.scanned + " class files)");
        if (report.failed(options)) {
            StringBuilder m = new StringBuilder("squall weave: ");
            m.append(report.refusals.size()).append(" coroutine(s) refused, ").append(report.errors.size())
                    .append(" class(es) could not be woven in ").append(dir).append(":");
            for (String p : failOnRefusal ? problems : report.errors) {
                m.append("\n").append(p);
            }
            if (failOnRefusal && !report.refusals.isEmpty()) {
                m.append("\n(fix them, or set <failOnRefusal>false</failOnRefusal> to weave the refused coroutines"
                        + " as methods that fail at run time)");
            }
            throw new MojoFailureException(m.toString());
        }
    }

    /** {@code /abs/src/main/java/com/x/App.java:12: }, or the package path when the file is not found. */
    static String where(Weaver.Refused r, List<String> roots) {
        if (r.sourcePath == null) {
            return "";
        }
        String file = r.sourcePath;
        for (String root : roots == null ? Collections.<String>emptyList() : roots) {
            Path p = new File(root).toPath().resolve(r.sourcePath);
            if (Files.isRegularFile(p)) {
                file = p.toString();
                break;
            }
        }
        return file + ":" + r.line + ": ";
    }
}
