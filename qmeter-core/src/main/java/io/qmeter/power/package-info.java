/**
 * Energy measurement: the {@link io.qmeter.power.PowerSensor} SPI, energy windows and readings.
 * J/token is the energy of all GPUs serving a model over a window divided by the output tokens
 * completed in it; gross by default, net (minus idle power times duration) beside it.
 */
package io.qmeter.power;
