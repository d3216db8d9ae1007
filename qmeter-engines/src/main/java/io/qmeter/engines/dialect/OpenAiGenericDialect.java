package io.qmeter.engines.dialect;

import io.qmeter.engines.EngineDialect;
import io.qmeter.engines.FatalPattern;
import io.qmeter.engines.GpuCapability;
import io.qmeter.engines.LaunchPlan;
import io.qmeter.engines.ProcessSpec;
import io.qmeter.engines.ServerConfig;
import io.qmeter.engines.ServerMetric;
import io.qmeter.engines.Support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Any OpenAI-compatible server, launched from a command template.
 *
 * <p>The template is an argument list (never a shell line) whose first element is the executable.
 * Placeholders in any argument are replaced from the configuration: {@code {model}},
 * {@code {host}}, {@code {port}}, {@code {tp}}, {@code {gpus}} (e.g. {@code 0,1}),
 * {@code {served_model_name}}, {@code {quantization}}, and, only when the configuration sets them,
 * {@code {kv_cache_type}}, {@code {context_length}}, {@code {max_concurrency}}, {@code {work_dir}}.
 * A placeholder the configuration has no value for, or an unknown one, is refused by
 * {@link #support}. Text in braces that is not a lower-case name ({@code {"a": 1}}) is left alone.
 *
 * <p>Where the template comes from: given to the constructor, in which case the configuration's
 * {@code extraArgs} are appended to it (placeholders replaced too); or, for the instance
 * {@code EngineDialects.find("openai-generic")} returns, the configuration's {@code extraArgs}
 * <em>are</em> the template. {@code CUDA_VISIBLE_DEVICES} is set from the GPUs as for every engine.
 * qMeter cannot know what the quantization means to this server: it is only passed on.
 *
 * <pre>{@code
 * ServerConfig c = ServerConfig.of("/models/m", "FP16").withPort(9000)
 *         .withExtraArgs(List.of("my-server", "--model", "{model}", "--listen", "{host}:{port}", "--tp", "{tp}"));
 * LaunchPlan p = EngineDialects.find("openai-generic").plan(c);
 * }</pre>
 */
public final class OpenAiGenericDialect implements EngineDialect {

    /** The placeholder names a template may use. */
    public static final List<String> PLACEHOLDERS = List.of("model", "host", "port", "tp", "gpus", "served_model_name",
            "quantization", "kv_cache_type", "context_length", "max_concurrency", "work_dir");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)\\}");

    private static final List<FatalPattern> FATAL = List.of(Common.CUDA_OOM, Common.NCCL, Common.ADDRESS_IN_USE,
            Common.ARGPARSE, Common.HF_NOT_FOUND);

    private final Optional<List<String>> template;

    /** The template is each configuration's {@code extraArgs}. */
    public OpenAiGenericDialect() {
        this.template = Optional.empty();
    }

    /**
     * A fixed template; each configuration's {@code extraArgs} are appended to it.
     *
     * @param template the executable and its arguments, with placeholders
     */
    public OpenAiGenericDialect(List<String> template) {
        if (template.isEmpty() || template.get(0).isBlank()) {
            throw new IllegalArgumentException("template must start with an executable, was " + template);
        }
        this.template = Optional.of(List.copyOf(template));
    }

    @Override
    public String name() {
        return "openai-generic";
    }

    @Override
    public Support support(ServerConfig config, Optional<GpuCapability> gpu) {
        Optional<Support> tp = Common.checkTensorParallel(config);
        if (tp.isPresent()) {
            return tp.get();
        }
        List<String> t = fullTemplate(config);
        if (t.isEmpty() || t.get(0).isBlank()) {
            return Support.no("openai-generic needs a command template: give it as extraArgs, executable first, e.g. "
                    + "[my-server, --model, {model}, --port, {port}] (placeholders: " + String.join(", ", PLACEHOLDERS) + ")");
        }
        Map<String, Optional<String>> values = values(config);
        TreeSet<String> unknown = new TreeSet<>();
        TreeSet<String> missing = new TreeSet<>();
        boolean usesQuantization = false;
        for (String arg : t) {
            Matcher m = PLACEHOLDER.matcher(arg);
            while (m.find()) {
                String k = m.group(1);
                if (!values.containsKey(k)) {
                    unknown.add("{" + k + "}");
                } else if (values.get(k).isEmpty()) {
                    missing.add("{" + k + "}");
                }
                usesQuantization |= k.equals("quantization");
            }
        }
        if (!unknown.isEmpty()) {
            return Support.no("the command template uses unknown placeholders " + unknown + "; known: "
                    + String.join(", ", PLACEHOLDERS));
        }
        if (!missing.isEmpty()) {
            return Support.no("the command template uses " + missing + ", which this configuration does not set");
        }
        return Support.yes("generic OpenAI-compatible server; qMeter cannot check quantization '" + config.quantization()
                + "'" + (usesQuantization ? ", it is passed as {quantization}" : ", and the template does not use it"));
    }

    @Override
    public LaunchPlan plan(ServerConfig config) {
        Support s = support(config, Optional.empty());
        if (!s.supported()) {
            throw new IllegalArgumentException(s.reason());
        }
        Map<String, Optional<String>> values = values(config);
        List<String> cmd = new ArrayList<>();
        for (String arg : fullTemplate(config)) {
            Matcher m = PLACEHOLDER.matcher(arg);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1)).orElseThrow()));
            }
            m.appendTail(out);
            cmd.add(out.toString());
        }
        return new LaunchPlan(List.of(), new ProcessSpec("server", cmd, Common.serverEnvironment(config),
                config.workDirectory()), Common.baseUrl(config), Common.servedModelName(config));
    }

    @Override
    public List<FatalPattern> fatalPatterns() {
        return FATAL;
    }

    /**
     * None: qMeter does not know this server's metric names.
     *
     * @return an empty map
     */
    @Override
    public Map<ServerMetric, String> metricNames() {
        return Map.of();
    }

    private List<String> fullTemplate(ServerConfig c) {
        return template.map(t -> Common.concat(t, c.extraArgs())).orElse(c.extraArgs());
    }

    private static Map<String, Optional<String>> values(ServerConfig c) {
        Map<String, Optional<String>> v = new LinkedHashMap<>();
        v.put("model", Optional.of(c.model()));
        v.put("host", Optional.of(c.host()));
        v.put("port", Optional.of(String.valueOf(c.port())));
        v.put("tp", Optional.of(String.valueOf(c.tensorParallel())));
        v.put("gpus", c.gpus().isEmpty() ? Optional.empty() : Optional.of(Common.gpuList(c)));
        v.put("served_model_name", Optional.of(Common.servedModelName(c)));
        v.put("quantization", Optional.of(c.quantization()));
        v.put("kv_cache_type", c.kvCacheType());
        v.put("context_length", c.contextLength() > 0 ? Optional.of(String.valueOf(c.contextLength())) : Optional.empty());
        v.put("max_concurrency", c.maxConcurrency() > 0 ? Optional.of(String.valueOf(c.maxConcurrency())) : Optional.empty());
        v.put("work_dir", c.workDirectory().map(Object::toString));
        return v;
    }
}
