/**
 * Launchers for real serving engines (vLLM, TensorRT-LLM, SGLang, llama.cpp) and the catalogue of
 * quantization methods each supports.
 * the engine-launcher work; until then use {@link io.qmeter.engine.RemoteEngine} for a server you
 * start yourself, or the testkit's simulated engine.
 */
package io.qmeter.engines;
