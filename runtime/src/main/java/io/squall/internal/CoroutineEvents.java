package io.squall.internal;

import io.squall.Future;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JDK Flight Recorder events of coroutines: {@code io.squall.Suspend} when a coroutine suspends at an
 * {@code await} of a pending future, {@code io.squall.Resume} when it resumes (with how long it waited).
 * Both are disabled by default, even in a running recording (one per await would flood it); enable them by
 * name, e.g. {@code jcmd <pid> JFR.start settings=default +io.squall.Suspend#enabled=true} (JDK 17+:
 * a {@code .jfc} file or {@code Recording.enable("io.squall.Suspend")}). Until Flight Recorder is started in
 * this JVM a suspension pays one volatile read ({@link FlightRecorder#isInitialized()}) and the event classes
 * are not even loaded; afterwards, while no recording enables them, one more check that the JIT reduces to a
 * constant test.
 *
 * <p>{@code -Dio.squall.jfr=false} removes even that check (and never loads these classes).
 */
public final class CoroutineEvents {

    /** False when {@code -Dio.squall.jfr=false} or the JVM has no {@code jdk.jfr} module. */
    static final boolean ON = available();

    private CoroutineEvents() {
        throw new AssertionError("no instances");
    }

    private static boolean available() {
        if ("false".equalsIgnoreCase(System.getProperty("io.squall.jfr"))) {
            return false;
        }
        try {
            Class.forName("jdk.jfr.Event", false, CoroutineEvents.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** A coroutine suspended at an await. */
    @Name("io.squall.Suspend")
    @Label("Coroutine Suspend")
    @Category({"Squall", "Coroutines"})
    @Description("A coroutine suspended at an await of a pending future")
    @Enabled(false)
    @StackTrace(false)
    static final class Suspend extends Event {
        @Label("Coroutine")
        String coroutine;
        @Label("Await Site")
        String site;
        @Label("Awaiting")
        String awaiting;
    }

    /** A coroutine resumed after an await. */
    @Name("io.squall.Resume")
    @Label("Coroutine Resume")
    @Category({"Squall", "Coroutines"})
    @Description("A suspended coroutine resumed on its loop")
    @Enabled(false)
    @StackTrace(false)
    static final class Resume extends Event {
        @Label("Coroutine")
        String coroutine;
        @Label("Await Site")
        String site;
        @Label("Waited")
        @Timespan(Timespan.NANOSECONDS)
        long waited;
    }

    /** Loop thread, at a suspension; {@code c} is linked, its site and start recorded. */
    static void suspended(Continuation c, Future<?> awaited) {
        if (!FlightRecorder.isInitialized()) {
            return; // no recording was ever started: do not even load the event classes (JFR's set-up is slow)
        }
        Suspend e = new Suspend();
        if (e.isEnabled()) {
            StackTraceElement site = AwaitSites.siteOf(c);
            e.coroutine = site == null ? "unknown coroutine" : site.getClassName() + "." + site.getMethodName();
            e.site = site == null ? null : AwaitSites.where(site);
            e.awaiting = awaited.describe();
            e.commit();
        }
    }

    /** Loop thread, as a resumption starts. */
    static void resumed(Continuation c) {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        Resume e = new Resume();
        if (e.isEnabled()) {
            StackTraceElement site = AwaitSites.siteOf(c);
            e.coroutine = site == null ? "unknown coroutine" : site.getClassName() + "." + site.getMethodName();
            e.site = site == null ? null : AwaitSites.where(site);
            e.waited = c.waited().toNanos();
            e.commit();
        }
    }
}
