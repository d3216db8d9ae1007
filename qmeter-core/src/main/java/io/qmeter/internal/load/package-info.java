/**
 * The open-loop dispatcher behind {@link io.qmeter.LoadRun}
 * ({@link io.qmeter.internal.load.LoadRunner}). <b>Not public API</b> (see
 * {@link io.qmeter.internal}): may change without notice; run loads through {@code LoadRun}.
 */
package io.qmeter.internal.load;
