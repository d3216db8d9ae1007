package io.qmeter.metrics;

/**
 * How a request ended. Only {@link #OK} counts as a success.
 *
 * <pre>{@code
 * long failed = records.stream().filter(r -> r.outcome() != Outcome.OK).count();
 * }</pre>
 */
public enum Outcome {
    /** The stream ended normally ({@code [DONE]} or a complete non-streaming body). */
    OK,
    /** The server answered with an HTTP status of 4xx or 5xx; the record holds its message. */
    HTTP_ERROR,
    /** The server sent an error event inside the stream, or the stream was cut before it ended. */
    STREAM_ERROR,
    /** A timeout fired: connect, first token, idle gap between tokens, or whole request. */
    TIMEOUT,
    /** The connection could not be made or broke (refused, reset). */
    CONNECTION_ERROR,
    /** The server sent bytes that are not a valid response (bad JSON, not SSE). */
    MALFORMED,
    /** The run was cancelled or ended before the request completed. */
    CANCELLED
}
