package io.squall.tests.mistakes;

import static io.squall.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.squall.Future;
import io.squall.annotations.Coroutine;
import io.squall.http.Application;
import io.squall.http.RequestHandler;
import io.squall.tests.RawHttp;
import io.squall.tests.ServedApp;

/**
 * {@code setHeader}, {@code setCookie}, {@code setStatus} after {@code flush()} (a long poll that sends a first
 * chunk, then decides to set a cookie) or after the response was finished were silently lost: the headers were
 * already on the wire. Each now throws {@code IllegalStateException} saying the change would have no effect,
 * why, and what to do.
 */
@Timeout(60)
class HeadersAfterFlushTest {

    static final List<String> MESSAGES = new ArrayList<>();

    /** Flushes a first chunk, then tries to change the headers and the status. */
    public static class PollHandler extends RequestHandler {
        @Override
        @Coroutine
        public Future<?> get(String... args) {
            write("first chunk;");
            await(flush());
            attempt(() -> setHeader("X-Count", "2"));
            attempt(() -> setCookie("seen", "1"));
            attempt(() -> setStatus(201));
            attempt(() -> redirect("/elsewhere"));
            write("second chunk");
            return null;
        }

        @Override
        protected void onFinish() {
            attempt(() -> setHeader("X-Too-Late", "1"));
        }
    }

    static void attempt(Runnable r) {
        try {
            r.run();
            MESSAGES.add("no failure");
        } catch (IllegalStateException e) {
            MESSAGES.add(e.getMessage());
        }
    }

    @Test
    void aHeaderChangeAfterTheHeadersWereSentIsRefusedWithTheReason() throws Exception {
        String response;
        try (ServedApp served = ServedApp.start()) {
            response = served.serve(() -> new Application().addHandler("/poll", PollHandler.class),
                    port -> RawHttp.get(port, "/poll"));
        }
        assertEquals("HTTP/1.1 200 OK", RawHttp.statusLine(response));
        assertFalse(response.contains("X-Count") || response.contains("seen=") || response.contains("X-Too-Late"),
                response);
        String where = " for GET /poll (127.0.0.1) in " + PollHandler.class.getName() + " would have no effect: the"
                + " response headers were already sent, ";
        String todo = ". Set the status, headers and cookies before the first flush() and before finishing";
        assertEquals(List.of(
                "setHeader(\"X-Count\")" + where + "by flush()" + todo,
                "setCookie(\"seen\")" + where + "by flush()" + todo,
                "setStatus(201)" + where + "by flush()" + todo,
                "redirect(\"/elsewhere\")" + where + "by flush()" + todo,
                "setHeader(\"X-Too-Late\")" + where + "when Squall finished the response because the future of get()"
                        + " completed" + todo), MESSAGES);
    }
}
