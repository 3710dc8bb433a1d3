package io.squall.tests.agent;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import io.squall.Future;
import io.squall.annotations.Coroutine;

/**
 * Compiles Java sources in memory with the running JDK's javac (so classes come from javac 17 on JDK 17
 * and javac 25 on JDK 25), against the Squall runtime, and loads them in a fresh class loader: defining
 * them goes through the installed agent like any application class.
 */
final class InMemoryJavac {

    private InMemoryJavac() {}

    /**
     * Compiles sources.
     *
     * @param sources class name to source text
     * @param options javac options, e.g. {@code -g:none}
     * @return internal class name to class file
     */
    static Map<String, byte[]> compile(Map<String, String> sources, String... options) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager std = javac.getStandardFileManager(null, null, null);
        Map<String, ByteArrayOutputStream> out = new HashMap<>();
        JavaFileManager fm = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                    FileObject sibling) {
                return new SimpleJavaFileObject(uri("mem:///" + className.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream b = new ByteArrayOutputStream();
                        out.put(className.replace('.', '/'), b);
                        return b;
                    }
                };
            }
        };
        List<JavaFileObject> units = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            units.add(new SimpleJavaFileObject(uri("mem:///" + e.getKey().replace('.', '/') + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return e.getValue();
                }
            });
        }
        List<String> opts = new ArrayList<>(List.of(options));
        opts.add("-proc:none"); // the snippets are refused on purpose: the agent is tested, not javac's checks
        opts.add("-classpath");
        opts.add(pathOf(Future.class) + File.pathSeparator + pathOf(Coroutine.class));
        StringWriter diagnostics = new StringWriter();
        if (!javac.getTask(diagnostics, fm, null, opts, null, units).call()) {
            throw new AssertionError("compilation failed:\n" + diagnostics);
        }
        Map<String, byte[]> classes = new HashMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        return classes;
    }

    /**
     * Defines compiled classes in a fresh loader whose parent is the test's loader.
     *
     * @param classes internal name to class file
     * @return the loader
     */
    static ClassLoader load(Map<String, byte[]> classes) {
        return new ClassLoader(InMemoryJavac.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name.replace('.', '/'));
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
    }

    private static String pathOf(Class<?> c) {
        try {
            return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static URI uri(String s) {
        return URI.create(s);
    }
}
