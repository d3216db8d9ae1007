/**
 * Trade-offs (the seed's Finding #1): per task, the Pareto front over (P90 TTFT or TPOT, J/token,
 * quality) across model sizes and methods at one load, and which quantized larger models dominate
 * a smaller FP16 one, with the margins on each axis.
 *
 * <pre>{@code
 * double mid = TradeoffAnalysis.midRange(set, new ProfileKey("Llama-2-13B", "W8A8-INT", "H100-80GB", 1, "chat"));
 * TradeoffAnalysis.Result r = TradeoffAnalysis.at(set, "chat", "chat-s", mid, LatencyMetric.TTFT);
 * r.front().forEach(System.out::println);
 * }</pre>
 */
package io.qmeter.analysis.tradeoff;
