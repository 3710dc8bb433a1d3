package io.squall.templates.mustache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.http.Application;
import io.squall.http.AsyncHTTPClient;
import io.squall.http.HTTPRequest;
import io.squall.http.HTTPResponse;
import io.squall.http.HTTPServer;
import io.squall.http.RequestHandler;

/**
 * RequestHandler.render over Mustache.java, served by HTTPServer on 127.0.0.1 and fetched by AsyncHTTPClient:
 * values are HTML-escaped, templates come from the classpath or a directory, a missing one is a 500.
 */
class MustacheTemplatesTest {
    private IOLoop loop;
    private HTTPServer server;
    private AsyncHTTPClient client;

    /** A record as the model. */
    public record Page(String title, String comment, List<String> items, String trusted) {}

    /** Renders page.mustache with a hostile comment. */
    public static final class PageHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            return render("page.mustache", new Page("Caf\u00e9 & co", "<script>alert('x')</script>",
                    List.of("a<b", "\"q\""), "<em>ok</em>"));
        }
    }

    /** Renders a template that does not exist. */
    public static final class MissingHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            return render("nope.mustache", Map.of());
        }
    }

    @BeforeEach
    void setUp() {
        loop = IOLoop.current();
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop();
            server.closeAllConnections();
        }
        loop.close();
    }

    private HTTPResponse serve(MustacheTemplates engine, String path) {
        Application app = new Application().addHandler("/page", PageHandler.class)
                .addHandler("/missing", MissingHandler.class);
        app.settings().templateEngine(engine);
        server = new HTTPServer(app);
        server.listen(0, "127.0.0.1");
        client = new AsyncHTTPClient(loop, 2);
        return loop.runSync(() -> client.fetch(new HTTPRequest("http://127.0.0.1:" + server.port() + path)
                .raiseError(false)), Duration.ofSeconds(20));
    }

    @Test
    void classpathTemplateEscapesScriptValues() {
        HTTPResponse r = serve(MustacheTemplates.fromClasspath("views"), "/page");
        assertEquals(200, r.code());
        assertEquals("text/html; charset=UTF-8", r.headers().get("Content-Type"));
        String html = r.bodyAsString();
        assertTrue(html.contains("<h1>Caf\u00e9 &amp; co</h1>"), html);
        assertTrue(html.contains("<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>"), html);
        assertTrue(!html.contains("<script>"), "no live script tag: " + html);
        assertTrue(html.contains("<li>a&lt;b</li><li>&quot;q&quot;</li>"), html);
        assertTrue(html.contains("<footer><em>ok</em></footer>"), "triple braces write raw, by choice: " + html);
    }

    @Test
    void directoryTemplatesAndMissingOnes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("page.mustache"), "dir:{{comment}}");
        MustacheTemplates engine = MustacheTemplates.fromDirectory(dir);
        assertEquals("dir:&lt;b&gt;", engine.render("page.mustache", Map.of("comment", "<b>")));
        assertThrows(FileNotFoundException.class, () -> engine.render("../etc/passwd", Map.of()));
        assertThrows(FileNotFoundException.class, () -> engine.render("nope.mustache", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> MustacheTemplates.fromDirectory(dir.resolve("none")));
        HTTPResponse r = serve(engine, "/page");
        assertTrue(r.bodyAsString().startsWith("dir:&lt;script&gt;"), r.bodyAsString());
        HTTPResponse missing = loop.runSync(() -> client.fetch(new HTTPRequest("http://127.0.0.1:" + server.port()
                + "/missing").raiseError(false)), Duration.ofSeconds(20));
        assertEquals(500, missing.code());
    }
}
