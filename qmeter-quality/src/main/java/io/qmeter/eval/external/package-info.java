/**
 * Drivers for external quality suites run as separate processes against a running engine:
 * {@link io.qmeter.eval.external.LmEvalDriver} (EleutherAI's lm-evaluation-harness through its
 * OpenAI-compatible {@code local-completions} / {@code local-chat-completions} models), whose result
 * files are parsed into {@link io.qmeter.quality.QualityScore}s.
 *
 * <pre>{@code
 * List<QualityScore> s = LmEvalDriver.builder(Path.of("lm-eval-out")).tasks("gsm8k").limit(50).build().run(handle);
 * }</pre>
 */
package io.qmeter.eval.external;
