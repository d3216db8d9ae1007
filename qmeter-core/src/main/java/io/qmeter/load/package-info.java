/**
 * Load: open-loop arrival processes (Poisson, Poisson with an exact count for short runs, gamma
 * with burstiness, constant, trace replay), a {@link io.qmeter.load.ClosedLoop} of N busy streams,
 * and the {@link io.qmeter.load.LoadPlan}. A plan is run by {@link io.qmeter.LoadRun}, whose
 * dispatcher holds an absolute schedule (no coordinated omission) and records schedule lag and
 * queue delay apart.
 */
package io.qmeter.load;
