package io.squall.checks;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.UnionType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.InstanceOfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;

/**
 * Scans one attributed class for coroutine mistakes and reports each at its source position with the fix
 * (see the {@link Check} keys). A diagnostic is dropped when an enclosing declaration has
 * {@code @SuppressWarnings("squall:<key>")} or {@code @SuppressWarnings("squall")}.
 */
final class CheckScanner extends TreePathScanner<Void, Void> {

    /** What is checked; the key is what {@code @SuppressWarnings("squall:key")} names. */
    enum Check {
        NOT_COROUTINE("not-coroutine", Diagnostic.Kind.ERROR),
        SYNCHRONIZED("synchronized", Diagnostic.Kind.ERROR),
        RETURN_TYPE("return-type", Diagnostic.Kind.ERROR),
        CONSTRUCTOR("constructor", Diagnostic.Kind.ERROR),
        ABSTRACT("abstract", Diagnostic.Kind.WARNING),
        IGNORED_FUTURE("ignored-future", Diagnostic.Kind.WARNING),
        SWALLOWED_CANCELLATION("swallowed-cancellation", Diagnostic.Kind.WARNING);

        final String key;
        final Diagnostic.Kind kind;

        Check(String key, Diagnostic.Kind kind) {
            this.key = key;
            this.kind = kind;
        }
    }

    static final String ASYNC = "io.squall.Async";
    static final String COROUTINE = "io.squall.annotations.Coroutine";
    /** squall-testing's test annotation: the agent rewrites a Future-returning {@code @SquallTest} method as a coroutine. */
    static final String SQUALL_TEST = "io.squall.testing.SquallTest";
    static final String CANCELLATION = "java.util.concurrent.CancellationException";
    private static final List<String> BROAD_CATCHES = Arrays.asList(
            "java.lang.Throwable", "java.lang.Exception", CANCELLATION);
    private static final List<String> FUTURE_TYPES = Arrays.asList(
            "io.squall.Future", "java.util.concurrent.CompletionStage", "java.util.concurrent.CompletableFuture");

    /** A method or lambda body being scanned: is it a coroutine, and how deep in synchronized blocks. */
    private static final class Frame {
        final boolean coroutine;
        /** "method fetch(String)", "a lambda returning String", "an initializer". */
        final String what;
        final boolean synchronizedMethod;
        final boolean lambda;
        int synchronizedDepth;

        Frame(boolean coroutine, String what, boolean synchronizedMethod) {
            this(coroutine, what, synchronizedMethod, false);
        }

        Frame(boolean coroutine, String what, boolean synchronizedMethod, boolean lambda) {
            this.coroutine = coroutine;
            this.what = what;
            this.synchronizedMethod = synchronizedMethod;
            this.lambda = lambda;
        }
    }

    private final Trees trees;
    private final Types types;
    private final Elements elements;
    private final CompilationUnitTree unit;
    private final Deque<Frame> frames = new ArrayDeque<>();

    CheckScanner(JavacTask task, Trees trees, CompilationUnitTree unit) {
        this.trees = trees;
        this.types = task.getTypes();
        this.elements = task.getElements();
        this.unit = unit;
    }

    @Override
    public Void visitClass(ClassTree node, Void p) {
        frames.push(new Frame(false, "an initializer or field of " + node.getSimpleName(), false));
        try {
            return super.visitClass(node, p);
        } finally {
            frames.pop();
        }
    }

    @Override
    public Void visitMethod(MethodTree node, Void p) {
        Element e = trees.getElement(getCurrentPath());
        boolean annotated = e != null && hasCoroutineAnnotation(e);
        String what = e == null ? "method " + node.getName() : describe((ExecutableElement) e);
        if (annotated) {
            checkDeclaration(node, (ExecutableElement) e, what);
        }
        // A Future-returning @SquallTest is a coroutine too (a void one is a plain test), as the agent sees it.
        boolean coroutine = annotated || (e != null && hasAnnotation(e, SQUALL_TEST)
                && isFutureType(((ExecutableElement) e).getReturnType()));
        boolean sync = node.getModifiers().getFlags().contains(Modifier.SYNCHRONIZED);
        frames.push(new Frame(coroutine, what, sync));
        try {
            return super.visitMethod(node, p);
        } finally {
            frames.pop();
        }
    }

