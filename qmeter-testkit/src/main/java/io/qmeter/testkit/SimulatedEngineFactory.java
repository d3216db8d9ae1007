package io.qmeter.testkit;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineFactory;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link EngineFactory} of the {@code "simulated"} engine kind, registered through
 * {@code ServiceLoader}: a plan's engine settings become a {@link SimulatedEngine} on a free port
 * of 127.0.0.1.
 *
 * <p>Settings read: {@code model} (default Llama-2-7B), {@code quantization} (default FP16),
 * {@code tensorParallel} (default 1), {@code gpu} (default H100-80GB), {@code seed} (default 0),
 * {@code dialect} ({@code VLLM}, the default, or another {@link Dialect}) and
 * {@code servedModelName}. Unknown keys fail, so a typo does not silently run the default.
 * Simulated engines share no hardware, so any two are {@link #independent independent}.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("simulated").create(Map.of("model", "Llama-2-13B", "quantization", "W8A8-FP"));
 * }</pre>
 */
public final class SimulatedEngineFactory implements EngineFactory {

    private static final Set<String> KEYS = Set.of(MODEL, QUANTIZATION, TENSOR_PARALLEL, GPU, "seed", "dialect",
            "servedModelName", "engine");

    /** Creates the factory (for {@code ServiceLoader}). */
    public SimulatedEngineFactory() {
    }

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public Engine create(Map<String, String> settings) {
        Objects.requireNonNull(settings, "settings");
        for (String k : settings.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("simulated engine setting must be one of " + KEYS + ", was '" + k
                        + "'");
            }
        }
        SimulatedEngine.Builder b = SimulatedEngine.builder().port(0);
        String model = settings.get(MODEL);
        if (model != null) {
            b = b.model(model);
        }
        if (settings.get(QUANTIZATION) != null) {
            b = b.quantization(settings.get(QUANTIZATION));
        }
        if (settings.get(GPU) != null) {
            b = b.gpu(settings.get(GPU));
        }
        if (settings.get(TENSOR_PARALLEL) != null) {
            b = b.tensorParallel(parseInt(TENSOR_PARALLEL, settings.get(TENSOR_PARALLEL)));
        }
        if (settings.get("seed") != null) {
            try {
                b = b.seed(Long.parseLong(settings.get("seed").trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seed must be an integer, was '" + settings.get("seed") + "'", e);
            }
        }
        if (settings.get("dialect") != null) {
            try {
                b = b.dialect(Dialect.valueOf(settings.get("dialect").trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("dialect must be one of " + java.util.Arrays.toString(Dialect.values())
                        + ", was '" + settings.get("dialect") + "'", e);
            }
        }
        if (settings.get("servedModelName") != null) {
            b = b.servedModelName(settings.get("servedModelName"));
        }
        return b.build();
    }

    /**
     * The simulator configuration the engine of these settings runs (same validation as
     * {@link #create}), for example to model it in virtual time with the same scheduler and
     * roofline.
     *
     * <pre>{@code
     * SimConfig c = new SimulatedEngineFactory().simConfig(Map.of("model", "Llama-2-13B", "quantization", "FP16"));
     * }</pre>
     *
     * @param settings the settings
     * @return the configuration
     */
    public io.qmeter.testkit.sim.SimConfig simConfig(Map<String, String> settings) {
        return ((SimulatedEngine) create(settings)).config();
    }

    @Override
    public boolean independent(Map<String, String> a, Map<String, String> b) {
        return true;
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, was '" + v + "'", e);
        }
    }
}
