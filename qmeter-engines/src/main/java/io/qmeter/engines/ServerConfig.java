package io.qmeter.engines;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One serving configuration, independent of the engine program: the model, how it is quantized,
 * on which GPUs, and where it listens. A dialect turns it into command lines.
 *
 * <pre>{@code
 * ServerConfig c = ServerConfig.of("/models/llama-7b-f16.gguf", "W8A16-INT")
 *         .withGpus(List.of(0)).withPort(8080).withKvCacheType("q8_0");
 * }</pre>
 *
 * @param model           model path or name as the engine takes it (a GGUF file for llama.cpp, a
 *                        Hugging Face id or checkpoint folder for vLLM)
 * @param quantization    a seed method label ({@code FP16}, {@code W8A16-INT}, ... see
 *                        {@link QuantMethod}) or an engine-native format name ({@code Q4_K_M},
 *                        {@code awq}); each dialect says which it accepts
 * @param kvCacheType     the KV-cache type when it is not implied by the method (e.g.
 *                        {@code q8_0}, {@code fp8}); empty for the engine's default or the method's
 * @param tensorParallel  tensor-parallel degree, &ge; 1
 * @param gpus            CUDA device indices this server may use (put in {@code CUDA_VISIBLE_DEVICES});
 *                        empty for CPU or the engine's default
 * @param host            the address to listen on, e.g. {@code 127.0.0.1}
 * @param port            the port to listen on, 1–65535
 * @param servedModelName the model name to answer to; empty to let the dialect choose
 * @param contextLength   the context length, or 0 for the engine's default
 * @param maxConcurrency  the most requests served at once (llama.cpp slots, vLLM max-num-seqs), or 0 for the default
 * @param workDirectory   where preparation steps put what they make (quantized files, built engines)
 * @param extraArgs       arguments appended to the server's command line, in order
 * @param environment     variables added to the server's environment
 */
public record ServerConfig(String model, String quantization, Optional<String> kvCacheType, int tensorParallel,
                           List<Integer> gpus, String host, int port, Optional<String> servedModelName,
                           int contextLength, int maxConcurrency, Optional<Path> workDirectory,
                           List<String> extraArgs, Map<String, String> environment) {

    /** Validates and copies. */
    public ServerConfig {
        Objects.requireNonNull(model, "model");
        if (model.isBlank()) {
            throw new IllegalArgumentException("model must not be blank");
        }
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(kvCacheType, "kvCacheType");
        if (tensorParallel < 1) {
            throw new IllegalArgumentException("tensorParallel must be >= 1, was " + tensorParallel);
        }
        gpus = List.copyOf(Objects.requireNonNull(gpus, "gpus"));
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        Objects.requireNonNull(servedModelName, "servedModelName");
        if (contextLength < 0) {
            throw new IllegalArgumentException("contextLength must be >= 0, was " + contextLength);
        }
        if (maxConcurrency < 0) {
            throw new IllegalArgumentException("maxConcurrency must be >= 0, was " + maxConcurrency);
        }
        Objects.requireNonNull(workDirectory, "workDirectory");
        extraArgs = List.copyOf(Objects.requireNonNull(extraArgs, "extraArgs"));
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /**
     * A configuration on 127.0.0.1:8000, TP 1, no GPUs named, engine defaults otherwise.
     *
     * @param model        model path or name
     * @param quantization method label or engine-native format
     * @return the configuration
     */
    public static ServerConfig of(String model, String quantization) {
        return new ServerConfig(model, quantization, Optional.empty(), 1, List.of(), "127.0.0.1", 8000,
                Optional.empty(), 0, 0, Optional.empty(), List.of(), Map.of());
    }

    /** @param v the KV-cache type @return a copy with it */
    public ServerConfig withKvCacheType(String v) {
        return new ServerConfig(model, quantization, Optional.of(v), tensorParallel, gpus, host, port,
                servedModelName, contextLength, maxConcurrency, workDirectory, extraArgs, environment);
    }

    /** @param v the tensor-parallel degree @return a copy with it */
    public ServerConfig withTensorParallel(int v) {
        return new ServerConfig(model, quantization, kvCacheType, v, gpus, host, port,
                servedModelName, contextLength, maxConcurrency, workDirectory, extraArgs, environment);
    }

    /** @param v the CUDA device indices @return a copy with them */
    public ServerConfig withGpus(List<Integer> v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, v, host, port,
                servedModelName, contextLength, maxConcurrency, workDirectory, extraArgs, environment);
    }

    /** @param v the address to listen on @return a copy with it */
    public ServerConfig withHost(String v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, gpus, v, port,
                servedModelName, contextLength, maxConcurrency, workDirectory, extraArgs, environment);
    }

    /** @param v the port @return a copy with it */
    public ServerConfig withPort(int v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, gpus, host, v,
                servedModelName, contextLength, maxConcurrency, workDirectory, extraArgs, environment);
    }

    /** @param v the served model name @return a copy with it */
    public ServerConfig withServedModelName(String v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, gpus, host, port,
                Optional.of(v), contextLength, maxConcurrency, workDirectory, extraArgs, environment);
    }

    /** @param v the context length @return a copy with it */
    public ServerConfig withContextLength(int v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, gpus, host, port,
                servedModelName, v, maxConcurrency, workDirectory, extraArgs, environment);
    }

    /** @param v the most concurrent requests @return a copy with it */
    public ServerConfig withMaxConcurrency(int v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, gpus, host, port,
                servedModelName, contextLength, v, workDirectory, extraArgs, environment);
    }

    /** @param v the work directory for preparation output @return a copy with it */
    public ServerConfig withWorkDirectory(Path v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, gpus, host, port,
                servedModelName, contextLength, maxConcurrency, Optional.of(v), extraArgs, environment);
    }

    /** @param v extra server arguments @return a copy with them */
    public ServerConfig withExtraArgs(List<String> v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, gpus, host, port,
                servedModelName, contextLength, maxConcurrency, workDirectory, v, environment);
    }

    /** @param v extra environment variables @return a copy with them */
    public ServerConfig withEnvironment(Map<String, String> v) {
        return new ServerConfig(model, quantization, kvCacheType, tensorParallel, gpus, host, port,
                servedModelName, contextLength, maxConcurrency, workDirectory, extraArgs, v);
    }
}
