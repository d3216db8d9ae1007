/**
 * The streaming-response decoders of the client: the Server-Sent-Events framing
 * ({@link io.qmeter.internal.sse.SseDecoder}) and the reading of OpenAI-compatible chunks
 * ({@link io.qmeter.internal.sse.ChunkInterpreter}). <b>Not public API</b> (see
 * {@link io.qmeter.internal}): may change without notice.
 */
package io.qmeter.internal.sse;
