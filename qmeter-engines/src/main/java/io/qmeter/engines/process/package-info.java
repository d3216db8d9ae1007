/**
 * Running engine programs under supervision: a {@link io.qmeter.engines.process.SupervisedProcess}
 * starts a {@link io.qmeter.engines.ProcessSpec} from its argument list (never through a shell),
 * drains its output into a log file and a ring buffer, spots known fatal log lines, and stops the
 * whole process tree (also when the JVM exits).
 *
 * <pre>{@code
 * try (SupervisedProcess p = SupervisedProcess.start(spec, Path.of("/tmp/server.log"), 500, patterns)) {
 *     p.waitFor(Duration.ofSeconds(10));
 *     p.tail(20).forEach(System.out::println);
 * }
 * }</pre>
 */
package io.qmeter.engines.process;
