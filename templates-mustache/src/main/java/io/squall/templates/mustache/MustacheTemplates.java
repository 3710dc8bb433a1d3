package io.squall.templates.mustache;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import com.github.mustachejava.MustacheNotFoundException;

import io.squall.http.TemplateEngine;

/**
 * A {@link TemplateEngine} over <a href="https://github.com/spullara/mustache.java">Mustache.java</a>:
 * logic-less templates, {@code {{value}}} HTML-escaped (so a {@code <script>} in a value comes out as text),
 * {@code {{{value}}}} written raw, partials with {@code {{> name}}}. Templates are compiled on first use and
 * cached; the engine is thread-safe. Models are {@code Map}s, records or beans.
 *
 * <pre>{@code
 * Application app = new Application().addHandler("/", PageHandler.class);
 * app.settings().templateEngine(MustacheTemplates.fromDirectory(Path.of("templates")));
 * // in PageHandler.get(): return render("page.mustache", Map.of("title", "Hello"));
 * }</pre>
 */
public final class MustacheTemplates implements TemplateEngine {
    private final MustacheFactory factory;
    private final String where;

    private MustacheTemplates(MustacheFactory factory, String where) {
        this.factory = factory;
        this.where = where;
    }

    /**
     * Loads templates from files under {@code dir}; names are paths relative to it ("page.mustache",
     * "mail/welcome.mustache"). A name that leaves the directory is refused.
     *
     * @param dir the template directory
     * @return the engine
     * @throws IllegalArgumentException if {@code dir} is not a directory
     */
    public static MustacheTemplates fromDirectory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Template directory " + dir.toAbsolutePath() + " does not exist");
        }
        return new MustacheTemplates(new DefaultMustacheFactory(dir.toFile()), "directory " + dir.toAbsolutePath());
    }

    /**
     * Loads templates from the classpath under {@code root} (e.g. "templates" for files packed in
     * {@code src/main/resources/templates}), with the context class loader of the calling thread.
     *
     * @param root the resource folder, without leading or trailing slash
     * @return the engine
     */
    public static MustacheTemplates fromClasspath(String root) {
        Objects.requireNonNull(root, "root");
        return new MustacheTemplates(new DefaultMustacheFactory(root), "classpath folder " + root);
    }

    /**
     * Renders {@code name} with {@code model}; runs on the calling thread (the request's loop).
     *
     * @throws FileNotFoundException if there is no such template (or the name leaves the template root)
     * @throws IOException if the template cannot be read or does not parse
     */
    @Override
    public String render(String name, Object model) throws IOException {
        if (name.startsWith("/") || name.contains("\\") || ("/" + name + "/").contains("/../")) {
            throw new FileNotFoundException("Template name " + name + " leaves the " + where);
        }
        Mustache m;
        try {
            m = factory.compile(name);
        } catch (MustacheNotFoundException e) {
            FileNotFoundException nf = new FileNotFoundException("No template " + name + " in the " + where);
            nf.initCause(e);
            throw nf;
        } catch (RuntimeException e) {
            throw new IOException("Cannot compile template " + name + " from the " + where + ": " + e.getMessage(), e);
        }
        StringWriter out = new StringWriter();
        m.execute(out, model).flush();
        return out.toString();
    }

    @Override
    public String toString() {
        return "MustacheTemplates(" + where + ")";
    }
}
