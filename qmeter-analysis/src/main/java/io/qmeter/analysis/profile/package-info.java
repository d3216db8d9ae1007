/**
 * Configuration profiles: for one (model, method, GPU, tensor parallelism, workload) the
 * single-instance saturation point, the measured rate → (P90 TTFT, P90 TPOT, J/token, power)
 * points and the quality per task, read from a {@link io.qmeter.store.ResultStore}
 * ({@link io.qmeter.analysis.profile.StoreProfiles}) or generated in virtual time by the testkit's
 * simulated engine ({@link io.qmeter.analysis.profile.SimulatedProfiles}, labelled simulated).
 *
 * <pre>{@code
 * ProfileSet set = SimulatedProfiles.builder().build().generate();
 * ConfigProfile p = set.profiles().get(0);
 * double xs = p.saturationUnder(Slo.of(Duration.ofSeconds(1), Duration.ofMillis(200), 0));
 * }</pre>
 */
package io.qmeter.analysis.profile;
