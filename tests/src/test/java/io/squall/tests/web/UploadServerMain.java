package io.squall.tests.web;

import io.squall.IOLoop;
import io.squall.http.Application;
import io.squall.http.HTTPServer;

/** Serves {@link FormUploadHandler} on an ephemeral port of 127.0.0.1 and prints it; run in a small-heap child JVM. */
public final class UploadServerMain {
    private UploadServerMain() {}

    public static void main(String[] args) {
        Application app = new Application().addHandler("/upload", FormUploadHandler.class);
        app.settings().logFunction(h -> System.out.println("served " + h.getStatus() + " "
                + Runtime.getRuntime().maxMemory()));
        HTTPServer server = new HTTPServer(app);
        server.listen(0, "127.0.0.1");
        System.out.println("port " + server.port());
        System.out.flush();
        IOLoop.current().start();
    }
}
