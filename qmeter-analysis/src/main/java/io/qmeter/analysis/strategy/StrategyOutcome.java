package io.qmeter.analysis.strategy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One strategy's result over a trace (a row of the seed's Table 4).
 *
 * <pre>{@code
 * System.out.println(o.averageGpus() + " GPUs, " + o.joulesPerToken() + " J/token");
 * }</pre>
 *
 * @param strategy           the strategy's name
 * @param averageGpus        GPUs in use, averaged over the steps
 * @param sloAttainment      share of requests served by a deployment meeting every SLO, 0–1
 * @param latencyAttainment  share meeting the latency SLOs, 0–1
 * @param qualityAttainment  share meeting the quality SLO, 0–1
 * @param joulesPerToken     cluster energy ÷ cluster output tokens
 * @param choices            per pool, the configurations chosen and in how many steps
 */
public record StrategyOutcome(String strategy, double averageGpus, double sloAttainment, double latencyAttainment,
                              double qualityAttainment, double joulesPerToken, Map<String, Map<String, Integer>> choices) {

    /** Copies the map. */
    public StrategyOutcome {
        choices = Collections.unmodifiableMap(new LinkedHashMap<>(choices));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%-26s %8.1f %10.1f %9.1f %9.1f %9.4f J", strategy, averageGpus,
                100 * sloAttainment, 100 * latencyAttainment, 100 * qualityAttainment, joulesPerToken);
    }
}
