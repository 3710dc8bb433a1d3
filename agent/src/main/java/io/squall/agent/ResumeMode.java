package io.squall.agent;

import java.util.Locale;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

/**
 * How a continuation re-enters a coroutine's body: the {@code io.squall.agent.resume} system property,
 * {@code bridge} (the class's static synthetic {@code name$N$squall$resume} method, a direct call: the
 * fastest) or {@code direct} (a dynamic constant, {@code io.squall.internal.DirectResume}, adapting a handle
 * to the body itself, so only hidden {@code java.lang.invoke} frames sit between the loop and a resumed
 * body: a debugger's line step over an await that suspends after a resume ends in the loop's code instead
 * of a generated method without lines). Unset, it is {@code direct} when this JVM runs a JDWP agent and
 * {@code bridge} otherwise. Dynamic constants need class files of Java 11 or later; older ones keep the
 * bridge.
 */
final class ResumeMode {

    /** The system property choosing the mode. */
    static final String PROPERTY = "io.squall.agent.resume";

    private static volatile Boolean underDebugger;

    private ResumeMode() {
        throw new AssertionError("no instances");
    }

    /**
     * Returns whether the coroutines of {@code owner} resume through a direct handle to their body. The
     * property is read at each rewrite; whether a JDWP agent runs is found once.
     *
     * @param owner the class being rewritten
     * @return true for {@code direct}
     */
    static boolean direct(ClassNode owner) {
        if ((owner.version & 0xFFFF) < Opcodes.V11) {
            return false;
        }
        String value = System.getProperty(PROPERTY);
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("direct")) {
                return true;
            }
            if (v.equals("bridge")) {
                return false;
            }
        }
        Boolean d = underDebugger;
        if (d == null) {
            d = LocalsPolicy.debuggerAgentLoaded();
            underDebugger = d;
        }
        return d;
    }
}
