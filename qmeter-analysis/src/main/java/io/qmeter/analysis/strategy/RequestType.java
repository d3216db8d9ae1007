package io.qmeter.analysis.strategy;

import io.qmeter.analysis.profile.Slo;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A request type and its pool: the quality task it is judged on, the workload (request lengths)
 * its profiles were measured with, the model size the seed assigns its pool, and its SLO.
 *
 * <pre>{@code
 * RequestType chat = new RequestType("chat-S", "chat-s", "chat", "Llama-2-13B",
 *         Slo.of(Duration.ofSeconds(1), Duration.ofMillis(200), 55), 231);
 * }</pre>
 *
 * @param name             the type's name
 * @param task             the quality task (a key of the profiles' quality)
 * @param workload         the profiles' workload
 * @param model            the pool's model in the seed's strategies
 * @param slo              TTFT / TPOT / quality SLO
 * @param meanOutputTokens mean output tokens per request (lengths are drawn around it in a trace)
 */
public record RequestType(String name, String task, String workload, String model, Slo slo, double meanOutputTokens) {

    /** Validates the fields. */
    public RequestType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(slo, "slo");
        if (!(meanOutputTokens >= 1)) {
            throw new IllegalArgumentException("meanOutputTokens must be >= 1, was " + meanOutputTokens);
        }
    }

    /**
     * The seed's four types (§8.3): chat-S (13B, 1 s / 0.2 s / 55), chat-R (70B, 3 s / 0.2 s / 50),
     * code (34B, 0.15 s / 0.2 s / 35), summarization (13B, 5 s / 0.2 s / 16); output lengths of
     * ShareGPT (231), HumanEval (67) and NewsQA (200).
     *
     * @return the types
     */
    public static List<RequestType> seedTypes() {
        Duration tpot = Duration.ofMillis(200);
        return List.of(
                new RequestType("chat-S", "chat-s", "chat", "Llama-2-13B", Slo.of(Duration.ofSeconds(1), tpot, 55), 231),
                new RequestType("chat-R", "chat-r", "chat", "Llama-2-70B", Slo.of(Duration.ofSeconds(3), tpot, 50), 231),
                new RequestType("code", "code", "code", "CodeLlama-34B", Slo.of(Duration.ofMillis(150), tpot, 35), 67),
                new RequestType("summarization", "summarization", "summarization", "Llama-2-13B",
                        Slo.of(Duration.ofSeconds(5), tpot, 16), 200));
    }
}
