package io.squall.http;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.squall.Future;

/**
 * Routes requests to {@link RequestHandler}s by regular expressions over the path (Tornado's
 * {@code web.Application}). Each request gets a new handler instance; the pattern's capturing groups,
 * percent-decoded, are passed to the handler's method as arguments.
 *
 * <pre>{@code
 * Application app = new Application()
 *         .addHandler("/", MainHandler.class)
 *         .addHandler("/user/([0-9]+)", UserHandler::new);
 * app.listen(8888);
 * IOLoop.current().start();
 * }</pre>
 *
 * <p>A pattern must match the whole path (not the query string); routes are tried in the order they were
 * added. A path no route matches gets the default 404 page, or {@link WebSettings#defaultHandler}'s
 * handler. Static files ({@link WebSettings#staticPath}) are matched before the routes. Thread-safe: one application may serve
 * servers on several loops.
 */
public class Application implements RequestCallback {
    /** One pattern and the factory of its handlers. */
    public static final class Route {
        private final Pattern pattern;
        /** The path itself when the pattern has no metacharacters: matched with equals, no Matcher. */
        private final String literal;
        private final Supplier<? extends RequestHandler> factory;
        private final String handlerName;
        private final String name;
        /** The handler class of a route made with a class, or null: checked for coroutines at start. */
        private Class<?> handlerClass;
        /** Whether the verb methods of this route's handler class were checked ({@link VerbSignatures}). */
        private boolean verbsChecked;

        private Route(Pattern pattern, Supplier<? extends RequestHandler> factory, String handlerName) {
            this(pattern, factory, handlerName, null);
        }

        private Route(Pattern pattern, Supplier<? extends RequestHandler> factory, String handlerName, String name) {
            this.pattern = pattern;
            this.literal = pattern.pattern().chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-' || c == '~') ? pattern.pattern() : null;
            this.factory = factory;
            this.handlerName = handlerName;
            this.name = name;
        }

        /**
         * Returns this route with a name, for {@link Application#reverseUrl} (Tornado's {@code url(..., name=)}).
         *
         * @param routeName the name
         * @return a named copy of this route
         */
        public Route named(String routeName) {
            Route r = new Route(pattern, factory, handlerName, Objects.requireNonNull(routeName, "name"));
            r.handlerClass = handlerClass;
            r.verbsChecked = verbsChecked;
            return r;
        }

        /** @return the route's name, or null */
        public String name() {
            return name;
        }

        /** @return the compiled pattern */
        public Pattern pattern() {
            return pattern;
        }

        /** @return the factory that creates a handler per request */
        public Supplier<? extends RequestHandler> factory() {
            return factory;
        }

        @Override
        public String toString() {
            return pattern.pattern() + " -> " + handlerName;
        }
    }

    private static final String[] NO_ARGS = new String[0];

    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final WebSettings settings = new WebSettings();
    private final java.util.Map<String, ReverseUrl> reversers = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per-request deadline in nanoseconds; 0 (the default) means none. */
    private volatile long requestDeadlineNanos;
    /** The unfinished requests, when tracked ({@link #logLongRequests}); null otherwise. */
    private volatile InFlightRequests inFlight;

    /** Creates an application with no routes; add them with {@link #addHandler}. */
    public Application() {
        Duration d = InFlightRequests.fromProperty();
        if (d != null) {
            logLongRequests(d);
        }
    }

    /**
     * Creates an application with these routes, tried in order.
     *
     * @param routes the routes, made with {@link #route}
     */
    public Application(Route... routes) {
        this();
        Collections.addAll(this.routes, routes);
    }

    /**
     * Creates a route to a handler class, instantiated per request with its no-argument constructor. If the
     * class declares a method named like a verb that does not override it ({@code get(String id)},
     * {@code get()}, {@code Post(String...)}), which Squall would never call (the requests would be answered 405),
     * a warning naming it is logged once per class. A route made with a factory is checked at its first
     * request. Any thread.
     *
     * @param regex a regular expression that must match the whole path
     * @param handlerClass a concrete RequestHandler subclass with an accessible no-argument constructor
     * @return the route
     * @throws IllegalArgumentException if the regex is invalid or the class cannot be instantiated
     */
    public static Route route(String regex, Class<? extends RequestHandler> handlerClass) {
        Route r = new Route(compile(regex), factoryOf(handlerClass), handlerClass.getName());
        r.handlerClass = handlerClass;
        VerbSignatures.warnIfMisdeclared(handlerClass, "route " + regex);
        r.verbsChecked = true;
        return r;
    }

    /**
     * Creates a route to handlers made by {@code factory}, once per request.
     *
     * @param regex a regular expression that must match the whole path
     * @param factory returns a new handler each time (for example {@code MyHandler::new})
     * @return the route
     * @throws IllegalArgumentException if the regex is invalid
     */
    public static Route route(String regex, Supplier<? extends RequestHandler> factory) {
        Objects.requireNonNull(factory, "factory");
        return new Route(compile(regex), factory, factory.toString());
    }

