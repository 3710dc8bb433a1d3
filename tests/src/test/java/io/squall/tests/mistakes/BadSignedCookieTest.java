package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.IOLoop;
import io.squall.http.Application;
import io.squall.http.RequestHandler;

/**
 * A signed cookie that {@code getSecureCookie} refuses (the secret was rotated, the client sent a plain value)
 * used to come back as a silent null, so a user was "logged out" with no clue why; now the reason is logged at
 * debug level (the client's value is not).
 */
@Timeout(60)
class BadSignedCookieTest {

    /** Signs the user's name into a cookie. */
    public static class LoginHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            setSecureCookie("user", "ada");
            write("logged in");
            return null;
        }
    }

    /** Answers the signed user, or "anonymous". */
    public static class WhoAmIHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            String user = getSecureCookie("user");
            write(user == null ? "anonymous" : user);
            return null;
        }
    }

    @Test
    void aRefusedSignedCookieSaysWhyAtDebugLevel() throws Exception {
        List<LogRecord> records = new ArrayList<>();
        Handler h = new io.squall.tests.RecordingHandler(records);
        Logger squall = Logger.getLogger("io.squall");
        Level level = squall.getLevel();
        squall.setLevel(Level.FINE);
        squall.addHandler(h);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        IOLoop loop = new IOLoop();
        try {
            String[] answers = loop.runSync(() -> {
                Application app = new Application().addHandler("/login", LoginHandler.class)
                        .addHandler("/whoami", WhoAmIHandler.class);
                app.settings().cookieSecret("the first secret, 32 characters!");
                int port = app.listen(0, "127.0.0.1").port();
                Application rotated = new Application().addHandler("/whoami", WhoAmIHandler.class);
                rotated.settings().cookieSecret("a second secret, after rotation!");
                int rotatedPort = rotated.listen(0, "127.0.0.1").port();
                return loop.runInExecutor(pool, () -> {
                    String login = get(port, "/login", null);
                    Matcher m = Pattern.compile("\r\nSet-Cookie: (user=[^;\r]+)").matcher(login);
                    assertTrue(m.find(), login);
                    String cookie = m.group(1);
                    return new String[] {body(get(port, "/whoami", cookie)), body(get(rotatedPort, "/whoami", cookie)),
                            body(get(port, "/whoami", "user=ada"))};
                });
            }, Duration.ofSeconds(30));
            assertEquals("ada", answers[0]);
            assertEquals("anonymous", answers[1]);
            assertEquals("anonymous", answers[2]);
        } finally {
            squall.removeHandler(h);
            squall.setLevel(level);
            pool.shutdownNow();
            loop.close();
        }
        synchronized (records) {
            List<String> rejected = records.stream().map(LogRecord::getMessage)
                    .filter(s -> s.startsWith("Signed cookie")).toList();
            assertEquals(List.of(
                    "Signed cookie \"user\" rejected: its signature does not match (signed with another cookie secret,"
                            + " or tampered with); getSecureCookie returns null",
                    "Signed cookie \"user\" rejected: not a signed value (a signed value starts with \"2|\"; was it set"
                            + " with setCookie?); getSecureCookie returns null"), rejected);
            assertTrue(records.stream().filter(r -> r.getMessage().startsWith("Signed cookie"))
                    .allMatch(r -> r.getLevel() == Level.FINE), records.toString());
        }
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    private static String get(int port, String path, String cookie) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
