package io.qmeter.testkit;

/**
 * Which real server the test engines imitate, byte for byte in shape.
 *
 * <ul>
 *   <li>{@link #VLLM}: chat streams open with a role chunk; with {@code stream_options.include_usage}
 *       usage comes in a final extra chunk whose {@code choices} is empty; errors are HTTP 400
 *       {@code {"object":"error","message":...,"type":...,"code":400}}; ids {@code cmpl-...} and
 *       {@code chatcmpl-...}; metrics named {@code vllm:*}.</li>
 *   <li>{@link #LLAMA_CPP}: no role chunk; usage and {@code timings} ride on the last chunk (with
 *       {@code finish_reason}) even without {@code include_usage}; errors are HTTP 500
 *       {@code {"error":{"code":500,"message":...,"type":"server_error"}}}; every id starts
 *       {@code chatcmpl-}; metrics named {@code llamacpp:*}.</li>
 * </ul>
 *
 * <pre>{@code
 * SimulatedEngine e = SimulatedEngine.builder().dialect(Dialect.LLAMA_CPP).build();
 * }</pre>
 */
public enum Dialect {
    /** vLLM's OpenAI-compatible server (SGLang is close to it). */
    VLLM,
    /** llama.cpp's {@code llama-server}. */
    LLAMA_CPP;

    /**
     * Parses a dialect name as given on a command line ({@code vllm}, {@code llama.cpp},
     * {@code llamacpp}, {@code llama_cpp}), ignoring case.
     *
     * <pre>{@code
     * Dialect d = Dialect.parse("llama.cpp");
     * }</pre>
     *
     * @param name the name
     * @return the dialect
     * @throws IllegalArgumentException for an unknown name
     */
    public static Dialect parse(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT).replace(".", "").replace("_", "").replace("-", "");
        switch (n) {
            case "vllm":
            case "sglang":
                return VLLM;
            case "llamacpp":
                return LLAMA_CPP;
            default:
                throw new IllegalArgumentException("dialect must be one of vllm, llama.cpp, was '" + name + "'");
        }
    }
}
