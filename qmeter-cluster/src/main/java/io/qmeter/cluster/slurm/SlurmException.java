package io.qmeter.cluster.slurm;

/**
 * A Slurm command failed; the message carries its exit status and what it printed.
 *
 * <pre>{@code
 * try { slurm.submit(plan, file); } catch (SlurmException e) { System.err.println(e.getMessage()); }
 * }</pre>
 */
public final class SlurmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An error.
     *
     * @param message what failed
     */
    public SlurmException(String message) {
        super(message);
    }
}
