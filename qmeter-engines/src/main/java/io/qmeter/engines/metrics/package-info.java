/**
 * Engine-side metrics: a parser for the Prometheus text exposition format and a scraper that maps
 * an engine's own metric names to qMeter's canonical ones.
 *
 * <pre>{@code
 * List<PrometheusText.Sample> samples = PrometheusText.parse(body).samples();
 * double running = PrometheusText.parse(body).sum("vllm:num_requests_running");
 * }</pre>
 */
package io.qmeter.engines.metrics;
