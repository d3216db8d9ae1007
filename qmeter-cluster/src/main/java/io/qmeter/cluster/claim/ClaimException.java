package io.qmeter.cluster.claim;

/**
 * The claims table could not be read or written (the database is unreachable, the user lacks
 * rights, ...). The message names the table's URL without its password.
 *
 * <pre>{@code
 * try { claims.tryClaim(plan, key, owner, node, lease); }
 * catch (ClaimException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public final class ClaimException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An error with its cause.
     *
     * @param message what failed and what to do
     * @param cause   the database's error
     */
    public ClaimException(String message, Throwable cause) {
        super(message, cause);
    }
}
