/**
 * JMH micro-benchmarks: SSE decoding per event, and recording a request into the metrics.
 *
 * <pre>{@code
 * java -cp "$CP" org.openjdk.jmh.Main 'io.qmeter.bench.jmh.*' -f 1 -wi 3 -w 2s -i 5 -r 2s
 * }</pre>
 */
package io.qmeter.bench.jmh;
