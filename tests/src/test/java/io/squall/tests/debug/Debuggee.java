package io.squall.tests.debug;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.Bootstrap;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Location;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.LaunchingConnector;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.LocatableEvent;
import com.sun.jdi.event.StepEvent;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.StepRequest;

/**
 * {@link DebugTarget} launched under JDI the way a debugger does it ({@code CommandLineLaunch}: a fresh JVM
 * with the JDWP agent, here also with {@code -javaagent} and the test class path), with what a debugger
 * front end needs: breakpoints on source lines, line steps, frames. One instance per debuggee JVM; not
 * thread-safe. {@link #close()} kills the debuggee.
 */
final class Debuggee implements AutoCloseable {

    /** jdb's default step exclusions. */
    static final List<String> JDB_EXCLUDES = List.of("java.*", "javax.*", "sun.*", "com.sun.*", "jdk.*");

    private static final long WAIT_MS = 20_000;

    final VirtualMachine vm;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private ReferenceType target;

    private Debuggee(VirtualMachine vm) {
        this.vm = vm;
    }

    /**
     * Launches {@link DebugTarget} suspended, sets a breakpoint on each of {@code lines} once its class is
     * loaded (and rewritten by the agent), and lets it run.
     *
     * @param jvmOptions more debuggee JVM options (system properties)
     * @param lines source lines of DebugTarget to break on
     */
    static Debuggee launch(String jvmOptions, int... lines) throws Exception {
        LaunchingConnector launcher = Bootstrap.virtualMachineManager().defaultConnector();
        Map<String, Connector.Argument> args = launcher.defaultArguments();
        args.get("main").setValue(DebugTarget.class.getName());
        args.get("options").setValue("-javaagent:" + agentJar() + " -cp " + classPath() + " " + jvmOptions);
        Debuggee d = new Debuggee(launcher.launch(args));
        d.drain(d.vm.process().getInputStream());
        d.drain(d.vm.process().getErrorStream());
        ClassPrepareRequest prepare = d.vm.eventRequestManager().createClassPrepareRequest();
        prepare.addClassFilter(DebugTarget.class.getName());
        prepare.enable();
        d.lines = lines;
        d.vm.resume();
        return d;
    }

    private int[] lines;

