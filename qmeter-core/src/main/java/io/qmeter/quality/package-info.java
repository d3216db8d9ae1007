/**
 * The quality axis: the {@link io.qmeter.quality.QualityBenchmark} SPI (a task with its items, how
 * to ask and how to score) and its result, {@link io.qmeter.quality.QualityScore}, which keeps every
 * item's request, response and verdict beside the aggregate, its standard error, bootstrap interval,
 * item count and seed. Implementations (HumanEval, GSM8K...) live in {@code qmeter-quality} and are
 * found with {@link java.util.ServiceLoader} or passed in explicitly.
 *
 * <pre>{@code
 * QualityScore s = QualityBenchmark.find("gsm8k").orElseThrow()
 *         .run(handle, QualityOptions.defaults().withMaxItems(100));
 * System.out.println(s.metric() + " = " + s.value() + " ± " + s.standardError());
 * }</pre>
 */
package io.qmeter.quality;
