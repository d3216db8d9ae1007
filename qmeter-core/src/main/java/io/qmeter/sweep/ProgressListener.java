package io.qmeter.sweep;

/**
 * Receives a sweep's {@link SweepEvent}s. SPI: pass one (or several) to
 * {@link SweepCoordinator.Builder#listener(ProgressListener)}; {@link ConsoleProgress} is the
 * built-in one. Calls come from the coordinator's worker threads, possibly concurrently when
 * configurations run in parallel; a listener that throws is logged and otherwise ignored.
 *
 * <pre>{@code
 * ProgressListener failures = e -> {
 *     if (e instanceof SweepEvent.Failure f) System.err.println(f.cause());
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * Called for each event.
     *
     * @param event the event
     */
    void onEvent(SweepEvent event);
}
