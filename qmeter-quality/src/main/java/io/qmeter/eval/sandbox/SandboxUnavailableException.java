package io.qmeter.eval.sandbox;

import io.qmeter.quality.QualityException;

/**
 * Generated code cannot be run safely here: bubblewrap is not installed or cannot create a sandbox.
 * The message says how to install it, and that {@link Sandbox#unsandboxed()} exists for code one
 * trusts.
 *
 * <pre>{@code
 * try { Sandbox.bubblewrap(); } catch (SandboxUnavailableException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public class SandboxUnavailableException extends QualityException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception with a message.
     *
     * @param message what is missing and how to install it
     */
    public SandboxUnavailableException(String message) {
        super(message);
    }
}
