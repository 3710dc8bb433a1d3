package io.squall.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JUnit 5 test that runs on a fresh {@link io.squall.IOLoop} made for it: Tornado's {@code gen_test}.
 *
 * <pre>
 *   &#64;SquallTest
 *   Future&lt;Void&gt; echoes() {
 *       HTTPResponse r = await(server.fetch("/echo?x=1"));
 *       assertEquals("1", r.bodyAsString());
 *       return null;
 *   }
 * </pre>
 *
 * <p>A method returning {@code io.squall.Future}, {@code CompletionStage} or {@code CompletableFuture} is a
 * coroutine (no {@code @Coroutine} needed): the test runs the loop until its future is done and fails with
 * the coroutine's own exception. If it is not done after {@link #timeoutMillis()} (real time), the test
 * fails with a message naming where the coroutine is suspended: the class, method, file and line of each
 * {@code await} down the chain of coroutines awaiting coroutines. A {@code void} method runs on the test
 * thread with the fresh loop current (not running): it may call {@code IOLoop.current().runSync(...)}.
 *
 * <p>Around every {@code @SquallTest}: the Squall agent is installed if it is not yet (no
 * {@code -javaagent} needed); {@code @BeforeEach}/{@code @AfterEach} methods see the test's loop as
 * {@code IOLoop.current()}; parameters of type {@link io.squall.IOLoop} and {@link VirtualClock} are
 * injected; after the test the loop is closed, a garbage collection is forced so that a failed Future nobody
 * looked at is reported ("Future exception was never retrieved"), and any record of level WARNING or above
 * logged through java.util.logging during the test, and not matched by an {@link ExpectLog}, fails it
 * (turn off with {@link #failOnUnexpectedLogs()}); slow-step warnings ({@link io.squall.SlowStepDetector})
 * are not counted, since they depend on the machine's load.
 *
 * <p>With {@link #virtualTime()}, timers ({@code callLater}, {@code Gen.sleep}, {@code Gen.withTimeout},
 * the timeouts of io.squall.sync) fire as soon as the loop is idle, so a test of a 30 s timeout takes
 * milliseconds; see {@link VirtualClock} for what "idle" means when sockets are open.
 *
 * <p>Coroutine test methods need the agent to have rewritten their class (it gives each a {@code void}
 * stand-in, the method JUnit sees; the Future-returning original is renamed {@code name$squall$test}). The kit
 * installs the agent from a JUnit {@code LauncherSessionListener}, before discovery, which covers Gradle,
 * IDEs and the console launcher. Maven Surefire loads the first test class of each fork before JUnit starts;
 * the session then resolves the test classes (Surefire names them to JUnit by name) through a class loader that
 * defines them again, rewritten, so Surefire needs no {@code argLine} either. Only a late class that came from
 * a jar cannot be defined again: opening the session then fails with a message naming its tests and the fix
 * ({@code -javaagent} in Surefire's {@code argLine}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Test
@ExtendWith(SquallTestExtension.class)
public @interface SquallTest {

    /**
     * How long (real time, milliseconds) a coroutine test may run before it fails with a message naming
     * the {@code await} it is suspended at.
     *
     * @return the timeout in milliseconds; 0 or less waits for ever
     */
    long timeoutMillis() default 5000;

    /**
     * Runs the test's loop on a {@link VirtualClock}: pending timers fire as soon as the loop is idle.
     *
     * @return true for virtual time
     */
    boolean virtualTime() default false;

    /**
     * Fails the test when a record of level WARNING or above is logged during it (java.util.logging, which
     * is where Squall's {@code System.Logger} goes by default) and no {@link ExpectLog} matched it, including
     * "Future exception was never retrieved". Set false for a test that logs warnings on purpose without
     * asserting on them.
     *
     * @return true (the default) to fail on unexpected warnings and errors
     */
    boolean failOnUnexpectedLogs() default true;
}
