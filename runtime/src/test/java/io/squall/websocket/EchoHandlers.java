package io.squall.websocket;

import java.util.List;
import java.util.Queue;

import io.squall.Future;

/** Handlers the WebSocket tests route to. */
final class EchoHandlers {
    private EchoHandlers() {}

    /**
     * Echoes text and binary messages (waiting for each echo to flush before the next message); "close:C:R"
     * closes with code C and reason R. Records "code:reason" of each close in {@code closes}.
     */
    static class Echo extends WebSocketHandler {
        private final Queue<String> closes;

        Echo(Queue<String> closes) {
            this.closes = closes;
        }

        @Override
        public Future<?> onMessage(String message) {
            if (message.startsWith("close:")) {
                String[] p = message.split(":", 3);
                close(Integer.parseInt(p[1]), p[2]);
                return null;
            }
            return writeMessage(message);
        }

        @Override
        public Future<?> onMessage(byte[] message) {
            return writeMessage(message);
        }

        @Override
        protected String selectSubprotocol(List<String> subprotocols) {
            return subprotocols.contains("chat.v2") ? "chat.v2" : null;
        }

        @Override
        public void onClose() {
            if (closes != null) {
                closes.add(closeCode() + ":" + closeReason());
            }
        }
    }

    /** {@link Echo} with permessage-deflate. */
    static class DeflateEcho extends Echo {
        DeflateEcho(Queue<String> closes) {
            super(closes);
        }

        @Override
        protected CompressionOptions compressionOptions() {
            return new CompressionOptions();
        }
    }

    /** {@link Echo} accepting messages of at most 1024 bytes. */
    static final class SmallEcho extends Echo {
        SmallEcho(Queue<String> closes) {
            super(closes);
        }

        @Override
        protected int maxMessageSize() {
            return 1024;
        }
    }
}
