package io.qmeter.cluster.k8s;

import java.util.Objects;

/**
 * Why a task's pod failed, read from its status: typed, so a caller can tell a task to resubmit
 * (evicted, preempted) from one to fix (an image that does not pull, a task that runs out of memory).
 * Every failure keeps Kubernetes' own message.
 *
 * <pre>{@code
 * if (failure instanceof PodFailure.Evicted) resubmit();
 * else System.err.println(failure.message());
 * }</pre>
 */
public sealed interface PodFailure {

    /**
     * The pod's name.
     *
     * @return the name
     */
    String pod();

    /**
     * Kubernetes' message or reason.
     *
     * @return the text
     */
    String message();

    /**
     * Evicted by the kubelet (node pressure) or through the eviction API, or disrupted (drain,
     * preemption): the work was sound, resubmitting runs it.
     *
     * @param pod     the pod
     * @param reason  Kubernetes' reason ({@code Evicted}, {@code EvictionByEvictionAPI}, {@code PreemptionByScheduler}, ...)
     * @param message its message
     */
    record Evicted(String pod, String reason, String message) implements PodFailure {
        /** Checks every component is given. */
        public Evicted {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * A container was killed for exceeding its memory limit.
     *
     * @param pod     the pod
     * @param message the message
     */
    record OutOfMemory(String pod, String message) implements PodFailure {
        /** Checks every component is given. */
        public OutOfMemory {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The image could not be pulled ({@code ErrImagePull}, {@code ImagePullBackOff}, {@code InvalidImageName}).
     *
     * @param pod     the pod
     * @param reason  the waiting reason
     * @param message the message
     */
    record ImagePull(String pod, String reason, String message) implements PodFailure {
        /** Checks every component is given. */
        public ImagePull {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The task's process exited with a non-zero status (RunPoint: 1 error, 2 bad arguments, 3 lease lost).
     *
     * @param pod      the pod
     * @param exitCode the status
     * @param message  the termination reason and message
     */
    record Exited(String pod, int exitCode, String message) implements PodFailure {
        /** Checks every component is given. */
        public Exited {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * The pod ran past its active deadline.
     *
     * @param pod     the pod
     * @param message the message
     */
    record DeadlineExceeded(String pod, String message) implements PodFailure {
        /** Checks every component is given. */
        public DeadlineExceeded {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Failed for another reason (phase Failed without a cause above).
     *
     * @param pod     the pod
     * @param reason  the pod's reason, or empty
     * @param message the message
     */
    record Other(String pod, String reason, String message) implements PodFailure {
        /** Checks every component is given. */
        public Other {
            Objects.requireNonNull(pod, "pod");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
