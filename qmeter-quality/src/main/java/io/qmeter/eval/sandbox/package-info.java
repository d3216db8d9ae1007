/**
 * Running untrusted generated code: {@link io.qmeter.eval.sandbox.Sandbox} executes Python programs
 * inside Debian's bubblewrap (no network, read-only root, private {@code /tmp}, a time limit that
 * kills the process tree, a memory limit), many at once. Without bubblewrap it refuses, saying how
 * to install it, unless the caller explicitly chose {@link io.qmeter.eval.sandbox.Sandbox#unsandboxed()}.
 *
 * <pre>{@code
 * Sandbox box = Sandbox.bubblewrap().withTimeout(Duration.ofSeconds(3));
 * ExecutionResult r = box.run("assert 1 + 1 == 2\n");   // PASSED
 * }</pre>
 */
package io.qmeter.eval.sandbox;
