package io.qmeter.store;

/**
 * A results-store operation failed (database unreachable, schema too new, disk full). The message
 * says what was attempted and what to do; the cause is the driver's exception.
 *
 * <pre>{@code
 * try { store.put(run); } catch (StoreException e) { log.error("could not save {}", run.key(), e); }
 * }</pre>
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param cause   the underlying exception, or {@code null}
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
