package io.qmeter.analysis.strategy;

import io.qmeter.analysis.profile.ProfileSet;
import io.qmeter.analysis.provision.Deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Applies a strategy at every step of a trace, per pool, and totals the cluster: GPUs in use,
 * SLO attainment (requests weighted by rate × step length; a request counts as meeting the
 * latency SLO when its pool's deployment, at its per-instance rate, meets P90 TTFT and TPOT on the
 * profile's interpolated points, and the quality SLO when the configuration's quality on the task
 * reaches the floor; a pool with no deployment serves nothing within SLO and uses no GPUs) and
 * cluster J/token (Σ J/token × output tokens ÷ Σ output tokens, tokens from the step's drawn mean
 * output length).
 *
 * <pre>{@code
 * StrategyOutcome o = StrategyEvaluation.run(trace, RequestType.seedTypes(), profiles, Strategies.fp16Only());
 * }</pre>
 */
public final class StrategyEvaluation {

    private StrategyEvaluation() {
    }

    /**
     * Runs a strategy over a trace.
     *
     * @param trace    the trace
     * @param types    the pools
     * @param profiles the profiles
     * @param strategy the strategy
     * @return the outcome
     */
    public static StrategyOutcome run(ClusterTrace trace, List<RequestType> types, ProfileSet profiles,
                                      Strategy strategy) {
        double gpuSteps = 0;
        double requests = 0;
        double okAll = 0;
        double okLatency = 0;
        double okQuality = 0;
        double energy = 0;
        double tokens = 0;
        Map<String, Map<String, Integer>> choices = new LinkedHashMap<>();
        for (TraceStep step : trace.steps()) {
            double seconds = step.length().toNanos() / 1e9;
            for (RequestType t : types) {
                double rate = step.rates().getOrDefault(t.name(), 0.0);
                if (!(rate > 0)) {
                    continue;
                }
                double n = rate * seconds;
                requests += n;
                Optional<Deployment> od = strategy.choose(t, rate, profiles);
                Map<String, Integer> c = choices.computeIfAbsent(t.name(), k -> new TreeMap<>());
                if (od.isEmpty()) {
                    c.merge("(none)", 1, Integer::sum);
                    continue;
                }
                Deployment d = od.get();
                c.merge(d.profile().key().shortLabel(), 1, Integer::sum);
                gpuSteps += d.gpus();
                boolean lat = d.ratePerInstance() <= d.saturationRate() * (1 + 1e-9) && t.slo().latencyMet(d.perInstance());
                boolean qual = d.profile().quality(t.task()).orElse(-1) >= t.slo().minQuality();
                okLatency += lat ? n : 0;
                okQuality += qual ? n : 0;
                okAll += lat && qual ? n : 0;
                double tok = n * step.meanOutputTokens().getOrDefault(t.name(), t.meanOutputTokens());
                tokens += tok;
                energy += d.joulesPerToken() * tok;
            }
        }
        return new StrategyOutcome(strategy.name(), gpuSteps / trace.steps().size(), okAll / requests,
                okLatency / requests, okQuality / requests, tokens > 0 ? energy / tokens : Double.NaN, choices);
    }
}
