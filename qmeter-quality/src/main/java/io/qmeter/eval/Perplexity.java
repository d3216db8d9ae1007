package io.qmeter.eval;

import io.qmeter.engine.EngineHandle;
import io.qmeter.eval.data.DatasetException;
import io.qmeter.quality.QualityException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Perplexity of a text under the served model, from the log-probabilities of the text's own tokens
 * ({@link PromptLogprobs}: {@code /v1/completions} with {@code echo} + {@code logprobs},
 * {@code max_tokens: 0}). A server that cannot return them is refused with a
 * {@link PromptLogprobsUnsupportedException}, as for multiple choice.
 *
 * <p>The text is cut into chunks of at most {@link #chunkChars()} characters at white space, one
 * request each. Reported, as lm-eval's {@code wikitext} task does over the text as one document:
 * {@code word_perplexity = exp(-LL / words)}, {@code byte_perplexity = exp(-LL / bytes)} and
 * {@code bits_per_byte = -LL / bytes / ln 2}, where {@code LL} is the summed log-likelihood,
 * {@code words = len(re.split(r"\s+", text))} and {@code bytes} the text's UTF-8 length; and
 * {@code token_perplexity = exp(-LL / scored tokens)}, which depends on the server's tokenizer.
 * One difference from lm-eval: lm-eval scores every token with rolling windows (the first
 * conditioned on an end-of-text token), whereas here a chunk's first token has no log-probability
 * unless the server puts a BOS token before it (Llama-family tokenizers do); such tokens are
 * counted in {@link Result#unscoredTokens()}, and larger chunks make them fewer.
 *
 * <pre>{@code
 * Perplexity.Result r = Perplexity.of(Path.of("wiki.test.raw")).run(handle, Duration.ofMinutes(1), 4);
 * System.out.printf("word ppl %.2f, bits/byte %.4f%n", r.wordPerplexity(), r.bitsPerByte());
 * }</pre>
 */
public final class Perplexity {

    /** The default chunk size in characters. */
    public static final int DEFAULT_CHUNK_CHARS = 2_000;

    private final String source;
    private final String text;
    private final int chunkChars;

    private Perplexity(String source, String text, int chunkChars) {
        this.source = Objects.requireNonNull(source, "source");
        this.text = Objects.requireNonNull(text, "text");
        if (chunkChars < 16) {
            throw new IllegalArgumentException("chunkChars must be >= 16, was " + chunkChars);
        }
        this.chunkChars = chunkChars;
    }

    /**
     * Perplexity over a UTF-8 text file.
     *
     * @param file the file
     * @return the measurement, not yet run
     * @throws DatasetException when the file is missing, not UTF-8 text or empty
     */
    public static Perplexity of(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("perplexity text file not found: " + file.toAbsolutePath()
                    + "; give the path of a UTF-8 text file (e.g. wikitext-2-raw wiki.test.raw)");
        }
        try {
            String t = Files.readString(file, StandardCharsets.UTF_8);
            if (t.isBlank()) {
                throw new DatasetException("perplexity text file " + file + " is empty");
            }
            return new Perplexity(file.getFileName().toString(), t, DEFAULT_CHUNK_CHARS);
        } catch (MalformedInputException e) {
            throw new DatasetException("perplexity text file " + file + " is not UTF-8 text; give a plain text file", e);
        } catch (IOException e) {
            throw new DatasetException("could not read the perplexity text file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Perplexity over a text given directly.
     *
     * @param source a name for the result
     * @param text   the text, not blank
     * @return the measurement, not yet run
     */
    public static Perplexity ofText(String source, String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("the text for perplexity is blank");
        }
        return new Perplexity(source, text, DEFAULT_CHUNK_CHARS);
    }

    /**
     * A copy cutting the text into chunks of at most this many characters.
     *
     * @param chars the chunk size, at least 16
     * @return the copy
     */
    public Perplexity withChunkChars(int chars) {
        return new Perplexity(source, text, chars);
    }

    /**
     * The chunk size in characters.
     *
     * @return the size
     */
    public int chunkChars() {
        return chunkChars;
    }

    /**
     * The result.
     *
     * @param source          the text's name
     * @param chunks          requests sent
     * @param scoredTokens    tokens with a log-probability
     * @param unscoredTokens  tokens without one (a chunk's first, when the server adds no BOS)
     * @param words           {@code len(re.split(r"\s+", text))}
     * @param bytes           the text's UTF-8 length
     * @param logLikelihood   the summed log-likelihood (natural log)
     * @param tokenPerplexity {@code exp(-LL / scoredTokens)}
     * @param wordPerplexity  {@code exp(-LL / words)}
     * @param bytePerplexity  {@code exp(-LL / bytes)}
     * @param bitsPerByte     {@code -LL / bytes / ln 2}
     * @param simulated       whether the engine was simulated
     */
    public record Result(String source, int chunks, long scoredTokens, long unscoredTokens, long words, long bytes,
                         double logLikelihood, double tokenPerplexity, double wordPerplexity, double bytePerplexity,
                         double bitsPerByte, boolean simulated) {
    }

    /**
     * The text's chunks: at most {@link #chunkChars()} characters each, cut before white space where
     * there is some, so that every chunk but the first starts with the white space before its word.
     *
     * @return the chunks, concatenating to the text
     */
    public List<String> chunks() {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + chunkChars);
            if (end < text.length()) {
                int cut = end;
                while (cut > start + 1 && !Character.isWhitespace(text.charAt(cut))) {
                    cut--;
                }
                if (cut > start + 1) {
                    end = cut;
                }
                if (Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--;
                }
            }
            out.add(text.substring(start, end));
            start = end;
        }
        return out;
    }

    /**
     * lm-eval's word count: {@code len(re.split(r"\s+", text))}.
     *
     * @param text the text
     * @return the count
     */
    public static long words(String text) {
        return text.split("\\s+", -1).length;
    }

    /**
     * Measures.
     *
     * @param engine      the running engine
     * @param timeout     the longest one request may take
     * @param concurrency requests in flight at once, at least 1
     * @return the result
     * @throws PromptLogprobsUnsupportedException when the server cannot return prompt log-probabilities
     * @throws QualityException                   when a request fails
     */
    public Result run(EngineHandle engine, Duration timeout, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
        }
        PromptLogprobs lp;
        try {
            lp = PromptLogprobs.open(engine, timeout);
        } catch (PromptLogprobsUnsupportedException e) {
            throw new PromptLogprobsUnsupportedException("perplexity of " + source + ": " + e.getMessage(), e.reason());
        }
        List<String> chunks = chunks();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "qmeter-perplexity");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<List<PromptLogprobs.Token>>> fs = new ArrayList<>();
            for (String c : chunks) {
                fs.add(pool.submit(() -> lp.tokens(c)));
            }
            double ll = 0;
            long scored = 0;
            long unscored = 0;
            for (int i = 0; i < fs.size(); i++) {
                List<PromptLogprobs.Token> tokens;
                try {
                    tokens = fs.get(i).get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause() != null ? e.getCause() : e;
                    throw new QualityException("perplexity of " + source + ": chunk " + i + " of " + chunks.size()
                            + " failed: " + c.getMessage(), c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QualityException("perplexity of " + source + " was interrupted", e);
                }
                for (PromptLogprobs.Token t : tokens) {
                    if (Double.isNaN(t.logprob())) {
                        unscored++;
                    } else {
                        ll += t.logprob();
                        scored++;
                    }
                }
            }
            long words = words(text);
            long bytes = text.getBytes(StandardCharsets.UTF_8).length;
            return new Result(source, chunks.size(), scored, unscored, words, bytes, ll,
                    scored == 0 ? Double.NaN : Math.exp(-ll / scored), Math.exp(-ll / words), Math.exp(-ll / bytes),
                    -ll / bytes / Math.log(2), Completions.simulated(engine));
        } finally {
            pool.shutdownNow();
        }
    }
}