    /**
     * Runs the debuggee until a breakpoint or a step completes.
     *
     * @return that event (the debuggee is suspended)
     */
    LocatableEvent next() throws Exception {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            EventSet set = left > 0 ? vm.eventQueue().remove(left) : null;
            if (set == null) {
                fail("no breakpoint or step within " + WAIT_MS + " ms; debuggee output:\n" + output());
            }
            LocatableEvent found = null;
            for (Event e : set) {
                if (e instanceof ClassPrepareEvent) {
                    target = ((ClassPrepareEvent) e).referenceType();
                    for (int line : lines) {
                        List<Location> at = target.locationsOfLine(line);
                        assertTrue(!at.isEmpty(), "no code on DebugTarget line " + line);
                        for (Location l : at) {
                            BreakpointRequest bp = vm.eventRequestManager().createBreakpointRequest(l);
                            bp.setSuspendPolicy(EventRequest.SUSPEND_ALL);
                            bp.enable();
                        }
                    }
                } else if (e instanceof BreakpointEvent || e instanceof StepEvent) {
                    found = (LocatableEvent) e;
                } else if (e instanceof VMDeathEvent || e instanceof VMDisconnectEvent) {
                    fail("the debuggee ended before the expected stop; output:\n" + output());
                }
            }
            if (found != null) {
                return found;
            }
            set.resume();
        }
    }

    /**
     * Line-steps {@code thread} (over or into, with jdb's default exclusions) and runs until the step ends.
     *
     * @return where it stopped
     */
    Location step(ThreadReference thread, int depth) throws Exception {
        return step(thread, depth, List.of());
    }

    /**
     * As {@link #step(ThreadReference, int)}, with more class exclusions (jdb's {@code exclude}).
     *
     * @return where it stopped
     */
    Location step(ThreadReference thread, int depth, List<String> moreExcludes) throws Exception {
        StepRequest step = vm.eventRequestManager().createStepRequest(thread, StepRequest.STEP_LINE, depth);
        for (String exclude : JDB_EXCLUDES) {
            step.addClassExclusionFilter(exclude);
        }
        for (String exclude : moreExcludes) {
            step.addClassExclusionFilter(exclude);
        }
        step.addCountFilter(1);
        step.enable();
        vm.resume();
        LocatableEvent e = next();
        vm.eventRequestManager().deleteEventRequest(step);
        assertTrue(e instanceof StepEvent, "expected the step to end, got " + e);
        return e.location();
    }

    /** Resumes the debuggee and waits for the next breakpoint; returns its thread's top frame location. */
    LocatableEvent resumeToBreakpoint() throws Exception {
        vm.resume();
        LocatableEvent e = next();
        assertTrue(e instanceof BreakpointEvent, "expected a breakpoint, got " + e);
        return e;
    }

    /** The frames of {@code thread} as {@code Class.method:line} strings, innermost first. */
    static List<String> describe(ThreadReference thread) throws IncompatibleThreadStateException {
        return thread.frames().stream().map(f -> describe(f.location())).toList();
    }

    static String describe(Location l) {
        return l.declaringType().name() + "." + l.method().name() + ":" + l.lineNumber();
    }

    /** The top frame's visible variable {@code name}'s value, or null if it is not in scope there. */
    static Object local(StackFrame frame, String name) throws AbsentInformationException {
        var v = frame.visibleVariableByName(name);
        if (v == null) {
            return null;
        }
        var value = frame.getValue(v);
        if (value instanceof com.sun.jdi.PrimitiveValue) {
            return ((com.sun.jdi.PrimitiveValue) value).intValue();
        }
        if (value instanceof com.sun.jdi.StringReference) {
            return ((com.sun.jdi.StringReference) value).value();
        }
        return String.valueOf(value);
    }

    String output() {
        synchronized (output) {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    /** Lets the debuggee run to its end and returns its output. */
    String finish() throws Exception {
        vm.eventRequestManager().deleteAllBreakpoints();
        vm.resume();
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            EventSet set = vm.eventQueue().remove(deadline - System.currentTimeMillis());
            if (set == null) {
                break;
            }
            for (Event e : set) {
                if (e instanceof VMDeathEvent || e instanceof VMDisconnectEvent) {
                    vm.process().waitFor();
                    Thread.sleep(50); // the drainers finish the last line
                    return output();
                }
            }
            set.resume();
        }
        fail("the debuggee did not end; output:\n" + output());
        return null;
    }

    @Override
    public void close() {
        try {
            vm.exit(0);
        } catch (RuntimeException alreadyGone) {
            // VMDisconnectedException: it ended by itself
        }
        vm.process().destroyForcibly();
    }

    private void drain(InputStream in) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0;) {
                    synchronized (output) {
                        output.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the debuggee was killed
            }
        }, "debuggee-output");
        t.setDaemon(true);
        t.start();
    }

    /** The 1-based line of DebugTarget.java holding the comment {@code // marker}. */
    static int lineOf(String marker) {
        Path src = Path.of("src/test/java/io/squall/tests/debug/DebugTarget.java");
        try {
            List<String> text = Files.readAllLines(src, StandardCharsets.UTF_8);
            for (int i = 0; i < text.size(); i++) {
                if (text.get(i).endsWith("// " + marker)) {
                    return i + 1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + src.toAbsolutePath(), e);
        }
        throw new AssertionError("marker " + marker + " not in " + src.toAbsolutePath());
    }

    private static String agentJar() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-javaagent:")) {
                return arg.substring("-javaagent:".length());
            }
        }
        throw new AssertionError("the tests run with -javaagent (surefire's argLine)");
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isEmpty()) {
            cp = System.getProperty("java.class.path");
        }
        assertNotNull(cp);
        assertTrue(!cp.contains(" "), "the debuggee's class path cannot hold spaces here: " + cp);
        return cp;
    }
}
