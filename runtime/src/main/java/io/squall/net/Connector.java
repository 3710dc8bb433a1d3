package io.squall.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.Timeout;
import io.squall.internal.LoopCloseHook;

/**
 * One {@link TCPClient#connect} attempt: resolve, then a non-blocking connect to each address in turn
 * (registered for WRITE, which on a connecting channel means "the connect can be finished"), under an
 * optional timeout. Runs on one loop. If the loop is closed while the connect is in flight, the attempt is
 * cancelled and its socket closed ({@link LoopCloseHook}).
 */
final class Connector implements IOLoop.IOHandler, LoopCloseHook {

    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final IOLoop loop;
    private final String host;
    private final int port;
    private final Duration timeout;
    private final int maxBufferSize;
    private final Future<IOStream> result = new Future<>();

    private InetAddress[] addresses;
    private int next;
    private SocketChannel channel;
    /** True while the channel is registered with the loop (through {@link #relay}). */
    private boolean registered;
    private HandlerRelay relay;
    private Timeout timer;

    Connector(IOLoop loop, String host, int port, Duration timeout, int maxBufferSize) {
        this.loop = loop;
        this.host = host;
        this.port = port;
        this.timeout = timeout;
        this.maxBufferSize = maxBufferSize;
    }

    Future<IOStream> start() {
        if (timeout != null) {
            timer = loop.callLater(timeout, this::onTimeout);
        }
        if (isLiteral(host)) {
            try {
                // no lookup happens for a literal
                addresses = InetAddress.getAllByName(host);
            } catch (UnknownHostException e) {
                fail(unknownHost(e));
                return result;
            }
            connectNext(null);
        } else {
            loop.runInExecutor(null, () -> InetAddress.getAllByName(host)).addDoneCallback(f -> {
                if (result.isDone()) {
                    return;
                }
                Throwable t = f.exception();
                if (t != null) {
                    fail(t instanceof UnknownHostException ? unknownHost((UnknownHostException) t) : t);
                    return;
                }
                addresses = f.result();
                connectNext(null);
            });
        }
        return result;
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4_LITERAL.matcher(host).matches();
    }

    private void connectNext(IOException previous) {
        if (result.isDone()) {
            return;
        }
        if (next >= addresses.length) {
            fail(connectFailure(previous));
            return;
        }
        InetSocketAddress target = new InetSocketAddress(addresses[next++], port);
        try {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            if (channel.connect(target)) {
                connected();
                return;
            }
            relay = new HandlerRelay(this);
            loop.addHandler(channel, relay, IOLoop.WRITE);
            registered = true;
        } catch (IOException e) {
            closeChannel();
            connectNext(e);
        } catch (RuntimeException e) {
            closeChannel();
            fail(e);
        }
    }

    /** The connecting channel is ready: finish the connect. */
    @Override
    public void handle(java.nio.channels.SelectableChannel ch, int readyOps) {
        finishConnect();
    }

    /** The loop is closing: the attempt is cancelled and its socket closed. */
    @Override
    public void cancelOnClose() {
        loop.removeTimeout(timer);
        closeChannel();
        result.cancel();
    }

    private void finishConnect() {
        if (result.isDone()) {
            closeChannel(); // cancelled by the caller
            return;
        }
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            closeChannel();
            connectNext(e);
            return;
        }
        // keep the registration for the stream (see HandlerRelay), paused until the stream says what it wants
        loop.updateHandler(channel, 0);
        connected();
    }

    private void connected() {
        if (result.isDone()) {
            closeChannel();
            return;
        }
        loop.removeTimeout(timer);
        IOStream stream;
        try {
            stream = new IOStream(channel, loop, maxBufferSize);
        } catch (RuntimeException e) {
            closeChannel();
            fail(e);
            return;
        }
        if (registered) {
            stream.adoptRegistration(relay);
            registered = false;
        }
        channel = null;
        if (!result.trySetResult(stream)) {
            stream.close();
        }
    }

    private void onTimeout() {
        fail(new TimeoutException("TCPClient: connecting to " + host + ":" + port + " timed out after "
                + timeout.toMillis() + " ms"));
    }

    /** Fails the attempt (unless it is already done, say cancelled) and releases the channel. */
    private void fail(Throwable t) {
        loop.removeTimeout(timer);
        closeChannel();
        result.trySetException(t);
    }

    private void closeChannel() {
        SocketChannel ch = channel;
        channel = null;
        if (ch == null) {
            return;
        }
        if (registered) {
            registered = false;
            loop.removeHandler(ch);
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private ConnectException connectFailure(IOException cause) {
        String why = cause == null ? "no address" : cause.getMessage() == null ? cause.toString() : cause.getMessage();
        ConnectException e = new ConnectException("TCPClient: cannot connect to " + host + ":" + port + ": " + why
                + (addresses.length > 1 ? " (tried " + addresses.length + " addresses)" : "")
                + "; is a server listening there?");
        e.initCause(cause);
        return e;
    }

    private UnknownHostException unknownHost(UnknownHostException cause) {
        UnknownHostException e = new UnknownHostException("TCPClient: cannot resolve host '" + host
                + "' (connecting to " + host + ":" + port + "): " + cause.getMessage());
        e.initCause(cause);
        return e;
    }
}
