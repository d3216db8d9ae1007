package io.qmeter.engines.launch;

import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineFactory;
import io.qmeter.engines.EngineDialect;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.Support;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@link EngineFactory} of one launched engine kind: a plan's flat settings become a
 * {@link ServerConfig} and {@link LaunchOptions}, and then a {@link LaunchedEngine} of that kind's
 * {@link EngineDialect}. One subclass per kind is registered for {@link java.util.ServiceLoader}:
 * {@code llama.cpp}, {@code vllm}, {@code sglang}, {@code tensorrt-llm}, {@code openai-generic}.
 *
 * <p>Settings (all text; unknown keys are refused with the key named):
 * <ul>
 *   <li>{@code model} (required): the model path or name as the engine takes it;</li>
 *   <li>{@code quantization}: a seed method label or an engine-native format (default {@code FP16});</li>
 *   <li>{@code tensorParallel}: the tensor-parallel degree (default 1);</li>
 *   <li>{@code gpu}: a comma list of CUDA device indices such as {@code 0,1} (put in
 *       {@code CUDA_VISIBLE_DEVICES}; at least {@code tensorParallel} of them), or a GPU type name
 *       such as {@code H200}, which is only recorded and means no explicit placement;</li>
 *   <li>{@code kvCacheType}: the KV-cache type when not implied by the method, e.g. {@code q8_0}, {@code fp8};</li>
 *   <li>{@code host} (default {@code 127.0.0.1}) and {@code port} (default 0: a free port at every start);</li>
 *   <li>{@code contextLength}, {@code maxConcurrency}: 0 or absent for the engine's default;</li>
 *   <li>{@code servedModelName}: the model name to answer to;</li>
 *   <li>{@code workDir}: where preparation steps put what they make;</li>
 *   <li>{@code extraArgs}: arguments appended to the server's command line, separated by spaces
 *       (an argument cannot contain a space);</li>
 *   <li>{@code env.NAME}: the environment variable {@code NAME} for the engine's processes;</li>
 *   <li>{@code executable}: the server's program instead of the dialect's (a stand-in, your own build);</li>
 *   <li>{@code binDir}: a folder searched first for every program of the launch plan;</li>
 *   <li>{@code logDir}: where the log files of each start go (default under the temp folder);</li>
 *   <li>{@code startTimeout}, {@code stopGrace}, {@code hangTimeout}, {@code restartBackoff}: durations
 *       such as {@code 90}, {@code 90s}, {@code 500ms}, {@code 5m} or {@code PT5M} (defaults 10
 *       minutes, 15 seconds, 30 seconds, 1 second; {@code restartBackoff} may be {@code 0}).</li>
 * </ul>
 * The configuration is checked against the dialect's catalogue when the engine is created
 * (without a GPU: GPU-dependent checks happen when the engine runs).
 *
 * <p>{@link #independent} is true only when both configurations name GPU indices and no index is
 * shared: two servers on one GPU would disturb each other's latency and energy.
 *
 * <pre>{@code
 * Engine e = EngineFactory.find("llama.cpp").create(Map.of("model", "/models/tiny-q4_0.gguf",
 *         "quantization", "Q4_0", "gpu", "0", "kvCacheType", "q8_0", "startTimeout", "2m"));
 * try (EngineHandle h = e.start()) { ... }
 * }</pre>
 */
public class DialectEngineFactory implements EngineFactory {

    /** Every settings key this factory reads (besides {@code env.NAME}). */
    public static final Set<String> KEYS = Collections.unmodifiableSet(new TreeSet<>(Set.of(MODEL, QUANTIZATION,
            TENSOR_PARALLEL, GPU, "kvCacheType", "host", "port", "contextLength", "maxConcurrency", "servedModelName",
            "workDir", "extraArgs", "executable", "binDir", "logDir", "startTimeout", "stopGrace", "hangTimeout",
            "restartBackoff")));

    private final String name;
    private final Supplier<EngineDialect> dialect;
    private final LaunchOptions baseOptions;

    /**
     * A factory for this kind.
     *
     * @param name    the engine kind as named in plans
     * @param dialect finds the dialect when an engine is created
     */
    public DialectEngineFactory(String name, Supplier<EngineDialect> dialect) {
        this(name, dialect, LaunchOptions.defaults());
    }

    /**
     * A factory for this kind whose engines start from these options (the settings override them).
     *
     * @param name        the engine kind as named in plans
     * @param dialect     finds the dialect when an engine is created
     * @param baseOptions the options before the settings apply
     */
    public DialectEngineFactory(String name, Supplier<EngineDialect> dialect, LaunchOptions baseOptions) {
        this.name = Objects.requireNonNull(name, "name");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.baseOptions = Objects.requireNonNull(baseOptions, "baseOptions");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LaunchedEngine create(Map<String, String> settings) {
        Objects.requireNonNull(settings, "settings");
        for (String k : settings.keySet()) {
            if (!KEYS.contains(k) && !(k.startsWith("env.") && k.length() > 4)) {
                throw new IllegalArgumentException(name + " engine setting must be one of " + KEYS
                        + " or env.NAME, was '" + k + "'");
            }
        }
        String model = settings.get(MODEL);
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(name + " engine setting 'model' is required (a model path or name)");
        }
        ServerConfig c = ServerConfig.of(model.trim(), settings.getOrDefault(QUANTIZATION, "FP16").trim());
        int tp = positiveInt(settings, TENSOR_PARALLEL, 1);
        c = c.withTensorParallel(tp);
        List<Integer> gpus = gpuIndices(settings.get(GPU)).orElse(List.of());
        if (!gpus.isEmpty() && gpus.size() < tp) {
            throw new IllegalArgumentException(name + " engine setting 'gpu' must name at least tensorParallel = " + tp
                    + " devices, was '" + settings.get(GPU) + "'");
        }
        c = c.withGpus(gpus);
        if (settings.containsKey("kvCacheType")) {
            c = c.withKvCacheType(nonBlank(settings, "kvCacheType"));
        }
        if (settings.containsKey("host")) {
            String host = nonBlank(settings, "host");
            c = new ServerConfig(c.model(), c.quantization(), c.kvCacheType(), c.tensorParallel(), c.gpus(), host,
                    c.port(), c.servedModelName(), c.contextLength(), c.maxConcurrency(), c.workDirectory(),
                    c.extraArgs(), c.environment());
        }
        LaunchOptions o = baseOptions;
        int port = intSetting(settings, "port", 0);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " engine setting 'port' must be 0 (a free port) or 1-65535, was '"
                    + settings.get("port") + "'");
        }
        if (port == 0) {
            o = o.withFreePort(true);
        } else {
            c = c.withPort(port);
            o = o.withFreePort(false);
        }
        if (settings.containsKey("contextLength")) {
            c = c.withContextLength(nonNegativeInt(settings, "contextLength"));
        }
        if (settings.containsKey("maxConcurrency")) {
            c = c.withMaxConcurrency(nonNegativeInt(settings, "maxConcurrency"));
        }
        if (settings.containsKey("servedModelName")) {
            c = c.withServedModelName(nonBlank(settings, "servedModelName"));
        }
        if (settings.containsKey("workDir")) {
            c = c.withWorkDirectory(Path.of(nonBlank(settings, "workDir")));
        }
        if (settings.containsKey("extraArgs")) {
            String v = settings.get("extraArgs").trim();
            c = c.withExtraArgs(v.isEmpty() ? List.of() : Arrays.asList(v.split("\\s+")));
        }
        Map<String, String> env = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith("env.")) {
                env.put(k.substring(4), v);
            }
        });
        if (!env.isEmpty()) {
            c = c.withEnvironment(env);
        }
        if (settings.containsKey("executable")) {
            o = o.withExecutable(Path.of(nonBlank(settings, "executable")));
        }
        if (settings.containsKey("binDir")) {
            o = o.withBinDirectory(Path.of(nonBlank(settings, "binDir")));
        }
        if (settings.containsKey("logDir")) {
            o = o.withLogDirectory(Path.of(nonBlank(settings, "logDir")));
        }
        if (settings.containsKey("startTimeout")) {
            o = o.withStartTimeout(duration(settings, "startTimeout"));
        }
        if (settings.containsKey("stopGrace")) {
            o = o.withStopGrace(duration(settings, "stopGrace"));
        }
        if (settings.containsKey("hangTimeout")) {
            o = o.withHangDetection(duration(settings, "hangTimeout"), o.hangProbes());
        }
        if (settings.containsKey("restartBackoff")) {
            String v = settings.get("restartBackoff").trim();
            o = o.withRestartBackoff(v.matches("0+(\\.0*)?(ms|s|m|h)?") ? Duration.ZERO
                    : duration(settings, "restartBackoff"));
        }
        EngineDialect d = dialect.get();
        Support s = d.support(c, Optional.empty());
        if (!s.supported()) {
            throw new IllegalArgumentException(name + " cannot serve quantization '" + c.quantization() + "'"
                    + c.kvCacheType().map(k -> " with KV cache '" + k + "'").orElse("") + " at tensorParallel " + tp
                    + ": " + s.reason());
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        if (settings.get(GPU) != null) {
            extra.put("gpu", settings.get(GPU).trim());
        }
        return LaunchedEngine.of(d, c, o).withDescription(extra);
    }

    /**
     * True when both configurations name CUDA device indices and share none.
     *
     * @param a the first configuration's settings
     * @param b the second configuration's settings
     * @return whether they may run at the same time
     */
    @Override
    public boolean independent(Map<String, String> a, Map<String, String> b) {
        Optional<List<Integer>> ga = gpuIndices(a.get(GPU));
        Optional<List<Integer>> gb = gpuIndices(b.get(GPU));
        if (ga.isEmpty() || gb.isEmpty() || ga.get().isEmpty() || gb.get().isEmpty()) {
            return false;
        }
        Set<Integer> sa = new HashSet<>(ga.get());
        return gb.get().stream().noneMatch(sa::contains);
    }

    /**
     * The device indices of a {@code gpu} setting.
     *
     * @param gpu the setting, e.g. {@code "0,1"} or {@code "H200"}
     * @return the indices (in the order given, without repeats), or empty when the setting is
     *         absent or names a GPU type instead
     * @throws IllegalArgumentException when it mixes indices and other text, or repeats an index
     */
    public static Optional<List<Integer>> gpuIndices(String gpu) {
        if (gpu == null || gpu.isBlank()) {
            return Optional.empty();
        }
        String[] parts = gpu.trim().split("\\s*,\\s*");
        List<Integer> out = new ArrayList<>();
        int numeric = 0;
        for (String p : parts) {
            if (p.matches("\\d{1,4}")) {
                numeric++;
                int i = Integer.parseInt(p);
                if (out.contains(i)) {
                    throw new IllegalArgumentException("gpu must not name a device twice, was '" + gpu + "'");
                }
                out.add(i);
            }
        }
        if (numeric == 0) {
            return Optional.empty();
        }
        if (numeric != parts.length) {
            throw new IllegalArgumentException("gpu must be a comma list of CUDA device indices such as '0,1' or a "
                    + "GPU type name such as 'H200', was '" + gpu + "'");
        }
        return Optional.of(List.copyOf(out));
    }

    /**
     * Reads a duration setting: a number of seconds ({@code 90}), a number with a unit
     * ({@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h}) or ISO-8601 ({@code PT5M}).
     *
     * @param text the text
     * @return the duration
     * @throws IllegalArgumentException when it is none of these or not positive
     */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.startsWith("pt") || t.startsWith("p")) {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            } else if (t.endsWith("m")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 60_000));
            } else if (t.endsWith("h")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim())
                        * 3_600_000));
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("a duration such as 90, 90s, 500ms, 5m or PT5M, was '" + text + "'", e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("a duration > 0, was '" + text + "'");
        }
        return d;
    }

    private Duration duration(Map<String, String> s, String key) {
        try {
            return parseDuration(s.get(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " engine setting '" + key + "' must be " + e.getMessage(), e);
        }
    }

    private String nonBlank(Map<String, String> s, String key) {
        String v = s.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " engine setting '" + key + "' must not be blank");
        }
        return v.trim();
    }

    private int intSetting(Map<String, String> s, String key, int dflt) {
        String v = s.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " engine setting '" + key + "' must be an integer, was '" + v
                    + "'", e);
        }
    }

    private int positiveInt(Map<String, String> s, String key, int dflt) {
        int v = intSetting(s, key, dflt);
        if (v < 1) {
            throw new IllegalArgumentException(name + " engine setting '" + key + "' must be >= 1, was '" + s.get(key)
                    + "'");
        }
        return v;
    }

    private int nonNegativeInt(Map<String, String> s, String key) {
        int v = intSetting(s, key, 0);
        if (v < 0) {
            throw new IllegalArgumentException(name + " engine setting '" + key + "' must be >= 0, was '" + s.get(key)
                    + "'");
        }
        return v;
    }
}
