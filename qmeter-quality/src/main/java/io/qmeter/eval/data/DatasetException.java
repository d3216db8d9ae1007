package io.qmeter.eval.data;

import io.qmeter.quality.QualityException;

/**
 * A dataset file is missing, is not in the expected format, or has an item without a field it
 * needs. The message names the file and, where it applies, the line, item and field.
 *
 * <pre>{@code
 * try { HumanEvalLoader.load(path); } catch (DatasetException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public class DatasetException extends QualityException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what was expected, what was found, what to do
     */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what was expected, what was found, what to do
     * @param cause   the cause
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
