/**
 * Launchers for real serving engines (vLLM, TensorRT-LLM, SGLang, llama.cpp) and the catalogue of
 * quantization methods each supports: {@link io.qmeter.engines.QuantMethod} (FP16 and the seed's
 * eleven methods), {@link io.qmeter.engines.EngineDialect} (what one engine program needs: flags,
 * checkpoint formats, fatal log lines, metric names) and {@link io.qmeter.engines.EngineDialects}
 * (the built-in dialects, by name). A dialect only describes; the supervisor runs its
 * {@link io.qmeter.engines.LaunchPlan}. For a server you start yourself use
 * {@link io.qmeter.engine.RemoteEngine}. The catalogue as a table is in {@code docs/engines.md}.
 *
 * <pre>{@code
 * ServerConfig c = ServerConfig.of("/models/llama-2-7b-hf", "W8A8-FP").withGpus(List.of(0));
 * Support s = EngineDialects.find("vllm").support(c, Optional.of(GpuCapability.of("A100-80GB", 8, 0)));
 * s.reason(); // "W8A8-FP needs FP8 tensor cores, compute capability >= 8.9; this GPU (A100-80GB) is 8.0"
 * }</pre>
 */
package io.qmeter.engines;
