package io.qmeter.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qmeter.engine.EngineHandle;
import io.qmeter.quality.QualityException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Log-probabilities of a prompt's own tokens from an OpenAI-style {@code /v1/completions} server,
 * asked the way vLLM answers them: {@code "echo": true, "logprobs": 1, "max_tokens": 0,
 * "temperature": 0}. The answer's {@code choices[0].logprobs} holds, per token of the echoed prompt,
 * {@code tokens}, {@code token_logprobs} (the first is {@code null}: nothing precedes it),
 * {@code text_offset} (where the token starts in the echoed text, in characters) and
 * {@code top_logprobs}.
 *
 * <p>Not every server can do this: llama.cpp's server refuses {@code echo} ("Unsupported param:
 * echo") or, in other versions, returns log-probabilities for the generated tokens only; a server
 * that answered such a request with generated-token log-probabilities would make every
 * multiple-choice item score at chance without any error. {@link #probe} therefore asks once, with
 * a short fixed prompt, and says whether the answer holds one log-probability for every prompt
 * token after the first; {@link #open} refuses with a {@link PromptLogprobsUnsupportedException}
 * naming what the server did. A server that refuses {@code max_tokens: 0} with HTTP 400 is asked
 * again with {@code max_tokens: 1}, and the one generated token is left out by its offset.
 *
 * <pre>{@code
 * PromptLogprobs lp = PromptLogprobs.open(handle, Duration.ofMinutes(1));   // probes once
 * double ll = lp.logLikelihood("The capital of France is", " Paris").logLikelihood();
 * }</pre>
 */
public final class PromptLogprobs {

    /** The probe's prompt (ASCII, several tokens in every tokenizer). */
    public static final String PROBE_PROMPT = "The quick brown fox jumps over the lazy dog.";

    /** Fewer echoed tokens than this for the 10-word probe means they are not the prompt's. */
    private static final int MIN_PROBE_TOKENS = 5;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EngineHandle engine;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxTokens;

    private PromptLogprobs(EngineHandle engine, HttpClient http, Duration timeout, int maxTokens) {
        this.engine = engine;
        this.http = http;
        this.timeout = timeout;
        this.maxTokens = maxTokens;
    }

    /**
     * What {@link #probe} found.
     *
     * @param supported whether the server returns a log-probability for every prompt token after the first
     * @param maxTokens the {@code max_tokens} it accepted with {@code echo} (0, or 1 when 0 was refused)
     * @param reason    when not supported, what the server did instead; else a one-line description
     */
    public record Support(boolean supported, int maxTokens, String reason) {

        /** Checks. */
        public Support {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * One token of an echoed prompt.
     *
     * @param text    the token's text as the server wrote it
     * @param offset  where it starts in the prompt, in Unicode code points
     * @param end     where the next token starts (the prompt's length for the last one), in code points
     * @param logprob its log-probability given the tokens before it; NaN for the first token
     * @param greedy  whether it was the most likely token there (its log-probability is the top one)
     */
    public record Token(String text, int offset, int end, double logprob, boolean greedy) {
    }

    /**
     * A continuation's log-likelihood given its context, as lm-eval's {@code loglikelihood} request
     * returns it.
     *
     * @param logLikelihood the sum of the continuation tokens' log-probabilities
     * @param greedy        whether every continuation token was the most likely one
     * @param tokens        how many tokens the continuation covered
     */
    public record LogLikelihood(double logLikelihood, boolean greedy, int tokens) {
    }

    /**
     * Asks the server once whether it returns prompt log-probabilities.
     *
     * @param engine  the running engine
     * @param timeout the longest the probe may take
     * @return what it found
     * @throws QualityException when the server cannot be reached at all
     */
    public static Support probe(EngineHandle engine, Duration timeout) {
        HttpClient http = client(timeout);
        Reply r = post(http, engine, PROBE_PROMPT, 0, timeout);
        int mt = 0;
        if (r.status == 400 || r.status == 422) {
            String lower = r.body.toLowerCase(Locale.ROOT);
            if (lower.contains("max_tokens") || lower.contains("max tokens") || lower.contains("n_predict")) {
                mt = 1;
                r = post(http, engine, PROBE_PROMPT, 1, timeout);
            }
        }
        if (r.status < 200 || r.status > 299) {
            return new Support(false, mt, "it refused a request with \"echo\": true and \"logprobs\": 1 (HTTP "
                    + r.status + ": " + abbreviate(errorMessage(r.body)) + ")");
        }
        try {
            String echoed = echoedText(r.body);
            if (!echoed.startsWith(PROBE_PROMPT)) {
                return new Support(false, mt, "its answer does not echo the prompt (choices[0].text starts \""
                        + abbreviate(echoed.substring(0, Math.min(40, echoed.length()))) + "\")");
            }
            List<Token> tokens = parse(r.body, PROBE_PROMPT);
            long scored = tokens.stream().filter(t -> !Double.isNaN(t.logprob())).count();
            if (tokens.size() < MIN_PROBE_TOKENS || scored < tokens.size() - 1) {
                return new Support(false, mt, "its answer holds log-probabilities for " + scored + " of the "
                        + "prompt's tokens (" + tokens.size() + " echoed); it returns them for generated tokens only");
            }
            return new Support(true, mt, "echo + logprobs with max_tokens " + mt + ": " + tokens.size()
                    + " prompt tokens, " + scored + " with log-probabilities");
        } catch (QualityException e) {
            return new Support(false, mt, e.getMessage());
        }
    }

    /**
     * Probes the server and, when it returns prompt log-probabilities, opens a client for them.
     *
     * @param engine  the running engine
     * @param timeout the longest one request may take
     * @return the client
     * @throws PromptLogprobsUnsupportedException when the server cannot return prompt log-probabilities
     */
    public static PromptLogprobs open(EngineHandle engine, Duration timeout) {
        Support s = probe(engine, timeout);
        if (!s.supported()) {
            throw new PromptLogprobsUnsupportedException(engine.baseUrl() + " cannot return the log-probabilities "
                    + "of prompt tokens: " + s.reason() + ". Log-likelihood scoring needs them (vLLM and SGLang give "
                    + "them with \"echo\": true; llama.cpp's server does not), so it is refused rather than "
                    + "scored at chance", s.reason());
        }
        return new PromptLogprobs(engine, client(timeout), timeout, s.maxTokens());
    }

    /**
     * The {@code max_tokens} sent with each request (0, or 1 where the server refused 0).
     *
     * @return the value
     */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * The tokens of a prompt with their log-probabilities.
     *
     * @param prompt the text
     * @return its tokens, in order (generated tokens left out)
     * @throws QualityException when the request fails or the answer lacks the log-probabilities
     */
    public List<Token> tokens(String prompt) {
        Reply r = post(http, engine, prompt, maxTokens, timeout);
        if (r.status < 200 || r.status > 299) {
            throw new QualityException("the echo + logprobs request failed with HTTP " + r.status + ": "
                    + abbreviate(errorMessage(r.body)));
        }
        return parse(r.body, prompt);
    }

    /**
     * The log-likelihood of {@code continuation} after {@code context}, from one request for
     * {@code context + continuation}. As lm-eval does, trailing spaces of the context move to the
     * continuation first. A token belongs to the continuation when it covers at least one of its
     * characters (a token across the boundary counts as the continuation's, since its probability
     * is conditioned on the context only up to its start).
     *
     * @param context      the context, not empty
     * @param continuation the continuation, not empty
     * @return the log-likelihood
     * @throws QualityException when the request fails, or the continuation's first token has no log-probability
     */
    public LogLikelihood logLikelihood(String context, String continuation) {
        if (context.isEmpty()) {
            throw new QualityException("a log-likelihood needs a non-empty context (the first token has no "
                    + "log-probability)");
        }
        int trailing = 0;
        while (trailing < context.length() && context.charAt(context.length() - 1 - trailing) == ' ') {
            trailing++;
        }
        String ctx = context.substring(0, context.length() - trailing);
        String full = context + continuation;
        int ctxLen = ctx.codePointCount(0, ctx.length());
        List<Token> tokens = tokens(full);
        double sum = 0;
        boolean greedy = true;
        int n = 0;
        for (Token t : tokens) {
            if (t.end() <= ctxLen) {
                continue;
            }
            if (Double.isNaN(t.logprob())) {
                throw new QualityException("the continuation's token '" + t.text() + "' at " + t.offset()
                        + " has no log-probability; is the context empty after tokenization?");
            }
            sum += t.logprob();
            greedy &= t.greedy();
            n++;
        }
        if (n == 0) {
            throw new QualityException("no token of the continuation '" + abbreviate(continuation)
                    + "' came back in the echo of " + tokens.size() + " tokens");
        }
        return new LogLikelihood(sum, greedy, n);
    }

    /**
     * Parses a vLLM-style echo answer into the prompt's tokens (tokens starting at or after the
     * prompt's end, i.e. generated ones, are left out).
     *
     * @param body   the response body
     * @param prompt the prompt that was sent
     * @return the prompt's tokens
     * @throws QualityException when the body has no {@code choices[0].logprobs} of that shape
     */
    public static List<Token> parse(String body, String prompt) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new QualityException("the echo + logprobs answer is not JSON (" + e.getOriginalMessage() + "): "
                    + abbreviate(body));
        }
        JsonNode lp = root.path("choices").path(0).path("logprobs");
        if (lp.isMissingNode() || lp.isNull()) {
            throw new QualityException("its answer has no choices[0].logprobs at all");
        }
        JsonNode toks = lp.get("tokens");
        JsonNode lps = lp.get("token_logprobs");
        JsonNode offs = lp.get("text_offset");
        if (toks == null || lps == null || offs == null || !toks.isArray() || !lps.isArray() || !offs.isArray()) {
            List<String> fields = new ArrayList<>();
            lp.fieldNames().forEachRemaining(fields::add);
            int content = lp.path("content").isArray() ? lp.path("content").size() : -1;
            throw new QualityException("its choices[0].logprobs has fields " + fields + ", not the completions "
                    + "format's tokens / token_logprobs / text_offset"
                    + (content >= 0 ? " (its 'content' lists " + content + " generated token(s) only)" : ""));
        }
        if (toks.size() != lps.size() || toks.size() != offs.size()) {
            throw new QualityException("its tokens, token_logprobs and text_offset differ in length ("
                    + toks.size() + ", " + lps.size() + ", " + offs.size() + ")");
        }
        JsonNode tops = lp.get("top_logprobs");
        int promptLen = prompt.codePointCount(0, prompt.length());
        List<Token> out = new ArrayList<>();
        for (int i = 0; i < toks.size(); i++) {
            int off = offs.get(i).asInt();
            if (off >= promptLen && !(off == 0 && promptLen == 0)) {
                break;
            }
            int end = i + 1 < offs.size() ? Math.min(offs.get(i + 1).asInt(), promptLen) : promptLen;
            JsonNode v = lps.get(i);
            double logprob = v == null || v.isNull() ? Double.NaN : v.asDouble();
            boolean greedy = true;
            JsonNode top = tops != null && tops.isArray() && i < tops.size() ? tops.get(i) : null;
            if (top != null && top.isObject() && !Double.isNaN(logprob)) {
                double max = Double.NEGATIVE_INFINITY;
                for (JsonNode x : top) {
                    max = Math.max(max, x.asDouble());
                }
                greedy = logprob >= max;
            }
            out.add(new Token(toks.get(i).asText(), off, end, logprob, greedy));
        }
        return out;
    }

    private record Reply(int status, String body) {
    }

    private static HttpClient client(Duration timeout) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    private static Reply post(HttpClient http, EngineHandle engine, String prompt, int maxTokens, Duration timeout) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", engine.model());
        body.put("prompt", prompt);
        body.put("max_tokens", maxTokens);
        body.put("echo", true);
        body.put("logprobs", 1);
        body.put("temperature", 0);
        URI uri = URI.create(engine.baseUrl().toString().replaceAll("/+$", "") + "/v1/completions");
        try {
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8))
                    .build();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(res.statusCode(), res.body());
        } catch (IOException e) {
            throw new QualityException("could not ask " + uri + " for prompt log-probabilities: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QualityException("interrupted while asking " + uri + " for prompt log-probabilities", e);
        }
    }

    private static String echoedText(String body) {
        try {
            return JSON.readTree(body).path("choices").path(0).path("text").asText("");
        } catch (JsonProcessingException e) {
            return "";
        }
    }

    private static String errorMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode m = n.path("error").path("message");
            if (m.isTextual()) {
                return m.asText();
            }
            if (n.path("message").isTextual()) {
                return n.path("message").asText();
            }
        } catch (JsonProcessingException e) {
            // not JSON: the raw body is the message
        }
        return body;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 160 ? one : one.substring(0, 157) + "...";
    }
}
