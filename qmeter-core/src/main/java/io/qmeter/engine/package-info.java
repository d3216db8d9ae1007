/**
 * Serving engines: the {@link io.qmeter.engine.Engine} SPI, running handles, health, and
 * {@link io.qmeter.engine.RemoteEngine} for a server someone else runs.
 */
package io.qmeter.engine;
