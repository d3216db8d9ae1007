/**
 * The energy-optimal configuration with data parallelism (the seed's §8.2): for a target rate x,
 * ⌈x / x_s⌉ instances of a (method, TP, GPU) with the load spread evenly, their GPUs, power and
 * J/token; the optimum per rate band and the plot-ready J/token-vs-rate table.
 *
 * <pre>{@code
 * Optional<Deployment> d = Provisioner.optimum(set, slo, 120.0);
 * List<RateBand> bands = Provisioner.optimumBands(set, slo, Provisioner.rates(1, 200, 100));
 * }</pre>
 */
package io.qmeter.analysis.provision;
