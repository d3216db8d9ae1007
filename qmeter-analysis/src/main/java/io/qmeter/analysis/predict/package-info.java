/**
 * Saturation-point prediction (the seed paper's §8.1): gradient-boosted trees (XGBoost4J) from a
 * configuration's features (model size, quantization method as weight / activation / KV bits and
 * number format, GPU, tensor parallelism, input and output length) to its saturation request rate;
 * the seed's split schemes with MAPE and a bootstrap interval; feature importance; and the
 * prediction as a saturation search's starting bracket.
 *
 * <pre>{@code
 * List<SaturationPoint> points = SimulatedSaturationGrid.seedGrid().generate();
 * try (SaturationPredictor p = SaturationPredictor.train(points, PredictorParams.defaults())) {
 *     double rps = p.predict(points.get(0));
 * }
 * }</pre>
 */
package io.qmeter.analysis.predict;
