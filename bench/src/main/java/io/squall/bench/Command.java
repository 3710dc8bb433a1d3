package io.squall.bench;

import java.io.PrintStream;
import java.util.List;

/** One command of the bench jar ({@code seed}, {@code http-load}, ...), created by {@link Main} by name. */
public interface Command {
    /**
     * Runs the command.
     *
     * @param words the words after the command name
     * @param out where the command's report goes
     * @return the process exit status: 0 on success
     * @throws UsageException on bad arguments (the caller prints the command's usage)
     * @throws Exception on any other failure (the caller prints it and exits non-zero)
     */
    int run(List<String> words, PrintStream out) throws Exception;
}
