/**
 * Runnable examples: the quantization study (the README's main job), a single load run, the
 * saturation-search accuracy check, and the plan used by the crash/resume tests.
 *
 * <pre>{@code
 * mvn -B -q -DskipTests -Pmain-job package        # QuantizationStudy
 * mvn -B -q -DskipTests -Pload-example package    # LoadRunExample
 * }</pre>
 */
package io.qmeter.examples;
