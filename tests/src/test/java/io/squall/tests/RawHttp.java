package io.squall.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Plain HTTP/1.1 over a socket to 127.0.0.1, one request per connection, as an outside client sends it. */
public final class RawHttp {
    private RawHttp() {
        throw new AssertionError("no instances");
    }

    /**
     * Sends {@code request} as is and reads until the server closes the connection.
     *
     * @param port the server's port on 127.0.0.1
     * @param request the request's bytes, as ASCII
     * @return the whole response, as ISO-8859-1
     * @throws IOException if the connection fails
     */
    public static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * {@code GET path} with {@code Connection: close}.
     *
     * @param port the server's port on 127.0.0.1
     * @param path the request target
     * @return the whole response
     * @throws IOException if the connection fails
     */
    public static String get(int port, String path) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    /**
     * {@code POST path} of a form, with {@code Connection: close}.
     *
     * @param port the server's port on 127.0.0.1
     * @param path the request target
     * @param form the urlencoded body (ASCII)
     * @return the whole response
     * @throws IOException if the connection fails
     */
    public static String postForm(int port, String path, String form) throws IOException {
        return exchange(port, "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type:"
                + " application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n" + form);
    }

    /** @param response a whole response @return its status line */
    public static String statusLine(String response) {
        return response.substring(0, response.indexOf("\r\n"));
    }

    /** @param response a whole response @return "status line|body" */
    public static String statusAndBody(String response) {
        return statusLine(response) + "|" + response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
