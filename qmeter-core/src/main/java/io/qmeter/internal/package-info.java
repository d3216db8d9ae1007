/**
 * Implementation details of qMeter core. <b>Not public API</b>: nothing in {@code io.qmeter.internal}
 * or its subpackages is covered by any compatibility promise, and anything here may change or go
 * without notice. It is public only so that qMeter's own packages (and the unpublished
 * {@code qmeter-bench}) can reach it; applications use {@code io.qmeter.QMeter}, the
 * {@link io.qmeter.client.RequestSender} SPI and the other documented types instead.
 */
package io.qmeter.internal;
