package io.squall.tests.mistakes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static io.squall.tests.RawHttp.get;
import static io.squall.tests.RawHttp.statusLine;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.tests.CapturedLog;
import io.squall.tests.ServedApp;
import io.squall.websocket.WebSocketHandler;

/**
 * A Tornado port writes {@code def get(self, user_id)} as {@code get(String userId)}: an overload Squall never
 * calls, so every GET was answered 405 Method Not Allowed with nothing in the log. Now the route warns when it
 * is made (a factory route at its first request), naming the method and the signature to use.
 */
@Timeout(60)
class VerbSignatureTest {

    /** One path argument as a plain parameter. */
    public static class OneArgHandler extends RequestHandler {
        public Future<?> get(String id) {
            write("user " + id);
            return null;
        }
    }

    /** No parameters, and a capitalised verb. */
    public static class NoArgsHandler extends RequestHandler {
        public Future<?> post() {
            write("posted");
            return null;
        }

        public void Put(String... args) {
            write("put");
        }
    }

    /** Correct: no warning. */
    public static class RightHandler extends RequestHandler {
        @Override
        public Future<?> get(String... args) {
            write("user " + args[0]);
            return null;
        }
    }

    /** Wrong, routed through a factory. */
    public static class FactoryMadeHandler extends RequestHandler {
        public Future<?> delete(String id) {
            return null;
        }
    }

    /** Tornado's {@code def open(self, room)} and an {@code onMessage(Object)} meant to take both kinds. */
    public static class RoomSocket extends WebSocketHandler {
        String room;

        public Future<?> open(String room) {
            this.room = room;
            return null;
        }

        public Future<?> onMessage(Object message) {
            return writeMessage(room + ": " + message);
        }
    }

    /** Correct WebSocket handler: no warning. */
    public static class EchoSocket extends WebSocketHandler {
        @Override
        public Future<?> open(String... args) {
            return null;
        }

        @Override
        public Future<?> onMessage(String message) {
            return writeMessage(message);
        }

        @Override
        public void onClose() {}
    }

    @Test
    void aWebSocketCallbackLookAlikeIsReportedWhenTheRouteIsMade() {
        List<String> reported;
        try (CapturedLog log = CapturedLog.squall()) {
            new Application().addHandler("/rooms/(\\w+)", RoomSocket.class).addHandler("/echo", EchoSocket.class);
            reported = warnings(log);
        }
        assertEquals(List.of("Handler " + VerbSignatureTest.class.getName() + "$RoomSocket (route /rooms/(\\w+))"
                + " declares RoomSocket.onMessage(Object), RoomSocket.open(String), which Squall never calls: a"
                + " WebSocket handler overrides onMessage(String) or onMessage(byte[]). As declared, each message goes"
                + " to the default, which closes the connection with 1003. Declare it as @Override public Future<?>"
                + " onMessage(String message)."), reported);
    }

    @Test
    void aVerbLookAlikeIsReportedWhenTheRouteIsMade() throws Exception {
        String[] answers;
        List<String> atStart;
        List<String> all;
        try (CapturedLog log = CapturedLog.squall(); ServedApp served = ServedApp.start()) {
            Application app = new Application().addHandler("/users/(\\w+)", OneArgHandler.class)
                    .addHandler("/post", NoArgsHandler.class).addHandler("/right/(\\w+)", RightHandler.class)
                    .addHandler("/factory/(\\d+)", FactoryMadeHandler::new);
            atStart = warnings(log);
            answers = served.serve(() -> app, port -> new String[] {statusLine(get(port, "/users/ada")),
                statusLine(get(port, "/right/ada")), statusLine(get(port, "/factory/7"))});
            all = warnings(log);
        }
        String pkg = VerbSignatureTest.class.getName();
        assertEquals(List.of(
                "Handler " + pkg + "$OneArgHandler (route /users/(\\w+)) declares OneArgHandler.get(String), which"
                        + " Squall never calls: a verb method overrides get(String... args), lower-case, with the"
                        + " route's groups in args[0], args[1], ... As declared, GET requests are answered 405 Method"
                        + " Not Allowed. Declare it as @Override public Future<?> get(String... args).",
                "Handler " + pkg + "$NoArgsHandler (route /post) declares NoArgsHandler.post(), NoArgsHandler.Put("
                        + "String...), which Squall never calls: a verb method overrides post(String... args),"
                        + " lower-case, with the route's groups in args[0], args[1], ... As declared, POST requests"
                        + " are answered 405 Method Not Allowed. Declare it as @Override public Future<?> post("
                        + "String... args)."), atStart);
        assertEquals(List.of("HTTP/1.1 405 Method Not Allowed", "HTTP/1.1 200 OK", "HTTP/1.1 405 Method Not Allowed"),
                List.of(answers));
        assertEquals(3, all.size(), all.toString());
        assertEquals("Handler " + pkg + "$FactoryMadeHandler (route /factory/(\\d+)) declares FactoryMadeHandler"
                + ".delete(String), which Squall never calls: a verb method overrides delete(String... args),"
                + " lower-case, with the route's groups in args[0], args[1], ... As declared, DELETE requests are"
                + " answered 405 Method Not Allowed. Declare it as @Override public Future<?> delete(String... args).",
                all.get(2));
    }

    private static List<String> warnings(CapturedLog log) {
        List<String> out = new ArrayList<>();
        for (String m : log.messages(Level.WARNING)) {
            if (m.startsWith("Handler ")) {
                out.add(m);
            }
        }
        return out;
    }
}
