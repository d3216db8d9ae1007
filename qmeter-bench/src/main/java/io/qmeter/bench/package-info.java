/**
 * Benchmarks of qMeter's own client and load runner: capacity against a neutral nginx SSE stub,
 * measurement fidelity against the testkit's scripted engine, many concurrent slow streams.
 * Each main prints one {@code name=value} line per figure; {@code qmeter-bench/run.sh} runs them all.
 *
 * <pre>{@code
 * java -cp "$CP" io.qmeter.bench.CapacityBench --url http://127.0.0.1:8090 --tokens 16
 * }</pre>
 */
package io.qmeter.bench;
