/**
 * qMeter analysis: trade-off fronts, saturation-point prediction (XGBoost4J), the energy-optimal DP x TP configuration, strategy comparison and the configuration advisor; figures (XChart) and the self-contained HTML report.
 */
package io.qmeter.analysis;
