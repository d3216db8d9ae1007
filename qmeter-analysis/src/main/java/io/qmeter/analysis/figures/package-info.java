/**
 * Figures of a study, drawn with XChart and written as PNG or SVG: latency and J/token against the
 * request rate with the SLO line and each configuration's saturation point, the energy-efficiency
 * rank of the methods per load level, the quality change against FP16 as a heat map, quality against
 * P90 TTFT and J/token with the Pareto front, a run's latency over time and the power timeline
 * ({@link io.qmeter.analysis.figures.StudyFigures}); and plain-data chart builders for anything else
 * ({@link io.qmeter.analysis.figures.LineChart}, {@link io.qmeter.analysis.figures.BarChart}).
 *
 * <p>Every figure colours a method the same way ({@link io.qmeter.analysis.figures.MethodColors},
 * the colour-blind-safe Okabe-Ito palette), puts units in its axis titles and switches an axis to a
 * logarithmic scale when its values span {@value io.qmeter.analysis.figures.LineChart#LOG_SPAN}× or
 * more. Rendering is headless.
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"))) {
 *     StudyFigures f = StudyFigures.of(store).plan("quant-sweep");
 *     f.latencyVsRate(RateMetric.TTFT_P90).writePng(Path.of("ttft.png"));
 * }
 * }</pre>
 */
package io.qmeter.analysis.figures;