    private void checkDeclaration(MethodTree node, ExecutableElement e, String what) {
        if (e.getKind() == ElementKind.CONSTRUCTOR) {
            report(Check.CONSTRUCTOR, node, "@Coroutine on a constructor of " + e.getEnclosingElement()
                    .getSimpleName() + ": a constructor cannot suspend. Fix: move the awaiting code into a static"
                    + " @Coroutine factory method that returns Future<" + e.getEnclosingElement().getSimpleName()
                    + ">");
            return;
        }
        if (node.getBody() == null) {
            report(Check.ABSTRACT, node, "@Coroutine on abstract " + what + " has no effect: the annotation is"
                    + " not inherited and there is no body to rewrite here, so the implementations cannot be"
                    + " checked from this declaration. Fix: put @Coroutine on each implementation and remove it"
                    + " here");
        }
        TypeMirror ret = e.getReturnType();
        if (!isFutureType(ret)) {
            Tree at = node.getReturnType() != null ? node.getReturnType() : node;
            report(Check.RETURN_TYPE, at, "@Coroutine " + what + " returns " + ret + ": a coroutine must return"
                    + " io.squall.Future, java.util.concurrent.CompletionStage or CompletableFuture, so the Squall"
                    + " agent refuses it. Fix: declare it to return Future<" + boxedName(ret) + "> and end it"
                    + " with 'return Future.of(value)'");
        }
    }

    @Override
    public Void visitLambdaExpression(LambdaExpressionTree node, Void p) {
        TypeMirror returned = lambdaReturnType(getCurrentPath());
        // An unknown or erroneous target type: javac reports that already; say nothing about awaits in it.
        boolean coroutine = returned == null || returned.getKind() == TypeKind.ERROR || isFutureType(returned);
        String what = "a lambda whose functional method returns "
                + (returned == null ? "an unknown type" : returned.getKind() == TypeKind.VOID ? "void"
                        : returned.toString());
        frames.push(new Frame(coroutine, what, false, true));
        try {
            return super.visitLambdaExpression(node, p);
        } finally {
            frames.pop();
        }
    }

    @Override
    public Void visitSynchronized(SynchronizedTree node, Void p) {
        scan(node.getExpression(), p);
        Frame f = frames.peek();
        if (f != null) {
            f.synchronizedDepth++;
        }
        try {
            return scan(node.getBlock(), p);
        } finally {
            if (f != null) {
                f.synchronizedDepth--;
            }
        }
    }

    @Override
    public Void visitMethodInvocation(MethodInvocationTree node, Void p) {
        if (isAwait(trees.getElement(getCurrentPath()))) {
            checkAwait(node);
        }
        return super.visitMethodInvocation(node, p);
    }

    private void checkAwait(MethodInvocationTree node) {
        Frame f = frames.peek();
        if (f == null || !f.coroutine) {
            String what = f == null ? "code outside any method" : f.what;
            // @Coroutine cannot be put on a lambda: say what works there instead.
            String fix = f != null && f.lambda
                    ? "Fix: @Coroutine does not apply to lambdas; await in a plain for loop in the enclosing"
                            + " @Coroutine method (not forEach or a stream), or give the lambda a functional interface"
                            + " whose method returns a Future (e.g. Function<T, Future<R>>) and await what it returns"
                    : "Fix: annotate the method with @Coroutine and declare it to return Future<T> (or"
                            + " CompletionStage/CompletableFuture), or await inside a lambda whose functional method"
                            + " returns a Future";
            report(Check.NOT_COROUTINE, node, "await in " + what + ", which is not a coroutine: it would throw"
                    + " IllegalStateException at run time. " + fix);
        } else if (f.synchronizedDepth > 0) {
            report(Check.SYNCHRONIZED, node, "await inside a synchronized block: a suspended coroutine cannot"
                    + " hold a monitor, so the Squall agent refuses this coroutine. Fix: move the await out of the"
                    + " synchronized block and keep the shared state on the IOLoop thread instead");
        } else if (f.synchronizedMethod) {
            report(Check.SYNCHRONIZED, node, "await in synchronized coroutine " + f.what + ": a suspended"
                    + " coroutine cannot hold a monitor, so the Squall agent refuses it. Fix: remove"
                    + " 'synchronized' and keep the shared state on the IOLoop thread instead");
        }
    }

    @Override
    public Void visitMemberReference(MemberReferenceTree node, Void p) {
        if (isAwait(trees.getElement(getCurrentPath()))) {
            report(Check.NOT_COROUTINE, node, "Async::await as a method reference never runs inside a coroutine:"
                    + " it would throw IllegalStateException at run time. Fix: call await(...) directly in a"
                    + " @Coroutine method or in a lambda whose functional method returns a Future");
        }
        return super.visitMemberReference(node, p);
    }

