package io.squall.http;

/**
 * Thrown by {@link JSON#decode(String)} for text that is not valid JSON (RFC 8259); the message says what
 * was expected, what was found, and where (line and column, both from 1).
 */
public class JSONDecodeError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    /**
     * Creates the error.
     *
     * @param message what is wrong
     * @param line the line, from 1
     * @param column the column, from 1
     */
    public JSONDecodeError(String message, int line, int column) {
        super(message + " at line " + line + ", column " + column);
        this.line = line;
        this.column = column;
    }

    /** @return the line of the error, from 1 */
    public int line() {
        return line;
    }

    /** @return the column of the error, from 1 */
    public int column() {
        return column;
    }
}
