package io.qmeter.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Replays a ShareGPT data set (the real format: a JSON array of
 * {@code {"id", "conversations": [{"from": "human", "value": ...}, {"from": "gpt", "value": ...}, ...]}}),
 * the way vLLM's benchmark samples it: the first human turn is the prompt, and the output length is
 * the token count of the reply that follows it (send with {@code ignore_eos} to make it exact).
 * Conversations without a human turn followed by a reply are skipped, and so — as in vLLM — are pairs
 * whose prompt or reply is shorter than 4 tokens, whose prompt is longer than
 * {@code maxInputTokens} (1024) or whose prompt plus reply is longer than {@code maxTotalTokens}
 * (2048). Token counts come from a {@link TokenCounter} (default: the ~4 characters/token estimate).
 * Each {@link #prompts(long)} call shuffles the pairs with the seed and replays them once
 * ({@link #cycled()} repeats the shuffled order endlessly).
 *
 * <pre>{@code
 * Workload w = ShareGptWorkload.fromFile(Path.of("ShareGPT_V3_unfiltered_cleaned_split.json"));
 * Workload exact = ShareGptWorkload.fromFile(path, myTokenizer::count).cycled();
 * }</pre>
 */
public final class ShareGptWorkload implements Workload {

    /** vLLM's bound on the prompt length. */
    public static final int DEFAULT_MAX_INPUT_TOKENS = 1024;
    /** vLLM's bound on prompt plus reply. */
    public static final int DEFAULT_MAX_TOTAL_TOKENS = 2048;
    private static final int MIN_TOKENS = 4;

    private final String source;
    private final List<PromptSpec> pairs;
    private final int skipped;
    private final boolean cycled;

    private ShareGptWorkload(String source, List<PromptSpec> pairs, int skipped, boolean cycled) {
        this.source = source;
        this.pairs = pairs;
        this.skipped = skipped;
        this.cycled = cycled;
    }

    /**
     * Reads a ShareGPT file with the default token estimate.
     *
     * @param file the JSON file
     * @return the workload
     * @throws IllegalArgumentException when the file is not ShareGPT's format or has no usable pair
     * @throws UncheckedIOException     when it cannot be read
     */
    public static ShareGptWorkload fromFile(Path file) {
        return fromFile(file, TokenCounter.estimate());
    }

    /**
     * Reads a ShareGPT file.
     *
     * @param file    the JSON file
     * @param counter counts tokens of prompts and replies
     * @return the workload
     */
    public static ShareGptWorkload fromFile(Path file, TokenCounter counter) {
        try (InputStream in = Files.newInputStream(file)) {
            return fromStream(file.getFileName().toString(), in, counter);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ShareGPT file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads ShareGPT JSON from a stream (not closed).
     *
     * @param source  a name for results and messages
     * @param in      the JSON
     * @param counter counts tokens
     * @return the workload
     */
    public static ShareGptWorkload fromStream(String source, InputStream in, TokenCounter counter) {
        Objects.requireNonNull(counter, "counter");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException(source + " must be a JSON array of {\"id\", \"conversations\"} objects"
                    + ", was " + (root == null ? "empty" : root.getNodeType()));
        }
        List<PromptSpec> pairs = new ArrayList<>();
        int skipped = 0;
        for (JsonNode conv : root) {
            PromptSpec p = pair(conv.path("conversations"), counter);
            if (p == null) {
                skipped++;
            } else {
                pairs.add(p);
            }
        }
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(source + " has no usable conversation (" + skipped
                    + " skipped): each needs a human turn followed by a reply of 4 to "
                    + DEFAULT_MAX_TOTAL_TOKENS + " tokens together");
        }
        return new ShareGptWorkload(source, List.copyOf(pairs), skipped, false);
    }

    private static PromptSpec pair(JsonNode turns, TokenCounter counter) {
        if (!turns.isArray()) {
            return null;
        }
        for (int i = 0; i + 1 < turns.size(); i++) {
            if (!"human".equals(turns.get(i).path("from").asText())) {
                continue;
            }
            String prompt = turns.get(i).path("value").asText("");
            String reply = turns.get(i + 1).path("value").asText("");
            int in = counter.count(prompt);
            int out = counter.count(reply);
            if (in < MIN_TOKENS || out < MIN_TOKENS || in > DEFAULT_MAX_INPUT_TOKENS
                    || in + out > DEFAULT_MAX_TOTAL_TOKENS) {
                return null;
            }
            return PromptSpec.ofText(prompt, in, out).withReference(reply);
        }
        return null;
    }

    /**
     * A copy that repeats its (shuffled) pairs endlessly, for runs longer than the data set.
     *
     * @return the endless copy
     */
    public ShareGptWorkload cycled() {
        return new ShareGptWorkload(source, pairs, skipped, true);
    }

    /**
     * Usable prompt/reply pairs.
     *
     * @return the count
     */
    public int size() {
        return pairs.size();
    }

    /**
     * Conversations skipped (no human turn with a reply, or out of the length bounds).
     *
     * @return the count
     */
    public int skipped() {
        return skipped;
    }

    @Override
    public String name() {
        return "sharegpt(" + source + ")";
    }

    @Override
    public Iterator<PromptSpec> prompts(long seed) {
        return ShuffledReplay.of(pairs, seed, cycled, "the ShareGPT workload");
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name());
        m.put("pairs", pairs.size());
        m.put("skipped", skipped);
        m.put("cycled", cycled);
        return m;
    }

    @Override
    public String toString() {
        return name();
    }
}
