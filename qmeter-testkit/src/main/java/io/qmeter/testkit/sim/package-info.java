/**
 * The simulated serving engine's core: an iteration-level continuous-batching scheduler in the
 * manner of vLLM, a roofline performance model built from GPU, model and quantization tables, a
 * power model, and two ways to run them on the same code: {@link io.qmeter.testkit.sim.RealTimeBackend}
 * (an iteration thread that paces tokens in wall-clock time behind the HTTP front) and
 * {@link io.qmeter.testkit.sim.VirtualTimeSimulator} (a discrete-event simulation that explores
 * thousands of configurations in seconds). See docs/simulated-engine.md.
 */
package io.qmeter.testkit.sim;