    /**
     * Adds a route to a handler class (see {@link #route(String, Class)}).
     *
     * @param regex a regular expression that must match the whole path
     * @param handlerClass the handler class
     * @return this
     * @throws IllegalArgumentException if the regex is invalid or the class cannot be instantiated
     */
    public Application addHandler(String regex, Class<? extends RequestHandler> handlerClass) {
        routes.add(route(regex, handlerClass));
        return this;
    }

    /**
     * Adds a route to handlers made by {@code factory} (see {@link #route(String, Supplier)}).
     *
     * @param regex a regular expression that must match the whole path
     * @param factory returns a new handler per request
     * @return this
     * @throws IllegalArgumentException if the regex is invalid
     */
    public Application addHandler(String regex, Supplier<? extends RequestHandler> factory) {
        routes.add(route(regex, factory));
        return this;
    }

    /**
     * Adds a route, for example a named one: {@code addRoute(route("/user/([0-9]+)", UserHandler.class).named("user"))}.
     *
     * @param route the route
     * @return this
     */
    public Application addRoute(Route route) {
        routes.add(Objects.requireNonNull(route, "route"));
        return this;
    }

    /**
     * Returns the application's settings (cookie secret, XSRF, static files, compression, default handler).
     *
     * @return the settings, modifiable
     */
    public WebSettings settings() {
        return settings;
    }

    /**
     * Builds the path of a named route with its groups filled in (Tornado's {@code reverse_url}):
     * {@code reverseUrl("user", 42)} gives {@code "/user/42"} for {@code "/user/([0-9]+)"}. Arguments are
     * percent-encoded, "/" kept.
     *
     * @param name the route's name
     * @param args one per capturing group
     * @return the path
     * @throws IllegalArgumentException if no route has that name, the pattern cannot be reversed, or the
     *     argument count differs from the group count
     */
    public String reverseUrl(String name, Object... args) {
        for (Route r : routes) {
            if (name.equals(r.name)) {
                return reversers.computeIfAbsent(r.pattern.pattern(), ReverseUrl::new).reverse(name, args);
            }
        }
        throw new IllegalArgumentException("No route named " + name + "; name one with route(...).named(\"" + name
                + "\")");
    }

    /**
     * Logs a warning for each handler class (routes made with a class, and the default handler once it was
     * made) that has {@code @Coroutine} methods that were not rewritten because the Squall agent is not
     * installed: they would answer 500 at their first {@code await}. Called by {@link HTTPServer}'s
     * constructor; any thread.
     */
    void checkCoroutinesRewritten() {
        for (Route r : routes) {
            if (r.handlerClass != null) {
                io.squall.internal.AgentCheck.warnIfNotRewritten(r.handlerClass, "route " + r.pattern.pattern());
            }
        }
    }

    /**
     * Sets a deadline for every request (default: none). A handler that has not finished its response when
     * it passes is answered with 503 Service Unavailable (503, not 504: the server itself gave up, no gateway
     * timed out), logged as a warning naming the handler and the {@code await} it is parked on, then
     * cancelled (its pending await throws {@code CancellationException}, its {@code finally} blocks run).
     * The log names the await from the site the agent recorded when it rewrote the handler. A handler that already sent its headers can only be cut off (the
     * connection is closed). Any thread; applies to requests that start afterwards.
     *
     * @param deadline the deadline, or null or zero for none
     * @return this
     * @throws IllegalArgumentException if negative
     */
    public Application requestDeadline(java.time.Duration deadline) {
        if (deadline != null && deadline.isNegative()) {
            throw new IllegalArgumentException("requestDeadline must not be negative: " + deadline);
        }
        requestDeadlineNanos = deadline == null ? 0 : deadline.toNanos();
        if (requestDeadlineNanos > 0) {
            io.squall.internal.AwaitSites.enable();
        }
        return this;
    }

