package io.qmeter.eval;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.quality.QualityOptions;
import io.qmeter.workload.PromptSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Asks an engine for many {@code /v1/completions} at once (at most
 * {@link QualityOptions#concurrency()} in flight), non-streaming, keeping the text, and cuts each
 * answer at its stop strings on the client side too (for servers that ignore {@code stop}).
 *
 * <pre>{@code
 * List<Completions.Answer> as = Completions.ask(handle, List.of(new Completions.Ask("2+2=", List.of("\n"), 7L)), opts);
 * }</pre>
 */
public final class Completions {

    private Completions() {
    }

    /**
     * One request.
     *
     * @param prompt the prompt text
     * @param stop   stop strings (sent, and applied to the answer)
     * @param seed   the sampling seed sent with the request
     * @param extra  more request body fields (e.g. {@link #simulatorHints}); empty for none
     */
    public record Ask(String prompt, List<String> stop, long seed, Map<String, Object> extra) {

        /** Copies. */
        public Ask {
            stop = List.copyOf(stop);
            extra = extra == null ? Map.of() : Map.copyOf(extra);
        }

        /**
         * A request without extra fields.
         *
         * @param prompt the prompt text
         * @param stop   stop strings
         * @param seed   the sampling seed
         */
        public Ask(String prompt, List<String> stop, long seed) {
            this(prompt, stop, seed, Map.of());
        }
    }

    /** The request field naming the benchmark, read only by the testkit's simulated engine. */
    public static final String SIM_TASK = "qmeter_task";
    /** The request field naming the item, read only by the testkit's simulated engine. */
    public static final String SIM_ITEM = "qmeter_item";
    /** The request field carrying the item's reference answer, read only by the testkit's simulated engine. */
    public static final String SIM_REFERENCE = "qmeter_reference";

    /**
     * The fields that let the testkit's simulated engine answer an item from its quality model
     * ({@code qmeter_task}, {@code qmeter_item}, {@code qmeter_reference}); empty for any engine that
     * does not describe itself as simulated ({@link #simulated}), so a real server never receives
     * the reference answer.
     *
     * <pre>{@code
     * Map<String, Object> extra = Completions.simulatorHints(handle, "gsm8k", p.id(), p.answer());
     * }</pre>
     *
     * @param engine    the engine asked
     * @param task      the benchmark's name
     * @param item      the item's id
     * @param reference the reference answer, as the benchmark scores it
     * @return the fields, or an empty map
     */
    public static Map<String, Object> simulatorHints(EngineHandle engine, String task, String item, String reference) {
        if (!simulated(engine) || reference == null) {
            return Map.of();
        }
        return Map.of(SIM_TASK, task, SIM_ITEM, item, SIM_REFERENCE, reference);
    }

    /**
     * One answer.
     *
     * @param text   the generated text cut at the first stop string, or {@code null} when the request failed
     * @param error  why the request failed, or {@code null}
     * @param record the client's record of the request
     */
    public record Answer(String text, String error, RequestRecord record) {

        /**
         * Whether text came back.
         *
         * @return true when the request succeeded
         */
        public boolean ok() {
            return text != null;
        }
    }

    /**
     * Sends every request and waits for all the answers.
     *
     * @param engine  the engine
     * @param asks    the requests
     * @param options concurrency, max tokens, temperature, request timeout
     * @return one answer per request, in order
     */
    public static List<Answer> ask(EngineHandle engine, List<Ask> asks, QualityOptions options) {
        List<CompletableFuture<RequestRecord>> fs = new ArrayList<>(asks.size());
        Semaphore inFlight = new Semaphore(options.concurrency());
        try (LlmClient client = LlmClient.create(engine.baseUrl()).requestTimeout(options.requestTimeout())
                .firstTokenTimeout(options.requestTimeout()).idleTimeout(options.requestTimeout())
                .maxConnections(Math.max(1, options.concurrency()))) {
            for (int i = 0; i < asks.size(); i++) {
                Ask a = asks.get(i);
                CompletionRequest req = new CompletionRequest(Endpoint.COMPLETIONS, engine.model(),
                        PromptSpec.ofText(a.prompt(), Math.max(1, a.prompt().length() / 4), options.maxTokens()),
                        null, false, options.temperature(), a.stop(), a.seed(), false, false, true, a.extra());
                inFlight.acquireUninterruptibly();
                CompletableFuture<RequestRecord> f = client.send(req, i, System.nanoTime());
                f.whenComplete((r, t) -> inFlight.release());
                fs.add(f);
            }
            List<Answer> out = new ArrayList<>(asks.size());
            for (int i = 0; i < fs.size(); i++) {
                RequestRecord r = fs.get(i).join();
                if (r.isOk()) {
                    out.add(new Answer(cut(r.text() == null ? "" : r.text(), asks.get(i).stop()), null, r));
                } else {
                    out.add(new Answer(null, r.outcome() + (r.httpStatus() > 0 ? " (HTTP " + r.httpStatus() + ")" : "")
                            + (r.error() != null ? ": " + r.error() : ""), r));
                }
            }
            return out;
        }
    }

    /**
     * The text up to the first occurrence of any stop string.
     *
     * @param text the text
     * @param stop the stop strings
     * @return the cut text
     */
    public static String cut(String text, List<String> stop) {
        int end = text.length();
        for (String s : stop) {
            int i = s.isEmpty() ? -1 : text.indexOf(s);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return text.substring(0, end);
    }

    /**
     * Whether an engine describes itself as simulated ({@code engine=simulated} or {@code simulated=true}).
     *
     * @param engine the engine
     * @return true for a simulated engine
     */
    public static boolean simulated(EngineHandle engine) {
        Map<String, Object> d = engine.describe();
        return "simulated".equals(String.valueOf(d.get("engine"))) || Boolean.TRUE.equals(d.get("simulated"))
                || "true".equals(String.valueOf(d.get("simulated")));
    }
}
