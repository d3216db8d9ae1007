/**
 * Cluster strategies (the seed's §8.3, Table 4) and the configuration advisor: a seeded synthetic
 * cluster trace of four request types with their SLOs, one pool per type, the seed's three
 * strategies (FP16-Only, Quality-First, Energy-First) applied per time step, and the
 * {@link io.qmeter.analysis.strategy.Advisor}, which per pool and load band picks the least-energy
 * (model, method, GPU, TP, DP) that meets every SLO including quality.
 *
 * <pre>{@code
 * ClusterTrace trace = ClusterTrace.synthetic(RequestType.seedTypes(), ClusterTrace.SEED_SHARES, 150, 48, Duration.ofMinutes(30), 7L);
 * StrategyOutcome o = StrategyEvaluation.run(trace, RequestType.seedTypes(), profiles, Advisor.of(profiles));
 * }</pre>
 */
package io.qmeter.analysis.strategy;
