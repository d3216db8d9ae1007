/**
 * The self-contained HTML report of a study: one file with the figures inline (PNG data URIs), the
 * tables of runs, quality scores and failures, and the metadata a reviewer needs
 * ({@link io.qmeter.analysis.report.HtmlReport}).
 *
 * <pre>{@code
 * try (ResultStore store = ResultStore.sqlite(Path.of("results.db"))) {
 *     Path html = HtmlReport.of(store).plan("quant-sweep").writeTo(Path.of("report.html"));
 * }
 * }</pre>
 */
package io.qmeter.analysis.report;
