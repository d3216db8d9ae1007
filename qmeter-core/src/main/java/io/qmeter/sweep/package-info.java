/**
 * Sweeps and plans: a {@link io.qmeter.sweep.Plan} is a configuration space (engine settings ×
 * request rates × repetitions, with a workload, an SLO, a run length and a seed), built with a
 * fluent immutable builder or read from a JSON file (docs/plan-schema.md), and expanded into an
 * ordered list of {@link io.qmeter.sweep.PlanPoint}s with stable keys so that a re-run maps to the
 * same results.
 *
 * <pre>{@code
 * Plan plan = Plan.read(Path.of("examples/plans/quantization-sweep.json"));
 * for (PlanPoint p : plan.points()) {
 *     System.out.println(p.key() + " " + p.configuration().quantization() + " @ " + p.rate().label());
 * }
 * }</pre>
 */
package io.qmeter.sweep;
