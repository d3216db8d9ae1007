/**
 * Open-loop load: arrival processes (Poisson, gamma with burstiness, constant, trace replay), the
 * {@link io.qmeter.load.LoadPlan} and the {@link io.qmeter.load.LoadRunner}, whose dispatcher holds
 * an absolute schedule (no coordinated omission) and records schedule lag and queue delay apart.
 */
package io.qmeter.load;
