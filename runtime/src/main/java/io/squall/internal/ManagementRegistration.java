package io.squall.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import io.squall.CoroutineDump;
import io.squall.CoroutinesMXBean;

/**
 * Registers the {@link CoroutinesMXBean} in the platform MBean server once, lazily: when the first loop is
 * created, on a short-lived daemon thread so that no loop waits for JMX to start. {@code -Dio.squall.jmx=false}
 * turns it off; a JVM without {@code java.management} simply has no bean.
 */
public final class ManagementRegistration {

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile boolean registered;

    private ManagementRegistration() {
        throw new AssertionError("no instances");
    }

    /** Starts the registration unless it was started already or is turned off. Any thread. */
    static void ensureRegistered() {
        if (STARTED.get() || !STARTED.compareAndSet(false, true)
                || "false".equalsIgnoreCase(System.getProperty("io.squall.jmx"))) {
            return;
        }
        Thread t = new Thread(ManagementRegistration::register, "squall-mxbean-registration");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Registers the bean now, on the calling thread, if it is not registered yet (tests and tools that want
     * it at once). Idempotent.
     *
     * @return true if the bean is registered
     */
    public static synchronized boolean register() {
        if (registered) {
            return true;
        }
        try {
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            javax.management.ObjectName name = new javax.management.ObjectName(CoroutinesMXBean.OBJECT_NAME);
            if (!server.isRegistered(name)) {
                server.registerMBean(new Bean(), name);
            }
            registered = true;
        } catch (javax.management.InstanceAlreadyExistsException e) {
            registered = true;
        } catch (Exception | LinkageError e) {
            Log.debug("Squall: the coroutine MXBean " + CoroutinesMXBean.OBJECT_NAME + " could not be registered: " + e);
        }
        return registered;
    }

    /** The bean. */
    private static final class Bean implements CoroutinesMXBean {
        @Override
        public String dump() {
            return CoroutineDump.all().toString();
        }

        @Override
        public int getSuspendedCount() {
            int n = 0;
            for (SuspendedCoroutines s : SuspendedCoroutines.all()) {
                n += s.snapshot().size();
            }
            return n;
        }

        @Override
        public int getLoopCount() {
            return SuspendedCoroutines.all().size();
        }
    }
}
