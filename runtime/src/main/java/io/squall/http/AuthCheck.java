package io.squall.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.squall.Future;
import io.squall.IOLoop;

/** The check of {@link Authenticated}, run by {@link RequestHandler} between prepare() and the method. */
final class AuthCheck {
    private static final ClassValue<Map<String, Boolean>> ANNOTATED = new ClassValue<>() {
        @Override
        protected Map<String, Boolean> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };
    private static final Map<String, String> VERBS = new LinkedHashMap<>();

    static {
        for (String v : new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}) {
            VERBS.put(v, v.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private AuthCheck() {}

    /** True if {@code cls}'s method for {@code verb}, or the class, is annotated. */
    static boolean required(Class<?> cls, String verb) {
        String m = VERBS.get(verb);
        if (m == null) {
            return false;
        }
        return ANNOTATED.get(cls).computeIfAbsent(m, name -> {
            if (cls.isAnnotationPresent(Authenticated.class)) {
                return true;
            }
            try {
                return cls.getMethod(name, String[].class).isAnnotationPresent(Authenticated.class);
            } catch (NoSuchMethodException e) {
                return false;
            }
        });
    }

    /**
     * Runs between prepare() and the method: null when the method needs no user; otherwise a future that
     * completes once the user is known and, when there is none, the handler has answered (redirect or
     * 403). Never throws: a failure is in the future.
     */
    static Future<?> before(RequestHandler h, String verb) {
        try {
            if (!required(h.getClass(), verb)) {
                return null;
            }
            Future<Object> user = h.loadCurrentUser();
            Future<Void> out = new Future<>();
            IOLoop loop = IOLoop.current();
            user.addDoneCallback(f -> {
                if (loop.inLoopThread()) {
                    decide(h, verb, f, out);
                } else {
                    loop.addCallback(() -> decide(h, verb, f, out));
                }
            });
            return out;
        } catch (Throwable t) {
            return Future.failed(t);
        }
    }

    private static void decide(RequestHandler h, String verb, Future<Object> f, Future<Void> out) {
        Throwable t = f.exception();
        if (t != null) {
            out.trySetException(t);
            return;
        }
        try {
            if (f.result() == null) {
                refuse(h, verb);
            }
            out.trySetResult(null);
        } catch (Throwable e) {
            out.trySetException(e);
        }
    }

    private static void refuse(RequestHandler h, String verb) {
        String login = h.getLoginUrl();
        if (login == null || !(verb.equals("GET") || verb.equals("HEAD"))) {
            throw new HTTPError(403, "@Authenticated " + h.getClass().getName() + "." + VERBS.get(verb)
                    + ": nobody is logged in" + (login == null ? " and no loginUrl is set" : ""));
        }
        String url = login;
        if (login.indexOf('?') < 0) {
            HTTPServerRequest r = h.request();
            String next = login.contains("://") ? r.fullUrl() : r.uri();
            url = login + "?next=" + HTTPUtil.urlEncode(next);
        }
        h.redirect(url);
    }
}
