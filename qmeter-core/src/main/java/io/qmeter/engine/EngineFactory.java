package io.qmeter.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * Turns a plan's engine settings into an {@link Engine}: the glue between a sweep plan (which names
 * an engine kind, a model, a quantization method, a tensor-parallel degree and a GPU) and the code
 * that launches such an engine.
 *
 * <p>SPI: implementations register in {@code META-INF/services/io.qmeter.engine.EngineFactory}
 * and are found by {@link #find(String)}; the testkit registers {@code "simulated"}. A factory can
 * also be passed to the sweep coordinator directly.
 *
 * <p>Settings are flat strings. The common keys are {@link #MODEL}, {@link #QUANTIZATION},
 * {@link #TENSOR_PARALLEL} and {@link #GPU}; a factory documents any other key it reads and fails
 * with an {@link IllegalArgumentException} naming the key and the value it cannot use.
 *
 * <pre>{@code
 * EngineFactory f = EngineFactory.find("simulated");
 * Engine e = f.create(Map.of("model", "Llama-2-13B", "quantization", "W4A16-INT",
 *         "tensorParallel", "1", "gpu", "H100-80GB"));
 * try (EngineHandle h = e.start()) { ... }
 * }</pre>
 */
public interface EngineFactory {

    /** Settings key of the model name. */
    String MODEL = "model";
    /** Settings key of the quantization method. */
    String QUANTIZATION = "quantization";
    /** Settings key of the tensor-parallel degree (an integer as text). */
    String TENSOR_PARALLEL = "tensorParallel";
    /** Settings key of the GPU (a name, or device ids for launched engines). */
    String GPU = "gpu";

    /**
     * The engine kind this factory builds, as named in plans, for example {@code "simulated"} or
     * {@code "vllm"}.
     *
     * @return the name (lower case)
     */
    String name();

    /**
     * Builds an engine (not started) for these settings.
     *
     * @param settings the configuration's engine settings
     * @return the engine
     * @throws IllegalArgumentException naming the setting and the value when the settings cannot be served
     */
    Engine create(Map<String, String> settings);

    /**
     * Whether two configurations of this kind can run at the same time without disturbing each
     * other's measurements (separate GPUs, separate processes). Default: only when both name a
     * {@link #GPU} and the names differ.
     *
     * @param a the first configuration's settings
     * @param b the second configuration's settings
     * @return true when they may run concurrently
     */
    default boolean independent(Map<String, String> a, Map<String, String> b) {
        String ga = a.get(GPU);
        String gb = b.get(GPU);
        return ga != null && gb != null && !ga.equals(gb);
    }

    /**
     * Every factory registered through {@link ServiceLoader} on the class path.
     *
     * @return the factories, in the order the loader found them
     */
    static List<EngineFactory> available() {
        List<EngineFactory> out = new ArrayList<>();
        ServiceLoader.load(EngineFactory.class).forEach(out::add);
        return out;
    }

    /**
     * The registered factory of this name.
     *
     * @param name an engine kind, for example {@code "simulated"} (case-insensitive)
     * @return the factory
     * @throws IllegalArgumentException when none is registered, listing those that are
     */
    static EngineFactory find(String name) {
        Objects.requireNonNull(name, "name");
        List<EngineFactory> all = available();
        for (EngineFactory f : all) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        List<String> names = all.stream().map(EngineFactory::name).toList();
        throw new IllegalArgumentException("engine must be one of the registered kinds " + names + ", was '"
                + name.toLowerCase(Locale.ROOT) + "'; add the module that provides it (qmeter-testkit for "
                + "'simulated', qmeter-engines for real engines) to the class path");
    }
}
