/**
 * Loaders for the real dataset files a user points at: HumanEval's JSONL (plain or gzipped) and
 * GSM8K's JSONL. Errors name the file, the line, the item and the field.
 *
 * <pre>{@code
 * List<HumanEvalProblem> problems = HumanEvalLoader.load(Path.of("HumanEval.jsonl.gz"));
 * List<Gsm8kProblem> questions = Gsm8kLoader.load(Path.of("gsm8k-test.jsonl"));
 * }</pre>
 */
package io.qmeter.eval.data;
