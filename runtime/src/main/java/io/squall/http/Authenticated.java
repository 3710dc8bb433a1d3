package io.squall.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Requires a logged-in user for a {@link RequestHandler} method, or for every method of a handler class
 * (Tornado's {@code @tornado.web.authenticated}). After {@link RequestHandler#prepare()}, the handler's
 * {@link RequestHandler#getCurrentUser()} runs (it may be a coroutine) and, when it finds nobody:
 * a GET or HEAD is redirected (302) to the login URL ({@link WebSettings#loginUrl(String)}) with
 * {@code next=} the request's URI (its full URL when the login URL is absolute), and any other method is
 * answered 403. With no login URL set, every method is answered 403. Inside the method,
 * {@link RequestHandler#currentUser()} is the user, never null.
 *
 * <pre>{@code
 * public class AdminHandler extends BaseHandler {   // BaseHandler overrides getCurrentUser()
 *     @Authenticated
 *     public Future<?> get(String... args) {
 *         User u = currentUser();
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>On a {@link StreamRequestBody} handler the check runs before the body is read.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Authenticated {
}