    /**
     * Tracks the requests in flight and, while debug logging is on for the {@code io.squall} logger, logs
     * every {@code olderThan} those that have been running for longer than that, oldest first, one line each:
     * the request, its age, the handler class and the {@code await} it is parked on, e.g.
     * {@code GET /report (127.0.0.1) for 12.0 s in com.example.ReportHandler, parked at the await in
     * com.example.ReportHandler.get(ReportHandler.java:31) waiting for Future(pending)}. Tracking costs a
     * concurrent map entry per unfinished request and turns on {@link io.squall.internal.AwaitSites}
     * recording (a stack walk per suspension): a debugging aid, off by default. The system property
     * {@code io.squall.debug.longRequestsMillis=N} turns it on for every application. Any thread; applies to
     * requests that start afterwards.
     *
     * @param olderThan the age that makes a request worth listing, and the period of the log; null or zero
     *     stops tracking
     * @return this
     * @throws IllegalArgumentException if negative
     */
    public Application logLongRequests(Duration olderThan) {
        if (olderThan != null && olderThan.isNegative()) {
            throw new IllegalArgumentException("logLongRequests must not be negative: " + olderThan);
        }
        if (olderThan == null || olderThan.isZero()) {
            InFlightRequests t = inFlight;
            inFlight = null;
            if (t != null) {
                t.stopLogging();
            }
            return this;
        }
        io.squall.internal.AwaitSites.enable();
        InFlightRequests t = inFlight;
        if (t == null) {
            t = new InFlightRequests();
            inFlight = t;
        }
        t.logEvery(this, olderThan);
        return this;
    }

    /**
     * Lists the requests that have been in flight for longer than {@code olderThan} (as
     * {@link #logLongRequests} logs them), oldest first. Only requests started while tracking was on are
     * known: empty unless {@link #logLongRequests} (or its system property) turned it on. Any thread: a
     * diagnostic snapshot, read without stopping the loops.
     *
     * @param olderThan the least age to list
     * @return one line per request; empty if none (or tracking is off)
     */
    public List<String> longRunningRequests(Duration olderThan) {
        InFlightRequests t = inFlight;
        return t == null ? List.of() : t.olderThan(olderThan);
    }

    /** @return the routes in matching order; unmodifiable */
    public List<Route> routes() {
        return Collections.unmodifiableList(new ArrayList<>(routes));
    }

    /**
     * Starts an {@link HTTPServer} for this application on {@code port} of every interface, on the current
     * thread's IOLoop (Tornado's {@code Application.listen}).
     *
     * @param port the port; 0 picks a free one (see {@link HTTPServer#port()})
     * @return the server
     * @throws java.io.UncheckedIOException (or another exception of {@code TCPServer.listen}) if the port
     *     cannot be bound
     */
    public HTTPServer listen(int port) {
        HTTPServer server = new HTTPServer(this);
        server.listen(port);
        return server;
    }

    /**
     * Starts an {@link HTTPServer} for this application on {@code address:port}.
     *
     * @param port the port; 0 picks a free one
     * @param address the address to bind, e.g. "127.0.0.1"
     * @return the server
     */
    public HTTPServer listen(int port, String address) {
        HTTPServer server = new HTTPServer(this);
        server.listen(port, address);
        return server;
    }

    /**
     * Finds the route for the request's path, creates its handler and runs it.
     *
     * @param request the request
     * @return a future completed when the handler is done (it never fails: handler errors become error
     *     responses and are logged; only a {@link FallbackHandler}'s callback failure is passed on, for the
     *     server to handle as any callback's)
     */
    @Override
    public Future<?> handleRequest(HTTPServerRequest request) {
        String path = request.path();
        Future<?> staticFile = StaticFileHandler.serveSettings(this, request);
        if (staticFile != null) {
            return staticFile;
        }
        for (Route route : routes) {
            if (route.literal != null) {
                if (route.literal.equals(path)) {
                    return run(route, request, NO_ARGS);
                }
                continue;
            }
            Matcher m = route.pattern.matcher(path);
            if (m.matches()) {
                String[] args = new String[m.groupCount()];
                for (int i = 0; i < args.length; i++) {
                    String g = m.group(i + 1);
                    args[i] = g == null ? null : HTTPUtil.urlDecode(g, false);
                }
                return run(route, request, args);
            }
        }
        Supplier<? extends RequestHandler> fallback = settings.defaultHandler();
        if (fallback != null) {
            RequestHandler handler = fallback.get();
            if (handler == null) {
                throw new IllegalStateException("The default handler factory returned null");
            }
            return handler.execute(this, request, NO_ARGS);
        }
        return new RequestHandler().executeError(this, request, 404);
    }

    /**
     * Called by the connection when a request's headers are complete: if the route that will serve it
     * has a handler class annotated {@link StreamRequestBody}, returns that handler ready to receive the body
     * piece by piece; otherwise null (the body is buffered and {@link #handleRequest} runs as usual).
     */
    StreamedRequest streamedRequest(HTTPServerRequest request) {
        String path = request.path();
        WebSettings s = settings;
        if (s.staticPath() != null && (path.startsWith(s.staticUrlPrefix()) || path.equals("/favicon.ico")
                || path.equals("/robots.txt"))) {
            return null;
        }
        for (Route route : routes) {
            String[] args;
            if (route.literal != null) {
                if (!route.literal.equals(path)) {
                    continue;
                }
                args = NO_ARGS;
            } else {
                Matcher m = route.pattern.matcher(path);
                if (!m.matches()) {
                    continue;
                }
                args = new String[m.groupCount()];
                for (int i = 0; i < args.length; i++) {
                    String g = m.group(i + 1);
                    args[i] = g == null ? null : HTTPUtil.urlDecode(g, false);
                }
            }
            if (!(route.factory instanceof ClassFactory)) {
                return null;
            }
            StreamRequestBody streaming = ((ClassFactory) route.factory).cls.getAnnotation(StreamRequestBody.class);
            if (streaming == null) {
                return null;
            }
            return new StreamedRequest(route.factory.get(), this, args, streaming.maxBodySize());
        }
        return null;
    }

