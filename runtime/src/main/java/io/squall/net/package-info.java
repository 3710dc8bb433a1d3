/**
 * Non-blocking TCP on the {@link io.squall.IOLoop}: Tornado's {@code tornado.iostream},
 * {@code tornado.tcpserver} and {@code tornado.tcpclient}.
 *
 * <ul>
 *   <li>{@link io.squall.net.IOStream}: a buffered stream over a {@link java.nio.channels.SocketChannel}
 *       whose reads and writes return {@link io.squall.Future}s; one read at a time, writes queued in
 *       order, a bounded read buffer, and {@link io.squall.net.StreamClosedException} (carrying the real
 *       cause) for whatever was pending when it closed.</li>
 *   <li>{@link io.squall.net.TCPServer}: subclass it and implement
 *       {@link io.squall.net.TCPServer#handleStream}; {@code listen} serves on the current thread's loop,
 *       {@code bind} + {@code start(n)} on n loops of their own.</li>
 *   <li>{@link io.squall.net.TCPClient}: {@code connect(host, port[, timeout])} to a future of an
 *       {@code IOStream}.</li>
 * </ul>
 *
 * <p>Everything here runs on loop threads and is written with futures and callbacks, so it works with or
 * without the Squall agent; with the agent, {@code await} on these futures reads like blocking code.
 * For more than one machine, run several such processes behind a TCP load balancer.
 */
package io.squall.net;
