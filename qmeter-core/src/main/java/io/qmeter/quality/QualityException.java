package io.qmeter.quality;

/**
 * A quality benchmark could not run: its data is missing or malformed, the engine refused every
 * request, or its sandbox is unavailable. The message says what was expected, what was found and
 * what to do.
 *
 * <pre>{@code
 * throw new QualityException("HumanEval data not found at " + path + "; pass QualityOptions.withDataset(path)");
 * }</pre>
 */
public class QualityException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what was expected, what was found, what to do
     */
    public QualityException(String message) {
        super(message);
    }

    /**
     * An exception with a message and a cause.
     *
     * @param message what was expected, what was found, what to do
     * @param cause   the cause
     */
    public QualityException(String message, Throwable cause) {
        super(message, cause);
    }
}
