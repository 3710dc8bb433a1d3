package io.squall.tests.shapes;

/** Lets other test packages find marker lines in this package's sources ({@link SourceLines}). */
public final class SourceLinesAccess {

    private SourceLinesAccess() {}

    /**
     * The line of a marker comment.
     *
     * @param file a source file of io.squall.tests.shapes, e.g. {@code RefusalShapesTest.java}
     * @param marker the marker text
     * @return its 1-based line
     */
    public static int lineOf(String file, String marker) {
        return SourceLines.lineOf(file, marker);
    }
}
