package io.squall.http;

import java.io.IOException;

/**
 * Renders named templates for {@link RequestHandler#render(String, Object)} (Tornado's template loader, made
 * pluggable: Squall ships no template language of its own). Set one with
 * {@link WebSettings#templateEngine(TemplateEngine)}; the optional module {@code squall-templates-mustache}
 * binds Mustache.java, with HTML escaping on, templates from a directory or the classpath.
 *
 * <p>Called on the loop thread of the request: an engine should compile each template once and cache it,
 * and must be safe to call from several loops at once when an application is served by more than one.
 * Rendering should not block on I/O once a template is cached.
 */
@FunctionalInterface
public interface TemplateEngine {
    /**
     * Renders the template {@code name} with {@code model}.
     *
     * @param name the template's name, as the engine resolves it (e.g. "page.mustache"); comes from the
     *     application's code, never from the request
     * @param model the values the template reads (a {@code Map}, a record, a bean: as the engine allows)
     * @return the rendered text
     * @throws IOException if the template cannot be found or read
     */
    String render(String name, Object model) throws IOException;
}