    @Override
    public Void visitExpressionStatement(ExpressionStatementTree node, Void p) {
        if (node.getExpression() instanceof MethodInvocationTree) {
            Element called = trees.getElement(new TreePath(getCurrentPath(), node.getExpression()));
            if (called instanceof ExecutableElement && hasCoroutineAnnotation(called)
                    && isFutureType(((ExecutableElement) called).getReturnType())) {
                report(Check.IGNORED_FUTURE, node, "the Future returned by coroutine "
                        + describe((ExecutableElement) called) + " is ignored: if it fails, the failure is only"
                        + " logged when the future is garbage-collected. Fix: await it, return it, or start it"
                        + " with IOLoop.spawnCallback(() -> " + called.getSimpleName() + "(...))");
            }
        }
        return super.visitExpressionStatement(node, p);
    }

    @Override
    public Void visitTry(TryTree node, Void p) {
        Frame f = frames.peek();
        if (f != null && f.coroutine && !node.getCatches().isEmpty()
                && containsAwait(new TreePath(getCurrentPath(), node.getBlock()))) {
            TypeElement cancellation = elements.getTypeElement(CANCELLATION);
            boolean handledBefore = false;
            for (CatchTree c : node.getCatches()) {
                TreePath catchPath = new TreePath(getCurrentPath(), c);
                TypeMirror caught = trees.getTypeMirror(new TreePath(catchPath, c.getParameter()));
                if (cancellation == null || caught == null) {
                    break;
                }
                TypeMirror cancel = cancellation.asType();
                boolean exact = catchesExactly(caught, cancel);
                if ((exact || (!handledBefore && catches(caught, cancel)))
                        && !rethrowsOrChecks(new TreePath(catchPath, c.getBlock()))) {
                    report(Check.SWALLOWED_CANCELLATION, c.getParameter(), "catch (" + caught + " "
                            + c.getParameter().getName() + ") around an await also catches the"
                            + " CancellationException that cancels this coroutine, and neither rethrows it nor"
                            + " checks for it, so a cancelled coroutine would carry on. Fix: add 'catch"
                            + " (CancellationException c) { throw c; }' before it, or rethrow when '"
                            + c.getParameter().getName() + " instanceof CancellationException'");
                }
                handledBefore |= exact;
            }
        }
        return super.visitTry(node, p);
    }

    /**
     * Does this catch type catch a CancellationException as {@code Throwable}, {@code Exception} or itself
     * (also in a union)? Narrower supertypes (RuntimeException, IllegalStateException) are left alone: they are
     * mostly caught on purpose.
     */
    private boolean catches(TypeMirror caught, TypeMirror cancel) {
        if (caught instanceof UnionType) {
            for (TypeMirror alt : ((UnionType) caught).getAlternatives()) {
                if (catches(alt, cancel)) {
                    return true;
                }
            }
            return false;
        }
        Element e = types.asElement(caught);
        return e instanceof TypeElement && BROAD_CATCHES.contains(((TypeElement) e).getQualifiedName().toString());
    }

    private boolean catchesExactly(TypeMirror caught, TypeMirror cancel) {
        if (caught instanceof UnionType) {
            for (TypeMirror alt : ((UnionType) caught).getAlternatives()) {
                if (types.isSameType(alt, cancel)) {
                    return true;
                }
            }
            return false;
        }
        return types.isSameType(caught, cancel);
    }

    /** Does a catch block throw, mention CancellationException, or call isCancelled()? */
    private boolean rethrowsOrChecks(TreePath block) {
        boolean[] found = new boolean[1];
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitThrow(ThrowTree node, Void p) {
                found[0] = true;
                return null;
            }

            @Override
            public Void visitInstanceOf(InstanceOfTree node, Void p) {
                TypeMirror t = trees.getTypeMirror(new TreePath(getCurrentPath(), node.getType()));
                if (t != null && t.toString().equals(CANCELLATION)) {
                    found[0] = true;
                }
                return super.visitInstanceOf(node, p);
            }

            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void p) {
                if (node.getMethodSelect() instanceof MemberSelectTree
                        && ((MemberSelectTree) node.getMethodSelect()).getIdentifier().contentEquals("isCancelled")) {
                    found[0] = true;
                }
                return super.visitMethodInvocation(node, p);
            }

            @Override
            public Void visitLambdaExpression(LambdaExpressionTree node, Void p) {
                return null;
            }

