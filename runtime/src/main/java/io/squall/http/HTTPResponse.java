package io.squall.http;

import java.time.Duration;

/**
 * A response received by {@link AsyncHTTPClient} (Tornado's {@code HTTPResponse}): status, headers, the
 * whole body, and how long the request took.
 */
public final class HTTPResponse {
    private final HTTPRequest request;
    private final int code;
    private final String reason;
    private final HTTPHeaders headers;
    private final byte[] body;
    private final Duration requestTime;
    private final String effectiveUrl;

    HTTPResponse(HTTPRequest request, int code, String reason, HTTPHeaders headers, byte[] body,
            Duration requestTime, String effectiveUrl) {
        this.request = request;
        this.code = code;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
        this.requestTime = requestTime;
        this.effectiveUrl = effectiveUrl;
    }

    /** @return the request as given to fetch */
    public HTTPRequest request() {
        return request;
    }

    /** @return the status code */
    public int code() {
        return code;
    }

    /** @return the reason phrase the server sent */
    public String reason() {
        return reason;
    }

    /** @return the response headers */
    public HTTPHeaders headers() {
        return headers;
    }

    /** @return the body bytes (empty if none); shared, not copied */
    public byte[] body() {
        return body;
    }

    /**
     * Decodes the body with the charset named in Content-Type, UTF-8 by default.
     *
     * @return the body as text
     */
    public String bodyAsString() {
        return new String(body, HTTPServerRequest.charsetOf(headers.get("Content-Type")));
    }

    /** @return the time from fetch to the end of the response, redirects included */
    public Duration requestTime() {
        return requestTime;
    }

    /** @return the URL of the final response, after redirects */
    public String effectiveUrl() {
        return effectiveUrl;
    }

    /** @return an {@link HTTPClientError} for a status outside 2xx, or null */
    public HTTPClientError error() {
        return code >= 200 && code < 300 ? null : new HTTPClientError(code, null, this);
    }

    /**
     * Throws {@link #error()} if there is one (Tornado's {@code rethrow}).
     *
     * @throws HTTPClientError for a status outside 2xx
     */
    public void rethrow() {
        HTTPClientError e = error();
        if (e != null) {
            throw e;
        }
    }

    @Override
    public String toString() {
        return "HTTPResponse(" + code + " " + reason + ", " + body.length + " bytes, " + effectiveUrl + ")";
    }
}
