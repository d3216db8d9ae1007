/**
 * Quality benchmarks that run against a serving engine through qMeter's HTTP client:
 * {@link io.qmeter.eval.HumanEvalBenchmark} (pass@k with completions executed in a bubblewrap
 * sandbox) and {@link io.qmeter.eval.Gsm8kBenchmark} (lm-eval's strict and flexible exact match).
 * Both are registered with {@link java.util.ServiceLoader} as
 * {@link io.qmeter.quality.QualityBenchmark}s and can be built explicitly.
 *
 * <pre>{@code
 * QualityScore s = new HumanEvalBenchmark().run(handle,
 *         QualityOptions.defaults().withDataset(Path.of("HumanEval.jsonl.gz")));
 * }</pre>
 */
package io.qmeter.eval;
