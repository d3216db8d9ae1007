package io.qmeter.engines;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * What it takes to bring one configuration up: preparation steps that must each exit 0 first (a
 * quantization, a TensorRT-LLM engine build), then the long-running server and where it will
 * listen.
 *
 * <pre>{@code
 * LaunchPlan p = EngineDialects.find("llama.cpp").plan(config);
 * p.server().command(); // [llama-server, -m, ..., --port, 8080]
 * }</pre>
 *
 * @param preparation     steps run one after another before the server; empty when none is needed
 * @param server          the serving process
 * @param baseUrl         where its OpenAI-compatible API will answer, without {@code /v1}
 * @param servedModelName the model name to put in requests
 */
public record LaunchPlan(List<ProcessSpec> preparation, ProcessSpec server, URI baseUrl, String servedModelName) {

    /** Validates and copies. */
    public LaunchPlan {
        preparation = List.copyOf(Objects.requireNonNull(preparation, "preparation"));
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(servedModelName, "servedModelName");
    }
}
