package io.squall.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.profile.ProfilerFactory;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code jmh [JMH options]}: runs the JMH benchmarks in this jar with JMH's own options. Two additions:
 * forked JVMs get {@code -javaagent:<squall-agent.jar>} unless this JVM already carries it (JMH hands the
 * host's JVM arguments to its forks), and on a JDK without virtual threads the {@code vt_} benchmarks are
 * excluded with a message.
 */
public final class JmhCommand implements Command {

    @Override
    public int run(List<String> words, PrintStream out) throws Exception {
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(words.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            throw new UsageException("jmh: " + e.getMessage());
        }
        if (cmd.shouldHelp()) {
            cmd.showHelp();
            return 0;
        }
        if (cmd.shouldListProfilers()) {
            ProfilerFactory.listProfilers(out);
            return 0;
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
        if (Runtime.version().feature() < 21 && !mentions(cmd.getIncludes(), "vt")) {
            out.println("# vt_* benchmarks skipped: virtual threads need JDK 21+, this is JDK "
                    + Runtime.version().feature() + " (run the jar with /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)");
            options.exclude("\\.vt_");
        }
        int forks = cmd.getForkCount().orElse(1);
        if (forks == 0) {
            AgentBootstrap.install();
        } else if (!hostHasAgent() && !cmd.getJvmArgs().hasValue()) {
            Path agent = AgentBootstrap.findAgentJar();
            if (agent == null) {
                out.println("# warning: no squall-agent.jar found: squall_* benchmarks will fail in the forks");
            } else {
                List<String> append = new ArrayList<>(cmd.getJvmArgsAppend().orElse(List.of()));
                append.add("-javaagent:" + agent);
                options.jvmArgsAppend(append.toArray(new String[0]));
            }
        }
        Options built = options.build();
        VerboseMode mode = built.verbosity().orElse(VerboseMode.NORMAL);
        Runner runner = new Runner(built, OutputFormatFactory.createFormatInstance(out, mode));
        if (cmd.shouldList()) {
            runner.list();
            return 0;
        }
        if (cmd.shouldListWithParams()) {
            runner.listWithParams(cmd);
            return 0;
        }
        try {
            runner.run();
        } catch (NoBenchmarksException e) {
            throw new UsageException("jmh: no benchmark matches " + cmd.getIncludes()
                    + " (java -jar squall-bench.jar jmh -l lists them)");
        } catch (RunnerException e) {
            out.println("jmh: the run failed: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static boolean mentions(Collection<String> patterns, String system) {
        for (String p : patterns) {
            if (p.contains(system + "_")) {
                return true;
            }
        }
        return false;
    }

    private static boolean hostHasAgent() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:") && arg.contains("squall-agent")) {
                return true;
            }
        }
        return false;
    }
}
