package io.squall.agent;

import java.util.Locale;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

/**
 * How a coroutine is laid out and how a continuation re-enters it: the {@code io.squall.agent.resume} system
 * property.
 * <ul>
 *   <li>{@code bridge}: the user's code moves to a private synthetic body with one more parameter; the
 *       original method becomes an entry calling it; a static synthetic {@code name$N$squall$resume} bridge
 *       re-enters the body (a direct call: the fastest).</li>
 *   <li>{@code direct}: the same body and entry, but the continuation re-enters the body through a dynamic
 *       constant ({@code io.squall.internal.DirectResume#resume}), so only hidden {@code java.lang.invoke}
 *       frames sit between the loop and a resumed body.</li>
 *   <li>{@code inline}: no body and no entry: the user's method itself is the state machine, with its own
 *       name, descriptor and lines; a resume calls it through a dynamic constant
 *       ({@code DirectResume#resumeInline}) that hands it the continuation through a thread-local slot read
 *       by its first instruction. A debugger sees exactly the user's method in the first run and after
 *       every resume: no frame without lines, no duplicate frame, and a step over an {@code await} that
 *       suspends in the first run returns to the caller's line. It costs a thread-local read per call, so
 *       it is the default only under a debugger.</li>
 * </ul>
 * Unset, the mode is {@code inline} when this JVM runs a JDWP agent and rewrites classes as they load (the
 * agent is installed), and {@code bridge} otherwise (build-time weaving under a debugger included: woven classes
 * run later, most likely without one). Dynamic
 * constants need class files of Java 11 or later; older ones always get {@code bridge}.
 */
enum ResumeMode {
    /** Entry, body and a static bridge. */
    BRIDGE,
    /** Entry and body; resumed through a handle to the body. */
    DIRECT,
    /** One method, the user's own; resumed through a handle to it. */
    INLINE;

    /** The system property choosing the mode. */
    static final String PROPERTY = "io.squall.agent.resume";

    private static volatile Boolean underDebugger;

    /**
     * Returns how the coroutines of {@code owner} are laid out and resumed. The property is read at each
     * rewrite; whether a JDWP agent runs is found once.
     *
     * @param owner the class being rewritten
     * @return the mode
     */
    static ResumeMode of(ClassNode owner) {
        if ((owner.version & 0xFFFF) < Opcodes.V11) {
            return BRIDGE;
        }
        String value = System.getProperty(PROPERTY);
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (ResumeMode m : values()) {
                if (v.equals(m.name().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
        }
        if (!SquallAgent.isInstalled()) {
            return BRIDGE; // build-time weaving: the classes run later, most likely without a debugger
        }
        Boolean d = underDebugger;
        if (d == null) {
            d = LocalsPolicy.debuggerAgentLoaded();
            underDebugger = d;
        }
        return d ? INLINE : BRIDGE;
    }
}
