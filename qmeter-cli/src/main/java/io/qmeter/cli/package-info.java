/**
 * qMeter command line: the qmeter command (picocli) as a runnable jar.
 */
package io.qmeter.cli;
