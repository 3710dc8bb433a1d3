package io.squall.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;

/** The README's "static site with signed cookies" example, compiled and walked through as a browser would. */
class ReadmeStaticSiteTest extends HTTPTestCase {
    @TempDir
    Path dir;

    // --- as in the README
    public static class LoginHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("<form method=\"post\" action=\"" + reverseUrl("login") + "\">" + xsrfFormHtml()
                    + "<input name=\"name\"><button>Log in</button></form>");
            return null;
        }

        @Override
        public Future<?> post(String... args) {      // the XSRF token was checked before this runs
            setSecureCookie("user", getArgument("name"));
            redirect(reverseUrl("home"));
            return null;
        }
    }

    public static class HomeHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            String user = getSecureCookie("user");    // null if missing, forged, or older than 31 days
            if (user == null) {
                redirect(reverseUrl("login"));
                return null;
            }
            write("<link rel=\"stylesheet\" href=\"" + staticUrl("site.css") + "\">Hello, " + Escape.xhtmlEscape(user));
            return null;
        }
    }
    // ---

    @Test
    void walkThrough() throws IOException {
        Path publicDir = Files.createDirectories(dir.resolve("public"));
        Path staticDir = Files.createDirectories(dir.resolve("static"));
        Files.writeString(publicDir.resolve("index.html"), "welcome");
        Files.writeString(staticDir.resolve("site.css"), "body{}");
        Application app = new Application()
                .addRoute(Application.route("/", HomeHandler.class).named("home"))
                .addRoute(Application.route("/login", LoginHandler.class).named("login"))
                .addHandler("/files/(.*)", () -> new StaticFileHandler(publicDir, "index.html"));
        app.settings()
                .cookieSecret("readme-secret-0123456789")
                .xsrfCookies(true)
                .staticPath(staticDir)
                .compressResponse(true);
        start(new HTTPServer(app));
        AsyncHTTPClient client = new AsyncHTTPClient(loop, 2);
        try {
            HTTPResponse home = runSync(() -> client.fetch(new HTTPRequest(url("/")).followRedirects(false).raiseError(false)));
            assertEquals(302, home.code());
            assertEquals("/login", home.headers().get("Location"));
            HTTPResponse form = runSync(() -> client.fetch(url("/login")));
            String cookie = form.headers().get("Set-Cookie");
            String xsrf = cookie.substring(0, cookie.indexOf(';'));
            String body = form.bodyAsString();
            String token = body.substring(body.indexOf("value=\"") + 7, body.indexOf("\"/>"));
            HTTPResponse forged = runSync(() -> client.fetch(new HTTPRequest(url("/login")).method("POST")
                    .body("name=mallory").raiseError(false)));
            assertEquals(403, forged.code());
            logs.expect(Level.WARNING, "for POST /login (127.0.0.1): '_xsrf' argument missing from POST");
            HTTPResponse login = runSync(() -> client.fetch(new HTTPRequest(url("/login")).method("POST")
                    .header("Cookie", xsrf).body("name=Ann+%3Cb%3E&_xsrf=" + HTTPUtil.urlEncode(token))
                    .followRedirects(false).raiseError(false)));
            assertEquals(302, login.code());
            String user = login.headers().get("Set-Cookie");
            HTTPResponse hello = runSync(() -> client.fetch(new HTTPRequest(url("/"))
                    .header("Cookie", user.substring(0, user.indexOf(';')))));
            assertTrue(hello.bodyAsString().matches(
                    "<link rel=\"stylesheet\" href=\"/static/site\\.css\\?v=[0-9a-f]{32}\">Hello, Ann &lt;b&gt;"),
                    hello.bodyAsString());
            assertEquals("welcome", runSync(() -> client.fetch(url("/files/"))).bodyAsString());
            assertEquals("body{}", runSync(() -> client.fetch(url("/static/site.css"))).bodyAsString());
        } finally {
            client.close();
        }
    }
}
