package io.squall.net;

import java.nio.channels.SelectableChannel;

import io.squall.IOLoop;
import io.squall.internal.LoopCloseHook;

/**
 * The handler registered for a channel whose owner changes while it stays registered: {@link Connector}
 * registers the connecting channel with a relay, and the {@link IOStream} made from it takes the relay over.
 * Removing the registration and adding a new one instead would leave a cancelled key that the loop must
 * flush with an extra {@code selectNow()} (which also handles every other ready channel) before the
 * channel can be registered again. Used on the loop thread only. {@link IOLoop#close()} reaches the owner
 * through it (see {@link LoopCloseHook}).
 */
final class HandlerRelay implements IOLoop.IOHandler, LoopCloseHook {

    private IOLoop.IOHandler target;

    HandlerRelay(IOLoop.IOHandler target) {
        this.target = target;
    }

    /** Sends later readiness events to {@code newTarget}. */
    void retarget(IOLoop.IOHandler newTarget) {
        target = newTarget;
    }

    @Override
    public void handle(SelectableChannel ch, int readyOps) {
        target.handle(ch, readyOps);
    }

    @Override
    public void cancelOnClose() {
        if (target instanceof LoopCloseHook) {
            ((LoopCloseHook) target).cancelOnClose();
        }
    }

    @Override
    public void closeWithLoop() {
        if (target instanceof LoopCloseHook) {
            ((LoopCloseHook) target).closeWithLoop();
        }
    }
}
