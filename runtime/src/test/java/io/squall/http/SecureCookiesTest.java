package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.squall.Future;

/** Signed cookies, cookie options and XSRF protection, end to end over loopback. */
class SecureCookiesTest extends HTTPTestCase {
    static final String SECRET = "0123456789abcdef0123";
    static final String OLD = "old-secret-old-secret";
    static final String NEW = "new-secret-new-secret";
    private AsyncHTTPClient client;
    private Application app;

    public static class LoginHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            setSecureCookie("user", getArgument("name"));
            return null;
        }
    }

    public static class WhoHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            String max = getArgument("max", null);
            String user = max == null ? getSecureCookie("user") : getSecureCookie("user", Duration.ofSeconds(Long.parseLong(max)));
            write(user == null ? "anonymous" : "user=" + user);
            return null;
        }
    }

    public static class OptionsHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            setCookie("full", "v1", new CookieOptions().path("/app").domain("example.com")
                    .maxAge(Duration.ofSeconds(60)).httpOnly(true).secure(true).sameSite("strict"));
            setCookie("until", "v2", new CookieOptions().expires(Instant.ofEpochSecond(1700000000)).path(null));
            clearCookie("gone", new CookieOptions().path("/app"));
            StringBuilder refused = new StringBuilder();
            Runnable[] bad = {
                () -> setCookie("x", "a;b"),
                () -> setCookie("x", "a\r\nSet-Cookie: evil=1"),
                () -> setCookie("x\r\n", "v"),
                () -> setCookie("x", "v", new CookieOptions().path("/\r\nX-Evil: 1")),
                () -> setCookie("x", "v", new CookieOptions().domain("a.com; Secure")),
                () -> setCookie("x", "v", new CookieOptions().sameSite("None")),
                () -> setCookie("x", "v", new CookieOptions().sameSite("Sometimes")),
            };
            for (Runnable r : bad) {
                try {
                    r.run();
                } catch (IllegalArgumentException e) {
                    refused.append('r');
                }
            }
            write(refused.toString());
            return null;
        }
    }

    /** A form protected by XSRF. */
    public static class FormHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write(xsrfToken() + "\n" + xsrfToken() + "\n" + xsrfFormHtml());
            return null;
        }

        @Override
        public Future<?> post(String... args) {
            write("posted");
            return null;
        }

        @Override
        public Future<?> put(String... args) {
            write("put");
            return null;
        }

        @Override
        public Future<?> delete(String... args) {
            write("deleted");
            return null;
        }
    }

    @BeforeEach
    void startServer() {
        app = new Application()
                .addHandler("/login", LoginHandler.class)
                .addHandler("/who", WhoHandler.class)
                .addHandler("/options", OptionsHandler.class)
                .addHandler("/form", FormHandler.class);
        app.settings().cookieSecret(SECRET);
        start(new HTTPServer(app));
        client = new AsyncHTTPClient(loop, 4);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    private HTTPResponse fetch(HTTPRequest r) {
        return runSync(() -> client.fetch(r.raiseError(false).followRedirects(false)));
    }

    private HTTPResponse who(String cookieValue) {
        return fetch(new HTTPRequest(url("/who")).header("Cookie", "user=" + cookieValue));
    }

    private String login(String name) {
        HTTPResponse r = fetch(new HTTPRequest(url("/login?name=" + HTTPUtil.urlEncode(name))));
        String set = r.headers().get("Set-Cookie");
        assertTrue(set.contains("; HttpOnly") && set.contains("; SameSite=Lax") && set.contains("; Max-Age=2592000"), set);
        return set.substring("user=".length(), set.indexOf(';'));
    }

    @Test
    void signedCookieRoundTrip() {
        String v = login("alice \u00e9");
        assertTrue(v.startsWith("2|1:0|10:"), v);
        assertEquals("user=alice \u00e9", who(v).bodyAsString());
        assertEquals("anonymous", fetch(new HTTPRequest(url("/who"))).bodyAsString());
    }

    @Test
    void forgedCookiesAreRefused() {
        String v = login("alice");
        String sig = v.substring(v.lastIndexOf('|') + 1);
        String payload = v.substring(0, v.lastIndexOf('|') + 1);
        char last = sig.charAt(sig.length() - 1);
        List<String> forged = new ArrayList<>(List.of(
                payload + sig.substring(0, sig.length() - 1) + (last == '0' ? '1' : '0'),   // one bit of signature
                payload.replace("YWxpY2U=", "bWFsbG9y") + sig,                              // value changed (mallory)
                payload,                                                                   // signature stripped
                payload + sig.toUpperCase(),                                               // hex case changed
                "alice", "", "2|", "2|1:0|", "1|" + v.substring(2), "2|1:0|10:9999999999|4:user|8:YWxpY2U=|" + sig,
                v + "x", "2|1:9|" + v.substring(6),                                         // unknown key version
                "2|99999999999:0|" + v.substring(6)));
        for (String f : forged) {
            assertEquals("anonymous", who(f).bodyAsString(), f);
        }
        // Signed for another cookie name.
        WebSettings s = app.settings();
        String other = SecureCookies.create(s, "admin", "alice", System.currentTimeMillis() / 1000);
        assertEquals("anonymous", who(other).bodyAsString());
        // Signed with another secret.
        WebSettings elsewhere = new WebSettings().cookieSecret("another-secret-entirely");
        assertEquals("anonymous", who(SecureCookies.create(elsewhere, "user", "alice", System.currentTimeMillis() / 1000))
                .bodyAsString());
        assertEquals("user=alice", who(v).bodyAsString(), "the genuine one still works");
    }

    @Test
    void expiredAndFutureCookiesAreRefused() {
        long now = System.currentTimeMillis() / 1000;
        WebSettings s = app.settings();
        assertEquals("user=bob", who(SecureCookies.create(s, "user", "bob", now - 30 * 86400)).bodyAsString());
        assertEquals("anonymous", who(SecureCookies.create(s, "user", "bob", now - 32 * 86400)).bodyAsString(),
                "older than the default 31 days");
        assertEquals("anonymous", who(SecureCookies.create(s, "user", "bob", now + 40 * 86400)).bodyAsString(),
                "dated in the future");
        String tenMinutes = SecureCookies.create(s, "user", "bob", now - 600);
        assertEquals("user=bob", fetch(new HTTPRequest(url("/who?max=3600")).header("Cookie", "user=" + tenMinutes))
                .bodyAsString());
        assertEquals("anonymous", fetch(new HTTPRequest(url("/who?max=60")).header("Cookie", "user=" + tenMinutes))
                .bodyAsString());
    }

    @Test
    void keyRotation() {
        app.settings().cookieSecrets(Map.of(1, OLD), 1);
        String signedOld = login("carol");
        assertTrue(signedOld.startsWith("2|1:1|"), signedOld);
        app.settings().cookieSecrets(Map.of(1, OLD, 2, NEW), 2);
        assertEquals("user=carol", who(signedOld).bodyAsString(), "old key still accepted during rotation");
        String signedNew = login("carol");
        assertTrue(signedNew.startsWith("2|1:2|"), signedNew);
        app.settings().cookieSecrets(Map.of(2, NEW), 2);
        assertEquals("anonymous", who(signedOld).bodyAsString(), "retired key refused");
        assertEquals("user=carol", who(signedNew).bodyAsString());
        assertThrows(IllegalArgumentException.class, () -> app.settings().cookieSecrets(Map.of(1, OLD), 2));
        assertThrows(IllegalArgumentException.class, () -> app.settings().cookieSecret("short"));
    }

    @Test
    void noSecretIsAClearServerError() {
        Application bare = new Application().addHandler("/login", LoginHandler.class);
        HTTPServer s2 = new HTTPServer(bare);
        s2.listen(0, "127.0.0.1");
        try {
            HTTPResponse r = fetch(new HTTPRequest("http://127.0.0.1:" + s2.port() + "/login?name=x"));
            assertEquals(500, r.code());
            assertTrue(logs.expect(java.util.logging.Level.SEVERE, "Uncaught exception").getThrown().getMessage()
                    .startsWith("Signed cookies need a secret: call application.settings().cookieSecret("));
            logs.expect(java.util.logging.Level.SEVERE, "500 GET /login");
        } finally {
            s2.stop();
            s2.closeAllConnections();
        }
    }

    /** Tornado (the real one, Python) and Squall read each other's signed cookies. */
    @Test
    void interoperatesWithTornado() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python) && run(python.toString(), "-c", "import tornado").isEmpty(),
                "this test needs /usr/bin/python3 with tornado (Debian package python3-tornado)");
        String fromTornado = run(python.toString(), "-c", "import sys; from tornado.web import create_signed_value;"
                + "sys.stdout.write(create_signed_value({3: '" + NEW + "'}, 'user', 'dave \u00e9', key_version=3).decode())");
        app.settings().cookieSecrets(Map.of(3, NEW), 3);
        assertEquals("user=dave \u00e9", who(fromTornado).bodyAsString());
        String fromSquall = login("erin \u00e9");
        String decoded = run(python.toString(), "-c", "import sys; from tornado.web import decode_signed_value;"
                + "v = decode_signed_value({3: '" + NEW + "'}, 'user', sys.argv[1]);"
                + "sys.stdout.buffer.write(b'None' if v is None else v)", fromSquall);
        assertEquals("erin \u00e9", decoded);
    }

    private String run(String... cmd) throws Exception {
        return blocking(() -> {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            return new String(out, StandardCharsets.UTF_8);
        });
    }

    @Test
    void cookieOptionsAndInjectionAttempts() {
        HTTPResponse r = fetch(new HTTPRequest(url("/options")));
        assertEquals("rrrrrrr", r.bodyAsString(), "every bad name, value or attribute is refused");
        List<String> set = r.headers().getAll("Set-Cookie");
        assertEquals(3, set.size(), set.toString());
        assertTrue(set.get(0).matches("full=v1; Path=/app; Domain=example.com; Max-Age=60; Expires=[^;]+ GMT;"
                + " HttpOnly; Secure; SameSite=Strict"), set.get(0));
        assertEquals("until=v2; Expires=Tue, 14 Nov 2023 22:13:20 GMT", set.get(1));
        assertTrue(set.get(2).startsWith("gone=; Path=/app; Max-Age=0; Expires="), set.get(2));
    }

    // ---------------------------------------------------------------------------------------------------
    // XSRF

    private String[] xsrfPage() {
        HTTPResponse page = fetch(new HTTPRequest(url("/form")));
        String set = page.headers().get("Set-Cookie");
        assertTrue(set.startsWith("_xsrf=2|") && set.contains("SameSite=Lax"), set);
        String cookie = set.substring("_xsrf=".length(), set.indexOf(';'));
        String[] lines = page.bodyAsString().split("\n");
        assertEquals(lines[0], lines[1], "one token per request");
        assertEquals("<input type=\"hidden\" name=\"_xsrf\" value=\"" + lines[0] + "\"/>", lines[2]);
        return new String[] {cookie, lines[0]};
    }

    private HTTPResponse post(String cookie, String body, String... headers) {
        HTTPRequest r = new HTTPRequest(url("/form")).method("POST").body(body);
        if (cookie != null) {
            r.header("Cookie", "_xsrf=" + cookie);
        }
        for (int i = 0; i < headers.length; i += 2) {
            r.header(headers[i], headers[i + 1]);
        }
        return fetch(r);
    }

    @Test
    void xsrfIsCheckedOnUnsafeMethods() {
        app.settings().xsrfCookies(true);
        String[] ck = xsrfPage();
        String cookie = ck[0];
        String token = ck[1];
        assertEquals("posted", post(cookie, "_xsrf=" + HTTPUtil.urlEncode(token)).bodyAsString());
        assertEquals("posted", post(cookie, "a=1", "X-XSRFToken", token).bodyAsString());
        assertEquals("posted", post(cookie, "a=1", "X-CSRFToken", cookie).bodyAsString(), "the cookie's own text works");

        String[] other = xsrfPage();
        HTTPResponse[] refused = {
            post(cookie, "a=1"),                                               // no token
            post(null, "_xsrf=" + HTTPUtil.urlEncode(token)),                  // no cookie
            post(cookie, "_xsrf=" + HTTPUtil.urlEncode(other[1])),             // another client's token
            post(cookie, "_xsrf=garbage"),                                     // malformed
            post(cookie, "_xsrf=2%7Czz%7Czz%7C1"),                             // malformed hex
            post("garbage", "_xsrf=" + HTTPUtil.urlEncode(token)),             // malformed cookie
            post(cookie, "a=1", "X-XSRFToken", token.substring(0, token.length() - 3) + "0|1"),
        };
        for (HTTPResponse r : refused) {
            assertEquals(403, r.code(), r.toString());
        }
        assertEquals(403, fetch(new HTTPRequest(url("/form")).method("PUT").body("")
                .header("Cookie", "_xsrf=" + cookie)).code());
        assertEquals(403, fetch(new HTTPRequest(url("/form")).method("DELETE").header("Cookie", "_xsrf=" + cookie)).code());
        List<String> warned = logs.expectAll(Level.WARNING, "HTTPError 403 in io.squall.http.SecureCookiesTest$FormHandler");
        assertEquals(9, warned.size(), warned.toString());
        assertTrue(warned.contains("HTTPError 403 in io.squall.http.SecureCookiesTest$FormHandler for POST /form"
                + " (127.0.0.1): XSRF cookie does not match POST argument"), warned.toString());
        assertEquals("put", fetch(new HTTPRequest(url("/form")).method("PUT").body("")
                .header("Cookie", "_xsrf=" + cookie).header("X-XSRFToken", token)).bodyAsString());
        assertEquals("deleted", fetch(new HTTPRequest(url("/form")).method("DELETE")
                .header("Cookie", "_xsrf=" + cookie).header("X-XSRFToken", token)).bodyAsString());
        assertEquals(200, fetch(new HTTPRequest(url("/form"))).code(), "GET is not checked");
        // A Tornado version 1 token (unmasked hex) in cookie and argument is accepted.
        String v1 = "00112233445566778899aabbccddeeff";
        assertEquals("posted", post(v1, "_xsrf=" + v1).bodyAsString());
        // Reusing the client's cookie: the page keeps it and masks it again.
        HTTPResponse again = fetch(new HTTPRequest(url("/form")).header("Cookie", "_xsrf=" + cookie));
        assertFalse(again.headers().contains("Set-Cookie"));
        assertNotEquals(cookie, again.bodyAsString().split("\n")[0], "the token is masked afresh for each page");
        assertEquals("posted", post(cookie, "_xsrf=" + HTTPUtil.urlEncode(again.bodyAsString().split("\n")[0]))
                .bodyAsString());
    }

    @Test
    void xsrfCookieOptions() {
        app.settings().xsrfCookies(true).xsrfCookieOptions(new CookieOptions().secure(true).sameSite("Strict"));
        String set = fetch(new HTTPRequest(url("/form"))).headers().get("Set-Cookie");
        assertTrue(set.matches("_xsrf=2\\|[0-9a-f]{8}\\|[0-9a-f]{32}\\|[0-9]+; Path=/; Secure; SameSite=Strict"), set);
    }

    @Test
    void xsrfOffByDefault() {
        assertEquals("posted", post(null, "a=1").bodyAsString());
    }
}
