package io.qmeter.testkit.sim;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The shape of a decoder-only transformer (Llama family: RMSNorm, rotary embeddings, SwiGLU MLP
 * with gate/up/down projections, untied input embedding and LM head).
 *
 * <pre>{@code
 * ModelSpec m = ModelSpec.byName("Llama-2-13B");
 * long params = m.totalParams();   // about 13.0e9
 * }</pre>
 *
 * @param name          table name
 * @param layers        transformer blocks
 * @param hiddenSize    model width
 * @param heads         query heads
 * @param kvHeads       key/value heads (= heads for multi-head attention, fewer for GQA)
 * @param ffnSize       MLP intermediate size
 * @param vocabSize     vocabulary size
 * @param contextLength the longest prompt + output the model serves, tokens
 */
public record ModelSpec(String name, int layers, int hiddenSize, int heads, int kvHeads, int ffnSize,
                        int vocabSize, int contextLength) {

    /** Llama-2-7B (meta-llama/Llama-2-7b-hf config.json): MHA, 6.74e9 parameters. */
    public static final ModelSpec LLAMA_2_7B = new ModelSpec("Llama-2-7B", 32, 4096, 32, 32, 11008, 32000, 4096);
    /** Llama-2-13B (meta-llama/Llama-2-13b-hf config.json): MHA, 13.0e9 parameters. */
    public static final ModelSpec LLAMA_2_13B = new ModelSpec("Llama-2-13B", 40, 5120, 40, 40, 13824, 32000, 4096);
    /** Llama-2-70B (meta-llama/Llama-2-70b-hf config.json): GQA with 8 KV heads, 69.0e9 parameters. */
    public static final ModelSpec LLAMA_2_70B = new ModelSpec("Llama-2-70B", 80, 8192, 64, 8, 28672, 32000, 4096);
    /** CodeLlama-34B (codellama/CodeLlama-34b-hf config.json): GQA with 8 KV heads, 16k context, 33.7e9 parameters. */
    public static final ModelSpec CODELLAMA_34B = new ModelSpec("CodeLlama-34B", 48, 8192, 64, 8, 22016, 32000, 16384);

    private static final List<ModelSpec> KNOWN = List.of(LLAMA_2_7B, LLAMA_2_13B, CODELLAMA_34B, LLAMA_2_70B);

    /** Validates the shape. */
    public ModelSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was " + name);
        }
        positive("layers", layers);
        positive("hiddenSize", hiddenSize);
        positive("heads", heads);
        positive("kvHeads", kvHeads);
        positive("ffnSize", ffnSize);
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hiddenSize must be a multiple of heads, was " + hiddenSize + " / " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads must be a multiple of kvHeads, was " + heads + " / " + kvHeads);
        }
    }

    private static void positive(String f, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(f + " must be >= 1, was " + v);
        }
    }

    /**
     * Width of one attention head.
     *
     * @return hiddenSize / heads
     */
    public int headDim() {
        return hiddenSize / heads;
    }

    /**
     * Width of the K (or V) projection output.
     *
     * @return kvHeads × headDim
     */
    public int kvDim() {
        return kvHeads * headDim();
    }

    /**
     * Parameters of the quantizable linear layers of one block: Q, K, V, O and gate, up, down.
     *
     * @return parameter count per layer
     */
    public long linearParamsPerLayer() {
        long h = hiddenSize;
        return h * h + 2 * h * kvDim() + h * h + 3 * h * ffnSize;
    }

    /**
     * Parameters kept in 16 bits by every method: input embedding, LM head, norms.
     *
     * @return parameter count
     */
    public long unquantizedParams() {
        return 2L * vocabSize * hiddenSize + (2L * layers + 1) * hiddenSize;
    }

    /**
     * All parameters.
     *
     * @return parameter count
     */
    public long totalParams() {
        return layers * linearParamsPerLayer() + unquantizedParams();
    }

    /**
     * The models in the table.
     *
     * @return Llama-2-7B, Llama-2-13B, CodeLlama-34B, Llama-2-70B
     */
    public static List<ModelSpec> known() {
        return KNOWN;
    }

    /**
     * Looks a model up by name, ignoring case.
     *
     * @param name the name, for example {@code "llama-2-13b"}
     * @return the model
     * @throws IllegalArgumentException naming the known models when there is no such model
     */
    public static ModelSpec byName(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (ModelSpec m : KNOWN) {
                if (m.name().toLowerCase(Locale.ROOT).equals(n)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; known models: "
                + KNOWN.stream().map(ModelSpec::name).collect(Collectors.joining(", ")));
    }
}
