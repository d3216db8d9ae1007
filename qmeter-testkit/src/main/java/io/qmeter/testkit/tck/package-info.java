/**
 * Compatibility kits (TCKs): abstract JUnit 5 test classes that an implementation of a qMeter SPI
 * extends to prove it honours the SPI's contract, in the spirit of Micrometer's
 * {@code MeterRegistryCompatibilityKit}: {@link io.qmeter.testkit.tck.EngineCompatibilityKit},
 * {@link io.qmeter.testkit.tck.PowerSensorCompatibilityKit},
 * {@link io.qmeter.testkit.tck.ResultStoreCompatibilityKit},
 * {@link io.qmeter.testkit.tck.WorkloadCompatibilityKit},
 * {@link io.qmeter.testkit.tck.RequestSenderCompatibilityKit} and
 * {@link io.qmeter.testkit.tck.QualityBenchmarkCompatibilityKit}. Optional capabilities are separate
 * tests behind JUnit assumptions, so an implementation without one skips them instead of failing. JUnit Jupiter is an optional dependency of the testkit:
 * add {@code junit-jupiter-api} to your test scope to use these classes.
 *
 * <pre>{@code
 * class NvmlPowerSensorTest extends PowerSensorCompatibilityKit {
 *     protected PowerSensor createSensor() {
 *         return new NvmlPowerSensor(NvmlSensorOptions.defaults().withGpus(GpuSelection.indices(0)));
 *     }
 * }
 * }</pre>
 */
package io.qmeter.testkit.tck;
