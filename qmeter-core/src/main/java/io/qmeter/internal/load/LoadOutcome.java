package io.qmeter.internal.load;

import io.qmeter.metrics.LatencyStats;
import io.qmeter.metrics.MeasurementWindow;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.power.EnergyReading;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Internal: what one {@link LoadRunner} run produced (users get a {@code RunResult} from
 * {@code LoadRun.run()}): every request's record (times relative to the run's start
 * {@code t0}, sorted by schedule index; none dropped), the measurement window, and the energy
 * reading over the measured interval when a sensor was given.
 *
 * <pre>{@code
 * try (LoadRunner runner = new LoadRunner(plan, sender, null)) {
 *     LoadOutcome o = runner.run();
 *     RunSummary s = RunSummary.of(o.records(), o.window(), true);
 * }
 * }</pre>
 *
 * @param startedAt           wall-clock time of {@code t0}
 * @param records             every record, relative to {@code t0}
 * @param scheduleEndNanos    end of the schedule (duration, or the last scheduled offset)
 * @param window              the measured part of the schedule
 * @param energy              energy over the measured interval, or {@code null} without a sensor
 * @param energyStartNanos    when the energy window opened (relative), or -1
 * @param energyEndNanos      when it closed (relative), or -1
 * @param endReason           why dispatching stopped (duration reached, request count reached, trace
 *                            ended, workload exhausted, cancelled...)
 * @param cancelled           whether the run was cancelled
 * @param loopDelay           how late the sender's event loops ran over the measured window (see
 *                            {@link io.qmeter.client.LoopDelayWatch}), or {@code null} when the
 *                            sender does not sample them
 */
public record LoadOutcome(Instant startedAt, List<RequestRecord> records, long scheduleEndNanos,
                          MeasurementWindow window, EnergyReading energy, long energyStartNanos, long energyEndNanos,
                          String endReason, boolean cancelled, LatencyStats loopDelay) {

    /** Copies the records. */
    public LoadOutcome {
        Objects.requireNonNull(startedAt, "startedAt");
        records = List.copyOf(records);
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(endReason, "endReason");
    }
}
