/**
 * The built-in engine dialects: llama.cpp, vLLM, SGLang, TensorRT-LLM and a generic
 * OpenAI-compatible command template. Each maps qMeter's quantization methods to its engine's
 * flags and checkpoint formats, refuses the combinations that do not exist with the reason, and
 * builds the argument lists the supervisor runs. Stateless and thread-safe; usually reached
 * through {@link io.qmeter.engines.EngineDialects#find(String)}. The catalogue as a table is in
 * {@code docs/engines.md}.
 *
 * <pre>{@code
 * EngineDialect llama = new LlamaCppDialect(Path.of("/opt/llama/llama-server"), Path.of("/opt/llama/llama-quantize"));
 * LaunchPlan p = llama.plan(ServerConfig.of("/models/tiny-f16.gguf", "Q4_0").withWorkDirectory(Path.of("/tmp/q")));
 * }</pre>
 */
package io.qmeter.engines.dialect;
