/**
 * Test servers for qMeter: {@link io.qmeter.testkit.SimulatedEngine} (an OpenAI-compatible HTTP
 * server whose tokens come from the simulated serving model), {@link io.qmeter.testkit.ScriptedEngine}
 * (a stub that answers each request from a {@link io.qmeter.testkit.Script}, in the spirit of
 * OkHttp's MockWebServer), {@link io.qmeter.testkit.FaultPlan} fault injection for both, and
 * {@link io.qmeter.testkit.SimulatedEngineMain} to run the simulated engine as a child process.
 *
 * <pre>{@code
 * try (ScriptedEngine server = ScriptedEngine.builder().build()) {
 *     server.enqueue(Script.builder().ttft(Duration.ofMillis(50)).gap(Duration.ofMillis(10)).tokens(20).build());
 *     EngineHandle h = server.start();
 *     ... send a request to h.baseUrl() ...
 *     RecordedRequest r = server.takeRequest(Duration.ofSeconds(1));
 * }
 * }</pre>
 */
package io.qmeter.testkit;
