package io.qmeter.engines.launch;

import io.qmeter.engine.EngineException;
import io.qmeter.engines.FailureKind;
import java.util.Objects;

/**
 * A launched engine could not start (or failed while it ran): carries the typed cause
 * ({@link #kind()}), the advice and, through {@link EngineException#logTail()}, its last log lines.
 *
 * <pre>{@code
 * try {
 *     engine.start();
 * } catch (EngineLaunchException e) {
 *     if (e.kind() == FailureKind.OUT_OF_MEMORY) System.out.println(e.advice());
 * }
 * }</pre>
 */
public class EngineLaunchException extends EngineException {

    private static final long serialVersionUID = 1L;

    private final transient LaunchFailure failure;

    /**
     * Creates the exception.
     *
     * @param failure the failure
     * @param cause   the underlying exception, or {@code null}
     */
    public EngineLaunchException(LaunchFailure failure, Throwable cause) {
        super(Objects.requireNonNull(failure, "failure").summary(), failure.logTail(), cause);
        this.failure = failure;
    }

    /** @return the typed cause */
    public FailureKind kind() {
        return failure.kind();
    }

    /** @return what the user can do about it */
    public String advice() {
        return failure.advice();
    }

    /** @return the whole failure record */
    public LaunchFailure failure() {
        return failure;
    }
}
