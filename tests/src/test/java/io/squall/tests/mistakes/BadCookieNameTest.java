package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.tests.CapturedLog;
import io.squall.tests.RawHttp;
import io.squall.tests.ServedApp;

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
        String[] answers;
        List<String> thrown;
        try (CapturedLog log = CapturedLog.squall(); ServedApp served = ServedApp.start()) {
            answers = served.serve(() -> new Application().addHandler("/set", SetHandler.class),
                    port -> new String[] {post(port, "name=user+id&value=ada"), post(port, "name=user&value=a%3Bb"),
                        post(port, "name=user"), post(port, "name=user&value=ada")});
            thrown = log.thrown();
        }
        assertEquals("HTTP/1.1 500 Internal Server Error", answers[0]);
        assertEquals("HTTP/1.1 500 Internal Server Error", answers[1]);
        assertEquals("HTTP/1.1 500 Internal Server Error", answers[2]);
        assertEquals("HTTP/1.1 200 OK", answers[3]);
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
        return RawHttp.statusLine(RawHttp.postForm(port, "/set", form));
    }
}
