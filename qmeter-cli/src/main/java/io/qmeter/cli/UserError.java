package io.qmeter.cli;

/**
 * A mistake in what the user gave the command (a file that is not there, a value out of range, an
 * invalid plan): the command prints the message without a stack trace and exits with
 * {@link ExitCodes#BAD_INPUT}.
 *
 * <pre>{@code
 * throw new UserError("--rate: expected a number > 0, was -1");
 * }</pre>
 */
public class UserError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message what is wrong and what to do, naming the option or field
     */
    public UserError(String message) {
        super(message);
    }

    /**
     * Creates the error with its cause (shown with {@code --verbose}).
     *
     * @param message what is wrong and what to do
     * @param cause   the underlying exception
     */
    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