            @Override
            public Void visitClass(ClassTree node, Void p) {
                return null;
            }
        }.scan(block, null);
        return found[0];
    }

    /** Does this code await, not counting lambdas and classes declared in it? */
    private boolean containsAwait(TreePath code) {
        boolean[] found = new boolean[1];
        new TreePathScanner<Void, Void>() {
            @Override
            public Void visitMethodInvocation(MethodInvocationTree node, Void p) {
                if (isAwait(trees.getElement(getCurrentPath()))) {
                    found[0] = true;
                }
                return super.visitMethodInvocation(node, p);
            }

            @Override
            public Void visitLambdaExpression(LambdaExpressionTree node, Void p) {
                return null;
            }

            @Override
            public Void visitClass(ClassTree node, Void p) {
                return null;
            }
        }.scan(code, null);
        return found[0];
    }

    private static boolean isAwait(Element e) {
        return e instanceof ExecutableElement && e.getSimpleName().contentEquals("await")
                && e.getEnclosingElement() instanceof TypeElement
                && ((TypeElement) e.getEnclosingElement()).getQualifiedName().contentEquals(ASYNC);
    }

    private static boolean hasCoroutineAnnotation(Element e) {
        return hasAnnotation(e, COROUTINE);
    }

    private static boolean hasAnnotation(Element e, String name) {
        for (AnnotationMirror a : e.getAnnotationMirrors()) {
            Element type = a.getAnnotationType().asElement();
            if (type instanceof TypeElement && ((TypeElement) type).getQualifiedName().contentEquals(name)) {
                return true;
            }
        }
        return false;
    }

    private boolean isFutureType(TypeMirror t) {
        if (t == null || t.getKind() != TypeKind.DECLARED) {
            return false;
        }
        Element e = types.asElement(t);
        return e instanceof TypeElement && FUTURE_TYPES.contains(((TypeElement) e).getQualifiedName().toString());
    }

    /** The return type of a lambda's functional method, as instantiated by the lambda's target type. */
    private TypeMirror lambdaReturnType(TreePath lambda) {
        TypeMirror target = trees.getTypeMirror(lambda);
        if (!(target instanceof DeclaredType) || target.getKind() != TypeKind.DECLARED) {
            return null; // an intersection cast or an erroneous type: nothing to say
        }
        DeclaredType type = (DeclaredType) target;
        TypeElement iface = (TypeElement) type.asElement();
        for (Element m : elements.getAllMembers(iface)) {
            if (m.getKind() == ElementKind.METHOD && m.getModifiers().contains(Modifier.ABSTRACT)
                    && !isObjectMethod((ExecutableElement) m)) {
                TypeMirror asMember = types.asMemberOf(type, m);
                return asMember instanceof ExecutableType ? ((ExecutableType) asMember).getReturnType()
                        : ((ExecutableElement) m).getReturnType();
            }
        }
        return null;
    }

    private boolean isObjectMethod(ExecutableElement m) {
        TypeElement object = elements.getTypeElement("java.lang.Object");
        for (Element o : object.getEnclosedElements()) {
            if (o.getKind() == ElementKind.METHOD && o.getSimpleName().equals(m.getSimpleName())
                    && types.isSubsignature((ExecutableType) m.asType(), (ExecutableType) o.asType())) {
                return true;
            }
        }
        return false;
    }

    private String boxedName(TypeMirror t) {
        if (t.getKind().isPrimitive()) {
            return types.boxedClass((javax.lang.model.type.PrimitiveType) t).getSimpleName().toString();
        }
        if (t.getKind() == TypeKind.VOID) {
            return "Void";
        }
        Element e = types.asElement(t);
        return e != null ? e.getSimpleName().toString() : t.toString();
    }

    private static String describe(ExecutableElement m) {
        StringBuilder s = new StringBuilder(m.getKind() == ElementKind.CONSTRUCTOR ? "constructor " : "method ");
        s.append(m.getKind() == ElementKind.CONSTRUCTOR ? m.getEnclosingElement().getSimpleName() : m.getSimpleName());
        s.append('(');
        for (int i = 0; i < m.getParameters().size(); i++) {
            if (i > 0) {
                s.append(", ");
            }
            TypeMirror t = m.getParameters().get(i).asType();
            String n = t.toString();
            int lt = n.indexOf('<');
            String raw = lt < 0 ? n : n.substring(0, lt);
            s.append(raw.substring(raw.lastIndexOf('.') + 1));
        }
        return s.append(')').toString();
    }

    private void report(Check check, Tree at, String message) {
        TreePath path = trees.getPath(unit, at);
        if (suppressed(path, check)) {
            return;
        }
        trees.printMessage(check.kind, message + " [squall:" + check.key + "]", at, unit);
    }

    private boolean suppressed(TreePath path, Check check) {
        for (TreePath p = path; p != null; p = p.getParentPath()) {
            Tree t = p.getLeaf();
            if (t instanceof MethodTree || t instanceof ClassTree || t instanceof VariableTree) {
                Element e = trees.getElement(p);
                SuppressWarnings s = e == null ? null : e.getAnnotation(SuppressWarnings.class);
                if (s != null) {
                    for (String v : s.value()) {
                        if (v.equals("squall") || v.equals("squall:" + check.key)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }
}
