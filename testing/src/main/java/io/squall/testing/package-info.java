/**
 * squall-testing: tornado.testing for JUnit 5.
 *
 * <ul>
 *   <li>{@link io.squall.testing.SquallTest}: a test on a fresh IOLoop; coroutine test methods; a timeout that
 *       names the {@code await} where the coroutine is stuck; optional virtual time
 *       ({@link io.squall.testing.VirtualClock}); unexpected warnings and never-retrieved Future exceptions
 *       fail the test.</li>
 *   <li>{@link io.squall.testing.ExpectLog}: assert that a block logs a record, and keep it quiet.</li>
 *   <li>{@link io.squall.testing.Ports} and {@link io.squall.testing.HTTPTestServer}: free loopback ports and
 *       an Application on one of them with a client.</li>
 * </ul>
 *
 * <p>Add {@code io.squall:squall-testing} with test scope: it installs the Squall agent itself.
 */
package io.squall.testing;
