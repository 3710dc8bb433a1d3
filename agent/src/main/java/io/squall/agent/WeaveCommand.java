package io.squall.agent;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent jar's command line ({@code Main-Class}): {@code java -jar squall-agent.jar weave [options]
 * DIR|JAR...} weaves classes directories and jars in place (see {@link Weaver}), for Gradle and other builds
 * that cannot use {@code squall-maven-plugin}. Runs on the calling thread; exit status 0 on success, 1 when
 * something was refused (unless {@code --refusals=warn}) or could not be woven, 2 on a usage error.
 */
public final class WeaveCommand {

    private static final String USAGE = "usage: java -jar squall-agent.jar weave [--refusals=error|warn]"
            + " [--quiet] DIR|JAR...\n"
            + "  Rewrites the coroutines of the compiled classes in place, so the application runs without"
            + " -javaagent.\n"
            + "  Already woven classes are left alone (run it after every compile). Refused coroutines are"
            + " errors\n  (exit 1, class left unwoven) unless --refusals=warn.";

    private WeaveCommand() {
        throw new AssertionError("no instances");
    }

    /**
     * Entry point.
     *
     * @param args {@code weave}, options and paths
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the command.
     *
     * @param args {@code weave}, options and paths
     * @param out where the summary goes
     * @param err where errors and warnings go
     * @return the exit status
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !"weave".equals(args[0])) {
            err.println(USAGE);
            return 2;
        }
        Weaver.Options options = new Weaver.Options();
        boolean quiet = false;
        List<Path> paths = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--refusals=error")) {
                options.failOnRefusal = true;
            } else if (a.equals("--refusals=warn")) {
                options.failOnRefusal = false;
            } else if (a.equals("--quiet")) {
                quiet = true;
            } else if (a.startsWith("-")) {
                err.println("unknown option " + a + "\n" + USAGE);
                return 2;
            } else {
                paths.add(Paths.get(a));
            }
        }
        if (paths.isEmpty()) {
            err.println(USAGE);
            return 2;
        }
        int status = 0;
        for (Path p : paths) {
            Weaver.Report r;
            try {
                if (Files.isDirectory(p)) {
                    r = Weaver.weaveDirectory(p, options);
                } else if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
                    r = Weaver.weaveJar(p, options);
                } else {
                    err.println("squall weave: " + p + " is neither a directory nor a .jar file");
                    status = 1;
                    continue;
                }
            } catch (IOException e) {
                err.println("squall weave: cannot weave " + p + ": " + e);
                status = 1;
                continue;
            }
            String level = options.failOnRefusal ? "error" : "warning";
            for (Weaver.Refused refused : r.refusals) {
                err.println("squall weave: " + level + ": " + refused);
            }
            for (String e : r.errors) {
                err.println("squall weave: error: " + e);
            }
            if (r.failed(options)) {
                status = 1;
            }
            if (!quiet) {
                out.println("squall weave: " + p + ": " + r.woven + " classes woven, " + r.alreadyWoven
                        + " already woven, " + r.scanned + " scanned"
                        + (r.failed(options) ? "; FAILED (refused classes were left unwoven)" : ""));
            }
        }
        return status;
    }
}
