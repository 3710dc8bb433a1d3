/**
 * WebSocket (RFC 6455) with permessage-deflate (RFC 7692): {@link io.squall.websocket.WebSocketHandler}
 * for servers routed by an {@link io.squall.http.Application}, and {@link io.squall.websocket.WebSocket#connect}
 * for clients. Tornado's {@code tornado.websocket}.
 */
package io.squall.websocket;
