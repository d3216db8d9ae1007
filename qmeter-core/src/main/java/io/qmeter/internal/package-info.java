/**
 * Implementation details of qMeter core. Not public API: anything here may change without notice.
 */
package io.qmeter.internal;
