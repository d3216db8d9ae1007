/**
 * Launched engines: {@link io.qmeter.engines.launch.LaunchedEngine} turns an
 * {@link io.qmeter.engines.EngineDialect} and a {@link io.qmeter.engines.ServerConfig} into an
 * {@link io.qmeter.engine.Engine} that runs the launch plan's preparation steps, starts the server,
 * waits for it to be ready, watches it while it runs (crash and hang), scrapes its metrics and
 * stops its whole process tree. {@link io.qmeter.engines.launch.DialectEngineFactory} registers
 * one {@link io.qmeter.engine.EngineFactory} per engine kind for plans.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("vllm").create(Map.of("model", "meta-llama/Llama-2-7b-hf",
 *         "quantization", "W4A16-INT", "tensorParallel", "1", "gpu", "0"));
 * try (EngineHandle h = e.start()) { ... }
 * }</pre>
 */
package io.qmeter.engines.launch;
