package io.qmeter.quality;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run a {@link QualityBenchmark}: how many items, the seed, how many requests in flight, the
 * sampling options, the time limits and, for pass@k, how many samples per item. An immutable value;
 * {@code withX} returns a copy and every value is checked in the compact constructor.
 *
 * <pre>{@code
 * QualityOptions o = QualityOptions.defaults().withMaxItems(50).withConcurrency(8)
 *         .withDataset(Path.of("data/HumanEval.jsonl.gz"));
 * }</pre>
 *
 * @param maxItems         how many items at most, in dataset order; 0 = all
 * @param seed             the seed for anything random (few-shot choice, sampling seeds, bootstrap)
 * @param concurrency      requests (and sandboxed executions) in flight at once, at least 1
 * @param maxTokens        {@code max_tokens} per request
 * @param temperature      sampling temperature; 0 = greedy (the default)
 * @param requestTimeout   the longest one request may take
 * @param executionTimeout the longest one sandboxed program may run (code benchmarks)
 * @param samples          samples per item (n of pass@k), at least 1
 * @param dataset          the dataset file to read, or {@code null} for the benchmark's own default
 * @param fewShot          few-shot examples in each prompt; -1 = the benchmark's default
 */
public record QualityOptions(int maxItems, long seed, int concurrency, int maxTokens, double temperature,
                             Duration requestTimeout, Duration executionTimeout, int samples, Path dataset,
                             int fewShot) {

    /** Validates. */
    public QualityOptions {
        if (maxItems < 0) {
            throw new IllegalArgumentException("maxItems must be >= 0 (0 = all), was " + maxItems);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
        if (!(temperature >= 0)) {
            throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(executionTimeout, "executionTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be > 0, was " + requestTimeout);
        }
        if (executionTimeout.isNegative() || executionTimeout.isZero()) {
            throw new IllegalArgumentException("executionTimeout must be > 0, was " + executionTimeout);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
        if (fewShot < -1) {
            throw new IllegalArgumentException("fewShot must be >= 0, or -1 for the benchmark's default, was "
                    + fewShot);
        }
    }

    /**
     * All items, seed 1234, 4 in flight, 512 tokens, temperature 0, 5 min per request, 3 s per
     * execution, 1 sample, the benchmark's default dataset and few-shot count.
     *
     * @return the defaults
     */
    public static QualityOptions defaults() {
        return new QualityOptions(0, 1234L, 4, 512, 0.0, Duration.ofMinutes(5), Duration.ofSeconds(3), 1, null, -1);
    }

    /**
     * A copy with {@code maxItems}.
     *
     * @param v how many items at most; 0 = all
     * @return the copy
     */
    public QualityOptions withMaxItems(int v) {
        return new QualityOptions(v, seed, concurrency, maxTokens, temperature, requestTimeout, executionTimeout,
                samples, dataset, fewShot);
    }

    /**
     * A copy with {@code seed}.
     *
     * @param v the seed
     * @return the copy
     */
    public QualityOptions withSeed(long v) {
        return new QualityOptions(maxItems, v, concurrency, maxTokens, temperature, requestTimeout,
                executionTimeout, samples, dataset, fewShot);
    }

    /**
     * A copy with {@code concurrency}.
     *
     * @param v requests in flight, at least 1
     * @return the copy
     */
    public QualityOptions withConcurrency(int v) {
        return new QualityOptions(maxItems, seed, v, maxTokens, temperature, requestTimeout, executionTimeout,
                samples, dataset, fewShot);
    }

    /**
     * A copy with {@code maxTokens}.
     *
     * @param v max tokens per request
     * @return the copy
     */
    public QualityOptions withMaxTokens(int v) {
        return new QualityOptions(maxItems, seed, concurrency, v, temperature, requestTimeout, executionTimeout,
                samples, dataset, fewShot);
    }

    /**
     * A copy with {@code temperature}.
     *
     * @param v the temperature, 0 = greedy
     * @return the copy
     */
    public QualityOptions withTemperature(double v) {
        return new QualityOptions(maxItems, seed, concurrency, maxTokens, v, requestTimeout, executionTimeout,
                samples, dataset, fewShot);
    }

    /**
     * A copy with {@code requestTimeout}.
     *
     * @param v the longest one request may take
     * @return the copy
     */
    public QualityOptions withRequestTimeout(Duration v) {
        return new QualityOptions(maxItems, seed, concurrency, maxTokens, temperature, v, executionTimeout,
                samples, dataset, fewShot);
    }

    /**
     * A copy with {@code executionTimeout}.
     *
     * @param v the longest one sandboxed program may run
     * @return the copy
     */
    public QualityOptions withExecutionTimeout(Duration v) {
        return new QualityOptions(maxItems, seed, concurrency, maxTokens, temperature, requestTimeout, v,
                samples, dataset, fewShot);
    }

    /**
     * A copy with {@code samples} (n of pass@k).
     *
     * @param v samples per item, at least 1
     * @return the copy
     */
    public QualityOptions withSamples(int v) {
        return new QualityOptions(maxItems, seed, concurrency, maxTokens, temperature, requestTimeout,
                executionTimeout, v, dataset, fewShot);
    }

    /**
     * A copy reading another dataset file.
     *
     * @param v the file, or {@code null} for the benchmark's default
     * @return the copy
     */
    public QualityOptions withDataset(Path v) {
        return new QualityOptions(maxItems, seed, concurrency, maxTokens, temperature, requestTimeout,
                executionTimeout, samples, v, fewShot);
    }

    /**
     * A copy with {@code fewShot}.
     *
     * @param v few-shot examples per prompt; -1 = the benchmark's default
     * @return the copy
     */
    public QualityOptions withFewShot(int v) {
        return new QualityOptions(maxItems, seed, concurrency, maxTokens, temperature, requestTimeout,
                executionTimeout, samples, dataset, v);
    }
}
