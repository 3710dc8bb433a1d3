package io.squall;

import java.util.List;

/**
 * Tells whether this JVM was started with a JDWP agent, so a debugger may pause threads at any time. The
 * agent module makes the same check for its locals policy; the runtime cannot depend on the agent.
 */
final class DebuggerAgent {

    private DebuggerAgent() {
        throw new AssertionError("no instances");
    }

    /** @return true if the JVM's arguments load JDWP ({@code -agentlib:jdwp}, {@code -Xrunjdwp}, an agent path) */
    static boolean loaded() {
        try {
            List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
            for (String a : args) {
                if (a.startsWith("-agentlib:jdwp") || a.startsWith("-Xrunjdwp")
                        || (a.startsWith("-agentpath:") && a.contains("jdwp"))) {
                    return true;
                }
            }
        } catch (LinkageError | RuntimeException e) {
            // a runtime image without java.management: assume no debugger
        }
        return false;
    }
}
