package io.squall.agent;

import java.util.List;
import java.util.Locale;

/**
 * Which locals a suspension saves beyond the live ones: the {@code io.squall.agent.locals} system property,
 * {@code all} (every local a LocalVariableTable names in scope at the await, dead or not, so a debugger
 * shows its real value after a resume) or {@code live} (only what the code still reads; the table's ranges
 * then end where a dead local's value could no longer be restored, so a debugger shows it as out of scope
 * instead of a made-up default). Unset, it is {@code all} when this JVM runs a JDWP agent
 * ({@code -agentlib:jdwp}, {@code -Xrunjdwp}) and {@code live} otherwise, so production pays nothing and
 * keeps nothing dead reachable.
 */
final class LocalsPolicy {

    /** The system property choosing the policy. */
    static final String PROPERTY = "io.squall.agent.locals";

    private static volatile Boolean underDebugger;

    private LocalsPolicy() {
        throw new AssertionError("no instances");
    }

    /**
     * Returns whether suspensions save every named local in scope. The property is read at each rewrite;
     * whether a JDWP agent runs is found once.
     *
     * @return true for {@code all}, false for {@code live}
     */
    static boolean keepAll() {
        String value = System.getProperty(PROPERTY);
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("all")) {
                return true;
            }
            if (v.equals("live")) {
                return false;
            }
            warnOnce(value);
        }
        Boolean d = underDebugger;
        if (d == null) {
            d = debuggerAgentLoaded();
            underDebugger = d;
        }
        return d;
    }

    private static volatile boolean warned;

    private static void warnOnce(String value) {
        if (!warned) {
            warned = true;
            AgentLog.warning(PROPERTY + "=" + value + " is neither 'all' nor 'live'; using the default (all when"
                    + " a JDWP agent runs, live otherwise)");
        }
    }

    /** @return whether the JVM was started with a JDWP agent (a debugger may attach) */
    static boolean debuggerAgentLoaded() {
        try {
            List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
            for (String a : args) {
                if (a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp")
                        || (a.startsWith("-agentpath:") && a.contains("jdwp"))) {
                    return true;
                }
            }
        } catch (LinkageError | RuntimeException e) {
            // a runtime image without java.management: nothing to ask, assume no debugger
        }
        return false;
    }
}
