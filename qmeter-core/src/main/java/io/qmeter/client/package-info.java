/**
 * The streaming client: sends completion requests to OpenAI-compatible servers and measures each
 * one into a {@link io.qmeter.metrics.RequestRecord}.
 *
 * <p>{@link io.qmeter.client.RequestSender} is the contract the load generator drives;
 * {@link io.qmeter.client.LlmClient} is its HTTP implementation, written directly on Netty (native
 * epoll where the platform has it, NIO elsewhere): HTTP/1.1, a bounded pool of keep-alive
 * connections, one stream per connection, every arrival timestamped on the event loop before it is
 * decoded; a request is retried once only when the server closed a reused connection before any
 * byte of the response. Underneath, the stream decoder turns network bytes into Server-Sent Events
 * independently of how they were split, and each event's JSON becomes content, usage, finish
 * reason, {@code [DONE]} or an error, across the dialects of llama.cpp, vLLM and SGLang.
 *
 * <pre>{@code
 * try (LlmClient client = LlmClient.create(URI.create("http://127.0.0.1:8000"))) {
 *     RequestRecord r = client.send(CompletionRequest.of(Endpoint.COMPLETIONS, "m",
 *             PromptSpec.ofText("Hello", 2, 16)), 0, System.nanoTime()).join();
 * }
 * }</pre>
 */
package io.qmeter.client;