    /** @return true if some route's handler class is annotated {@link StreamRequestBody} (cheap: no matching) */
    boolean streamsAny() {
        for (Route route : routes) {
            if (route.factory instanceof ClassFactory && ((ClassFactory) route.factory).streaming) {
                return true;
            }
        }
        return false;
    }

    /** A factory that calls a handler class's constructor; remembers the class for {@link #streamedRequest}. */
    private static final class ClassFactory implements Supplier<RequestHandler> {
        final Class<? extends RequestHandler> cls;
        private final Constructor<? extends RequestHandler> ctor;

        final boolean streaming;

        ClassFactory(Class<? extends RequestHandler> cls, Constructor<? extends RequestHandler> ctor) {
            this.cls = cls;
            this.streaming = cls.isAnnotationPresent(StreamRequestBody.class);
            this.ctor = ctor;
        }

        @Override
        public RequestHandler get() {
            try {
                return ctor.newInstance();
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw new IllegalStateException("Constructor of " + cls.getName() + " failed: " + cause, cause);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot instantiate handler " + cls.getName() + ": " + e, e);
            }
        }
    }

    private Future<?> run(Route route, HTTPServerRequest request, String[] args) {
        RequestHandler handler = route.factory.get();
        if (handler == null) {
            throw new IllegalStateException("The handler factory of route " + route + " returned null");
        }
        if (!route.verbsChecked) { // a route made with a factory: its class is known from its first handler
            route.verbsChecked = true;
            VerbSignatures.warnIfMisdeclared(handler.getClass(), "route " + route.pattern.pattern());
        }
        InFlightRequests tracked = inFlight;
        long start = tracked == null ? 0 : System.nanoTime();
        Future<?> done = handler.execute(this, request, args);
        if (tracked != null && !done.isDone()) {
            tracked.add(handler, start);
            done.addDoneCallback(d -> tracked.remove(handler));
        }
        long deadline = requestDeadlineNanos;
        if (deadline > 0 && !done.isDone()) {
            io.squall.IOLoop loop = io.squall.IOLoop.current();
            io.squall.Timeout timer = loop.callLater(java.time.Duration.ofNanos(deadline),
                    () -> handler.deadlineExceeded(java.time.Duration.ofNanos(deadline)));
            done.addDoneCallback(d -> loop.removeTimeout(timer));
        }
        return done;
    }

    private static Pattern compile(String regex) {
        Objects.requireNonNull(regex, "regex");
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Invalid route pattern " + regex + ": " + e.getDescription(), e);
        }
    }

    private static Supplier<RequestHandler> factoryOf(Class<? extends RequestHandler> cls) {
        Objects.requireNonNull(cls, "handlerClass");
        if (Modifier.isAbstract(cls.getModifiers())) {
            throw new IllegalArgumentException("Handler class " + cls.getName() + " is abstract");
        }
        Constructor<? extends RequestHandler> ctor;
        try {
            ctor = cls.getDeclaredConstructor();
            ctor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("Handler class " + cls.getName() + " has no no-argument constructor"
                    + (cls.isMemberClass() && !Modifier.isStatic(cls.getModifiers())
                            ? " (it is an inner class: make it static)" : "")
                    + "; add one or pass a factory such as () -> new " + cls.getSimpleName() + "(...)", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Cannot access the constructor of handler class " + cls.getName()
                    + ": " + e.getMessage() + "; pass a factory instead", e);
        }
        return new ClassFactory(cls, ctor);
    }

    /**
     * Writes the access log line of a finished request (Tornado's {@code Application.log_request}): the
     * settings' {@link WebSettings#logFunction} if set, else {@link AccessLog#log}. Override it in a subclass
     * to log elsewhere. Called on the loop thread by the handler's {@code finish()}; an exception is logged.
     *
     * @param handler the handler that finished
     */
    public void logRequest(RequestHandler handler) {
        java.util.function.Consumer<? super RequestHandler> fn = settings.logFunction();
        try {
            if (fn != null) {
                fn.accept(handler);
            } else {
                AccessLog.log(handler);
            }
        } catch (RuntimeException e) {
            io.squall.internal.Log.error("The access log function failed for " + handler.request(), e);
        }
    }
}
