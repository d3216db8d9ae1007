/**
 * qMeter's entry point: {@link io.qmeter.QMeter}, friendly to {@code import static} and jshell,
 * builds load runs ({@link io.qmeter.LoadRunBuilder} → {@link io.qmeter.LoadRun}) whose
 * {@link io.qmeter.RunResult} holds the summary, SLO report, client self-check, energy and raw
 * records, and serializes to JSON.
 *
 * <pre>{@code
 * import static io.qmeter.QMeter.*;
 * RunResult r = load("http://127.0.0.1:8000").model("m").workload(synthetic(331, 231))
 *         .arrivals(poisson(10)).duration(Duration.ofSeconds(20)).seed(42).build().run();
 * System.out.println(r.summaryTable());
 * }</pre>
 */
package io.qmeter;
