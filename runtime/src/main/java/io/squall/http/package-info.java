/**
 * HTTP/1.1 on the {@link io.squall.IOLoop}: Tornado's {@code tornado.httpserver}, {@code tornado.web} and
 * {@code tornado.httpclient}.
 *
 * <pre>{@code
 * public class MainHandler extends RequestHandler {
 *     @Coroutine
 *     public Future<?> get(String... args) {
 *         HTTPResponse r = await(AsyncHTTPClient.shared().fetch("http://127.0.0.1:9000/data"));
 *         write(Map.of("upstream", r.code(), "length", r.body().length));
 *         return null;                       // finish() is called for you
 *     }
 * }
 *
 * new Application().addHandler("/", MainHandler.class).listen(8888);
 * IOLoop.current().start();
 * }</pre>
 *
 * <ul>
 *   <li>{@link io.squall.http.HTTPServer}: a {@link io.squall.net.TCPServer} speaking HTTP/1.0 and 1.1
 *       (keep-alive, pipelining answered in order, chunked bodies both ways, {@code Expect: 100-continue},
 *       HEAD), with an incremental byte-level parser, size limits (request line, headers, body) and idle,
 *       header and body timeouts. Bad input is answered with 400, 413, 414, 431 or 505 and that connection
 *       closed. Requests go to a {@link io.squall.http.RequestCallback}, which answers through
 *       {@link io.squall.http.HTTPConnection}.</li>
 *   <li>{@link io.squall.http.Application} and {@link io.squall.http.RequestHandler}: regex routes
 *       (whole-path match, groups as arguments), one handler instance per request, buffered output,
 *       JSON, arguments from the query string and urlencoded forms, 404/405/500 pages, and
 *       {@link io.squall.http.HTTPError} for any other status.</li>
 *   <li>{@link io.squall.http.AsyncHTTPClient}: {@code fetch(url or HTTPRequest)} to a future of an
 *       {@link io.squall.http.HTTPResponse}, with connect and request timeouts, pooled keep-alive
 *       connections per host:port, redirects, and {@link io.squall.http.HTTPClientError} for failures.</li>
 * </ul>
 *
 * <p>Runtime code here uses futures and callbacks only, so it works without the Squall agent; handler
 * methods and request callbacks may be {@code @Coroutine}s. Not supported: HTTPS (put a TLS-terminating
 * proxy in front), HTTP/2, compression, multipart forms, cookies helpers, streaming request bodies to a
 * handler (bodies are buffered up to {@link io.squall.http.HTTPServer#maxBodySize(long)}).
 */
package io.squall.http;
