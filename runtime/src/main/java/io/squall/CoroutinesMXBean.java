package io.squall;

/**
 * The platform MXBean {@code io.squall:type=Coroutines}: the coroutine dump of the whole JVM, for jconsole,
 * VisualVM or any JMX client (operation {@code dump}). Registered in the platform MBean server, on a
 * background thread, when the first {@link IOLoop} is created; {@code -Dio.squall.jmx=false} prevents it.
 */
public interface CoroutinesMXBean {

    /** The bean's object name. */
    String OBJECT_NAME = "io.squall:type=Coroutines";

    /**
     * Dumps every suspended coroutine of the JVM ({@link CoroutineDump#all()}), as text.
     *
     * @return the dump
     */
    String dump();

    /**
     * Counts the coroutines suspended on the JVM's open loops now (read without the loops' cooperation).
     *
     * @return the count
     */
    int getSuspendedCount();

    /**
     * Counts the JVM's open loops.
     *
     * @return the count
     */
    int getLoopCount();
}
