package io.qmeter.cluster.slurm;

import java.util.Locale;

/**
 * A Slurm array task's state, from {@code squeue} while it is known to the controller and from
 * {@code sacct} after (where accounting is on).
 *
 * <pre>{@code
 * TaskState s = TaskState.parse("CANCELLED by 0");   // CANCELLED
 * }</pre>
 */
public enum TaskState {
    /** Waiting for resources or its turn. */
    PENDING,
    /** Running (or completing). */
    RUNNING,
    /** Ended with exit status 0. */
    COMPLETED,
    /** Ended with a non-zero exit status. */
    FAILED,
    /** Cancelled ({@code scancel}). */
    CANCELLED,
    /** Killed at its time limit. */
    TIMEOUT,
    /** Its node failed. */
    NODE_FAIL,
    /** Preempted by another job. */
    PREEMPTED,
    /** Killed for using more memory than it asked for. */
    OUT_OF_MEMORY,
    /** Gone from the queue and no accounting to say how it ended: read its points from the store. */
    ENDED;

    /**
     * Whether the task has ended.
     *
     * @return true unless pending or running
     */
    public boolean isTerminal() {
        return this != PENDING && this != RUNNING;
    }

    /**
     * Parses a state as {@code squeue %T} or {@code sacct State} prints it.
     *
     * @param text e.g. {@code RUNNING}, {@code CANCELLED by 0}, {@code OUT_OF_MEMORY}
     * @return the state
     * @throws IllegalArgumentException for a state this class does not know
     */
    public static TaskState parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        int sp = t.indexOf(' ');
        if (sp > 0) {
            t = t.substring(0, sp);
        }
        t = t.replace("+", "");
        switch (t) {
            case "PENDING": case "PD": case "REQUEUED": case "REQUEUE_HOLD": case "REQUEUE_FED": case "RESV_DEL_HOLD":
            case "SUSPENDED": case "S": case "CONFIGURING": case "CF":
                return PENDING;
            case "RUNNING": case "R": case "COMPLETING": case "CG": case "STAGE_OUT": case "SO": case "SIGNALING":
                return RUNNING;
            case "COMPLETED": case "CD":
                return COMPLETED;
            case "FAILED": case "F": case "BOOT_FAIL": case "BF": case "DEADLINE": case "DL": case "SPECIAL_EXIT":
                return FAILED;
            case "CANCELLED": case "CA": case "REVOKED": case "RV":
                return CANCELLED;
            case "TIMEOUT": case "TO":
                return TIMEOUT;
            case "NODE_FAIL": case "NF":
                return NODE_FAIL;
            case "PREEMPTED": case "PR":
                return PREEMPTED;
            case "OUT_OF_MEMORY": case "OOM":
                return OUT_OF_MEMORY;
            default:
                throw new IllegalArgumentException("unknown Slurm job state '" + text + "'");
        }
    }
}
