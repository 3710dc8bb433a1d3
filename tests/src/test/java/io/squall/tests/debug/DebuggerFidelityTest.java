package io.squall.tests.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.sun.jdi.Location;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.event.LocatableEvent;
import com.sun.jdi.request.StepRequest;

/**
 * What a debugger sees of a rewritten coroutine, checked with JDI against a real debuggee JVM
 * ({@link DebugTarget} with {@code -javaagent}): locals by name after resumes, including a parameter dead
 * after the first await (its real value, or out of scope with {@code io.squall.agent.locals=live}, never a
 * made-up 0); frames with the user's lines and no duplicates; step into a coroutine call and line steps in
 * its first run; and a step over an await that suspends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DebuggerFidelityTest {

    private static final String TARGET = DebugTarget.class.getName();

    static final int FIRST = Debuggee.lineOf("FIRST");
    static final int AWAIT_1 = Debuggee.lineOf("AWAIT-1");
    static final int BREAK_1 = Debuggee.lineOf("BREAK-1");
    static final int AWAIT_2 = Debuggee.lineOf("AWAIT-2");
    static final int AFTER_2 = Debuggee.lineOf("AFTER-2");
    static final int CRAWL = Debuggee.lineOf("CRAWL");

    /**
     * Under a debugger (JDWP loaded, so the agent saves every named local in scope) a resumed frame shows
     * every parameter and local with its value, the one not read after the first await included; the
     * frames of the debuggee's class carry lines, once each, with no resume bridge under the coroutine (under
     * JDWP the agent keeps the coroutine in the user's method and resumes it through a handle:
     * {@code io.squall.agent.resume=inline}; {@code direct}, a body and an entry resumed through a handle to
     * the body, must show the same). JDWP ends a line step when its frame returns, and a suspension is a
     * return: a step over an await that suspends therefore ends in the loop's code, on a line (jdb's default
     * exclusions skip the {@code java.lang.invoke} frames), never in a generated method; the next stop in the
     * method, after the loop resumes it, is on the next user line with every local intact.
     *
     * @param options the debuggee's JVM options: the default mode, or the body-and-entry one
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "-Dio.squall.agent.resume=direct"})
    void resumedFrameShowsEveryLocalAndStepOverASuspendingAwaitEndsInTheLoopNotInGeneratedCode(String options)
            throws Exception {
        try (Debuggee d = Debuggee.launch(options, BREAK_1, AWAIT_2, AFTER_2)) {
            LocatableEvent hit = d.next();
            ThreadReference thread = hit.thread();
            assertAt(hit.location(), "compute", BREAK_1);
            StackFrame top = thread.frame(0);
            assertEquals(4, Debuggee.local(top, "n"), "parameter n, not read after the first await");
            assertEquals("x", Debuggee.local(top, "name"));
            assertEquals(8, Debuggee.local(top, "a"));
            assertNull(Debuggee.local(top, "b"), "b is not declared yet");
            assertFramesCarryUserLines(thread);

            hit = d.resumeToBreakpoint();
            assertAt(hit.location(), "compute", AWAIT_2);
            top = hit.thread().frame(0);
            assertEquals(4, Debuggee.local(top, "n"));
            assertEquals(8, Debuggee.local(top, "a"), "a, dead once b is computed");
            assertEquals(9, Debuggee.local(top, "b"));
            assertEquals("x9", Debuggee.local(top, "s"));

            Location stepped = d.step(hit.thread(), StepRequest.STEP_OVER);
            assertFalse(stepped.declaringType().name().equals(TARGET),
                    "a step over a suspending await after a resume leaves the user's class (no generated frame"
                            + " under the resumed body): " + Debuggee.describe(stepped));
            assertTrue(stepped.declaringType().name().startsWith("io.squall.") && stepped.lineNumber() > 0,
                    "it ends on a line of the loop's code: " + Debuggee.describe(stepped));

            hit = d.resumeToBreakpoint();
            assertAt(hit.location(), "compute", AFTER_2);
            top = hit.thread().frame(0);
            assertEquals(4, Debuggee.local(top, "n"));
            assertEquals(8, Debuggee.local(top, "a"));
            assertEquals(9, Debuggee.local(top, "b"));
            assertEquals("x9", Debuggee.local(top, "s"));
            assertFramesCarryUserLines(hit.thread());
            assertTrue(d.finish().contains("result 11"), d.output());
        }
    }

    /**
     * Without a debugger's policy ({@code io.squall.agent.locals=live}) a dead local is not saved: the
     * debugger must then not see it at all after the resume, rather than a 0 the program never had.
     */
    @Test
    void liveModeHidesADeadParameterInsteadOfShowingZero() throws Exception {
        try (Debuggee d = Debuggee.launch("-Dio.squall.agent.locals=live", BREAK_1, AFTER_2)) {
            LocatableEvent hit = d.next();
            assertAt(hit.location(), "compute", BREAK_1);
            StackFrame top = hit.thread().frame(0);
            assertNull(Debuggee.local(top, "n"), "n is dead here: out of scope, not 0");
            assertEquals("x", Debuggee.local(top, "name"));
            assertEquals(8, Debuggee.local(top, "a"));

            hit = d.resumeToBreakpoint();
            assertAt(hit.location(), "compute", AFTER_2);
            top = hit.thread().frame(0);
            assertNull(Debuggee.local(top, "n"));
            assertNull(Debuggee.local(top, "a"), "a is dead after b = a + 1");
            assertEquals(9, Debuggee.local(top, "b"));
            assertEquals("x9", Debuggee.local(top, "s"));
            assertTrue(d.finish().contains("result 11"), d.output());
        }
    }

    /**
     * A step into a coroutine call stops on the coroutine's first line, in the user's own method (under a
     * debugger the agent keeps the coroutine there: no entry, no synthetic body, the declared parameters),
     * with its caller right under it; line steps then walk that first run; a step over the first await,
     * which suspends, returns to the caller's await line, as any method's return does (never the coroutine's
     * first line again, which read as a restart, and no frame without a line).
     */
    @Test
    void stepIntoACoroutineLandsOnItsFirstLineAndStepsWalkItsFirstRun() throws Exception {
        try (Debuggee d = Debuggee.launch("", CRAWL)) {
            LocatableEvent hit = d.next();
            ThreadReference thread = hit.thread();
            assertAt(hit.location(), "crawl", CRAWL);

            Location in = d.step(thread, StepRequest.STEP_INTO);
            assertAt(in, "compute", FIRST);
            assertEquals(4, Debuggee.local(thread.frame(0), "n"));
            assertEquals("x", Debuggee.local(thread.frame(0), "name"));
            assertFalse(in.method().isSynthetic(), Debuggee.describe(in));
            assertEquals(List.of("int", "java.lang.String"), in.method().argumentTypeNames());
            assertEquals(TARGET + ".crawl:" + CRAWL, Debuggee.describe(thread).get(1), "the caller right under it");
            assertFramesCarryUserLines(thread);

            assertAt(d.step(thread, StepRequest.STEP_OVER), "compute", AWAIT_1);
            assertEquals(8, Debuggee.local(thread.frame(0), "a"));

            assertAt(d.step(thread, StepRequest.STEP_OVER), "crawl", CRAWL);
            assertTrue(d.finish().contains("result 11"), d.output());
        }
    }

    /**
     * jdb's {@code exclude} with Squall's runtime added (a user writes {@code io.squall.*}; this debuggee lives
     * in {@code io.squall.tests}, so its runtime classes are named one by one): a step into ({@code step}) over
     * an await that suspends goes on through the loop's code and stops in the next user code the loop thread
     * runs, here the resumed coroutine. It stops as the resumed body starts, before the restore, which JDWP
     * shows at the method's first line (the same instruction a step into the first run stops at); one more
     * step reaches the await it resumed at, with every local restored, and the next one the following line.
     */
    @Test
    void aStepIntoWithTheRuntimeExcludedFollowsTheCoroutineIntoItsResume() throws Exception {
        List<String> runtime = List.of("io.squall.internal.*", "io.squall.IOLoop*", "io.squall.Gen*",
                "io.squall.Future*", "io.squall.Loop*", "io.squall.Async*", "io.squall.Slow*");
        try (Debuggee d = Debuggee.launch("", AWAIT_2)) {
            LocatableEvent hit = d.next();
            ThreadReference thread = hit.thread();
            assertAt(hit.location(), "compute", AWAIT_2);

            Location resumed = d.step(thread, StepRequest.STEP_INTO, runtime);
            assertEquals(TARGET + ".compute", resumed.declaringType().name() + "." + resumed.method().name(),
                    "the step follows the coroutine into its resume: " + Debuggee.describe(resumed));
            assertTrue(resumed.lineNumber() > 0, Debuggee.describe(resumed));
            String below = Debuggee.describe(thread).get(1);
            assertTrue(below.startsWith("java.lang.invoke."), "a resumed frame, called by the loop through a"
                    + " handle (no generated frame): " + Debuggee.describe(thread));

            assertAt(d.step(thread, StepRequest.STEP_INTO, runtime), "compute", AWAIT_2);
            StackFrame top = thread.frame(0);
            assertEquals(9, Debuggee.local(top, "b"));
            assertEquals("x9", Debuggee.local(top, "s"));
            assertAt(d.step(thread, StepRequest.STEP_OVER, runtime), "compute", AFTER_2);
            assertEquals(4, Debuggee.local(thread.frame(0), "n"));
            assertTrue(d.finish().contains("result 11"), d.output());
        }
    }

    private static void assertAt(Location l, String method, int line) {
        assertEquals(TARGET + "." + method + ":" + line, Debuggee.describe(l));
    }

    /** After a resume: frames of DebugTarget have a line (no bridge), and no frame repeats the one above it. */
    private static void assertFramesCarryUserLines(ThreadReference thread) throws Exception {
        List<String> frames = Debuggee.describe(thread);
        String previous = null;
        for (String f : frames) {
            if (f.startsWith(TARGET + ".")) {
                assertFalse(f.endsWith(":-1"), "a frame of the user's class without a line: " + frames);
            }
            assertFalse(f.equals(previous), "a duplicate frame " + f + ": " + frames);
            previous = f;
        }
    }
}
