package io.qmeter.sweep;

import io.qmeter.search.Probe;

/**
 * Supplies the probe a {@link SweepCoordinator}'s saturation search runs for one configuration.
 * The coordinator hands over the configuration's settings and its default probe: a real-time
 * {@link io.qmeter.search.LoadProbe} against the configuration's running engine, already wired to the engine
 * supervision, the {@code probeRequestTimeout}, {@code probeMinDuration} and
 * {@code burstRequests} settings. Return it (the default), wrap it, or replace it: for example by a
 * virtual-time model of the same engine whose probes cost milliseconds instead of minutes (the
 * testkit's {@code VirtualTimeProbe}). A replacement is judged by the plan's SLO like the default,
 * its saturation point is stored the same way, and the plan's runs still go to the real engine.
 *
 * <p>A replacement must honour a burst request ({@code ProbeRequest.isBurst()}, when the search
 * starts from a max-throughput burst) with {@code withAchievedThroughput(...)}, and report failed
 * requests as {@code +Infinity} samples. The coordinator's engine supervision only watches the
 * default probe.
 *
 * <pre>{@code
 * SweepCoordinator c = SweepCoordinator.builder(store)
 *         .searchProbe((settings, realTime) -> settings.engine().equals("simulated")
 *                 ? VirtualTimeProbe.of(simConfigOf(settings), LengthDistribution.shareGptLike())
 *                 : realTime)
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface SearchProbeFactory {

    /** The default: the real-time load probe against the running engine. */
    SearchProbeFactory REAL_TIME = (settings, realTime) -> realTime;

    /**
     * The probe for one configuration's saturation search; called once per search attempt.
     *
     * @param settings the configuration
     * @param realTime the coordinator's real-time probe against the configuration's running engine
     * @return the probe to search with, not null
     */
    Probe probeFor(EngineSettings settings, Probe realTime);
}
