/**
 * Compatibility kits (TCKs): abstract JUnit 5 test classes that an implementation of a qMeter SPI
 * extends to prove it honours the SPI's contract, in the spirit of Micrometer's
 * {@code MeterRegistryCompatibilityKit}. JUnit Jupiter is an optional dependency of the testkit:
 * add {@code junit-jupiter-api} to your test scope to use these classes.
 *
 * <pre>{@code
 * class NvmlPowerSensorTest extends PowerSensorCompatibilityKit {
 *     protected PowerSensor createSensor() { return new NvmlPowerSensor(0); }
 * }
 * }</pre>
 */
package io.qmeter.testkit.tck;
