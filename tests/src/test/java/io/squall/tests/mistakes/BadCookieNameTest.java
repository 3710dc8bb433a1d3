package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.tests.RecordingHandler;

/**
 * {@code setCookie} with a bad name failed with {@code Invalid character U+0020 in header name "user id": names
 * must be HTTP tokens ...}: the user set no header of that name and went looking for one. The message now names
 * the cookie and what a cookie name (and value) may hold; a null value says how to delete a cookie.
 */
@Timeout(60)
class BadCookieNameTest {

    /** Sets the cookie named and valued by the form, as a port might from user input. */
    public static class SetHandler extends RequestHandler {
        @Override
        public Future<?> post(String... args) {
            setCookie(getBodyArgument("name"), getBodyArgument("value", null));
            write("set");
            return null;
        }
    }

    @Test
    void aBadCookieNameOrValueIsExplained() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        RecordingHandler h = new RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        squall.addHandler(h);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        IOLoop loop = new IOLoop();
        String[] answers;
        try {
            answers = loop.runSync(() -> {
                int port = new Application().addHandler("/set", SetHandler.class).listen(0, "127.0.0.1").port();
                return loop.runInExecutor(pool, () -> new String[] {post(port, "name=user+id&value=ada"),
                    post(port, "name=user&value=a%3Bb"), post(port, "name=user"), post(port, "name=user&value=ada")});
            }, Duration.ofSeconds(30));
        } finally {
            squall.removeHandler(h);
            pool.shutdownNow();
            loop.close();
        }
        assertEquals("HTTP/1.1 500 Internal Server Error", answers[0]);
        assertEquals("HTTP/1.1 500 Internal Server Error", answers[1]);
        assertEquals("HTTP/1.1 500 Internal Server Error", answers[2]);
        assertEquals("HTTP/1.1 200 OK", answers[3]);
        List<String> thrown = new ArrayList<>();
        synchronized (records) {
            for (LogRecord r : records) {
                if (r.getThrown() != null) {
                    thrown.add(r.getThrown().getClass().getSimpleName() + ": " + r.getThrown().getMessage());
                }
            }
        }
        assertEquals(List.of(
                "IllegalArgumentException: Invalid character U+0020 in cookie name \"user id\": a cookie name is an"
                        + " HTTP token: letters, digits and !#$%&'*+-.^_`|~ only (no spaces, no ()<>@,;:\\\"/[]?={},"
                        + " no control characters)",
                "IllegalArgumentException: Invalid character U+003B in the value of cookie user: a cookie value is"
                        + " printable ASCII without spaces, double quotes, commas, semicolons or backslashes;"
                        + " percent-encode it first (URLEncoder.encode(value, StandardCharsets.UTF_8)) and decode it"
                        + " where you read it, or use setSecureCookie, which encodes any value",
                "NullPointerException: The value of cookie user is null; to delete a cookie, call"
                        + " clearCookie(\"user\")"), thrown);
    }

    private static String post(int port, String form) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /set HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type:"
                    + " application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n" + form)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String r = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return r.substring(0, r.indexOf("\r\n"));
        }
    }
}
