package io.qmeter.engines;

import io.qmeter.engines.dialect.GgufType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The quantization catalogue as Markdown tables, generated from the dialects themselves: which
 * flags and formats each engine uses for each method, or why it cannot serve it. {@code docs/engines.md}
 * holds these tables, and a test fails when they and the code disagree.
 *
 * <pre>{@code
 * System.out.println(EngineCatalog.methodTable());
 * }</pre>
 */
public final class EngineCatalog {

    /** The engines in the method table, in column order (openai-generic passes anything on). */
    public static final List<String> ENGINES = List.of("llama.cpp", "vllm", "sglang", "tensorrt-llm");

    private static final Set<String> SHOWN_FLAGS = Set.of("--quantization", "--kv-cache-dtype", "--qformat",
            "--kv_cache_dtype", "--cache-type-k", "--cache-type-v");

    private static final List<GpuCapability> PROBES = List.of(GpuCapability.of("V100", 7, 0),
            GpuCapability.of("T4", 7, 5), GpuCapability.of("A100", 8, 0), GpuCapability.of("L40S", 8, 9),
            GpuCapability.of("H100", 9, 0));

    private EngineCatalog() {
    }

    /**
     * Method × engine: the flags and formats, the least compute capability, or "not supported" with
     * the reason.
     *
     * @return a Markdown table
     */
    public static String methodTable() {
        StringBuilder b = new StringBuilder("| method | W / A / KV | ");
        b.append(String.join(" | ", ENGINES)).append(" |\n|---|---|");
        b.append("---|".repeat(ENGINES.size())).append('\n');
        for (QuantMethod m : QuantMethod.values()) {
            b.append("| ").append(m.label()).append(" | ").append(bits(m)).append(" |");
            for (String e : ENGINES) {
                b.append(' ').append(escape(cell(EngineDialects.find(e), m))).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /**
     * llama.cpp's GGUF types with the seed method each stands closest to, and why.
     *
     * @return a Markdown table
     */
    public static String ggufTable() {
        StringBuilder b = new StringBuilder("| GGUF type | weight bits | closest seed method | why |\n|---|---|---|---|\n");
        for (GgufType t : GgufType.values()) {
            b.append("| ").append(t.label()).append(" | ").append(t.bits()).append(" | ")
                    .append(t.closestSeedMethod().map(QuantMethod::label).orElse("none")).append(" | ")
                    .append(escape(t.why())).append(" |\n");
        }
        return b.toString();
    }

    /**
     * Prints both tables.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println(methodTable());
        System.out.println(ggufTable());
    }

    /** The configuration each cell is computed for: TP 1 on one GPU, an F16 GGUF for llama.cpp. */
    static ServerConfig reference(String engine, QuantMethod m) {
        String model = engine.equals("llama.cpp") ? "/models/model-f16.gguf" : "/models/model";
        return ServerConfig.of(model, m.label()).withGpus(List.of(0)).withWorkDirectory(Path.of("/work"));
    }

    static String cell(EngineDialect d, QuantMethod m) {
        ServerConfig c = reference(d.name(), m);
        Support s = d.support(c, Optional.empty());
        if (!s.supported()) {
            return "not supported: " + s.reason();
        }
        LaunchPlan p = d.plan(c);
        List<String> parts = new ArrayList<>();
        for (ProcessSpec step : p.preparation()) {
            if (step.command().get(0).endsWith("llama-quantize")) {
                parts.add("GGUF `" + step.command().get(step.command().size() - 1) + "` (llama-quantize)");
            }
        }
        if (d.name().equals("llama.cpp") && parts.isEmpty()) {
            parts.add("GGUF `F16`");
        }
        if (d.name().equals("llama.cpp") && m.weightBits() < 16 && m.activationBits() == 16) {
            parts.add("(runs with INT8 activations)");
        }
        List<ProcessSpec> all = new ArrayList<>(p.preparation());
        all.add(p.server());
        for (ProcessSpec step : all) {
            List<String> cmd = step.command();
            for (int i = 0; i < cmd.size(); i++) {
                if (SHOWN_FLAGS.contains(cmd.get(i)) && i + 1 < cmd.size()) {
                    parts.add("`" + cmd.get(i) + " " + cmd.get(i + 1) + "`");
                } else if (cmd.get(i).equals("-fa")) {
                    parts.add("`-fa`");
                }
            }
        }
        if (parts.isEmpty()) {
            parts.add("unquantized (`--dtype float16`)");
        }
        String need = leastCapability(d, c);
        return String.join(" ", parts) + (need.isEmpty() ? "" : "; cc \u2265 " + need);
    }

    private static String leastCapability(EngineDialect d, ServerConfig c) {
        for (int i = 0; i < PROBES.size(); i++) {
            if (d.support(c, Optional.of(PROBES.get(i))).supported()) {
                return i == 0 ? "" : PROBES.get(i).computeCapability();
            }
        }
        return "?";
    }

    private static String bits(QuantMethod m) {
        return part(m.weightBits(), m.weightFormat()) + " / " + part(m.activationBits(), m.activationFormat()) + " / "
                + part(m.kvBits(), m.kvFormat());
    }

    private static String part(int bits, NumberFormat f) {
        return (f == NumberFormat.FP ? "FP" : "INT") + bits;
    }

    private static String escape(String s) {
        return s.replace("|", "\\|");
    }
}
