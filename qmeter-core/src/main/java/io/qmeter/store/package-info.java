/**
 * The results store: every run of a sweep, keyed by (plan id, configuration id, rate label,
 * repetition), so that writing twice is harmless and a sweep resumes where it stopped.
 *
 * <p>{@link io.qmeter.store.ResultStore} is the SPI; {@link io.qmeter.store.ResultStore#sqlite}
 * (a file, the embedded default, WAL mode) and {@link io.qmeter.store.ResultStore#postgres} (a
 * shared server) are one JDBC implementation. {@link io.qmeter.store.RunExport} writes CSV and
 * JSON Lines that pandas reads directly.
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"))) {
 *     store.put(StoredRun.ok(key, Map.of("engine", "vllm"), Map.of("ttft_p90_ms", 412.0), "{}"));
 *     RunExport.csv(store.findByPlan("quant-sweep"), Path.of("runs.csv"));
 * }
 * }</pre>
 */
package io.qmeter.store;
