package io.qmeter.eval;

import io.qmeter.LoadRun;
import io.qmeter.QMeter;
import io.qmeter.RunResult;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.RunSummary;
import io.qmeter.quality.ItemResult;
import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityException;
import io.qmeter.quality.QualityOptions;
import io.qmeter.quality.QualityScore;
import io.qmeter.workload.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Quality under load: scores a benchmark once on the idle engine, then again while the engine also
 * serves an open-loop background load (Poisson arrivals at a chosen rate, e.g. a fraction of its
 * saturation point), and reports both scores, the background run's latency and which items were
 * answered differently (batching and KV-cache pressure can change a server's outputs, even greedy
 * ones).
 *
 * <p>The background run starts {@link Builder#warmup} before the loaded benchmark and lasts the
 * warm-up plus twice the idle benchmark's time (at least 5 s, at most {@link Builder#maxBackground}),
 * so that it normally covers the whole loaded benchmark; {@link Result#covered()} says whether it
 * did. Its latency covers all its requests, the quality requests' influence included.
 *
 * <pre>{@code
 * QualityUnderLoad.Result r = QualityUnderLoad.builder(new Gsm8kBenchmark(test, null))
 *         .options(QualityOptions.defaults().withMaxItems(100)).rate(0.5 * saturation).build().run(handle);
 * System.out.println(r.summary());
 * }</pre>
 */
public final class QualityUnderLoad {

    private final Builder b;

    private QualityUnderLoad(Builder b) {
        this.b = b;
    }

    /**
     * A builder for a benchmark: default options, 1 req/s of ShareGPT-like background load
     * (331 / 231 tokens), a 2 s warm-up, at most 10 min of background, seed 1.
     *
     * @param benchmark the benchmark
     * @return the builder
     */
    public static Builder builder(QualityBenchmark benchmark) {
        return new Builder(Objects.requireNonNull(benchmark, "benchmark"));
    }

    /**
     * The outcome.
     *
     * @param idle           the score on the idle engine
     * @param loaded         the score under the background load
     * @param background     the background load run (its latency, throughput, failures)
     * @param backgroundRate the background's arrival rate, req/s
     * @param covered        whether the background run lasted until the loaded benchmark ended
     * @param differingItems ids of the items answered differently (response text) in the two runs,
     *                       items that failed in either run included
     */
    public record Result(QualityScore idle, QualityScore loaded, RunResult background, double backgroundRate,
                         boolean covered, List<String> differingItems) {

        /** Copies. */
        public Result {
            differingItems = List.copyOf(differingItems);
        }

        /**
         * Whether any answer differed.
         *
         * @return true when at least one item was answered differently
         */
        public boolean answersDiffer() {
            return !differingItems.isEmpty();
        }

        /**
         * One line: both scores, the change, the background's P90 TTFT and TPOT, differing answers.
         *
         * @return the line
         */
        public String summary() {
            RunSummary s = background.summary();
            return String.format(Locale.ROOT, "%s %s: idle %.1f, under %.2f req/s background %.1f (%+.1f); background "
                            + "P90 TTFT %.0f ms, P90 TPOT %.1f ms, %d/%d requests ok%s; %d of %d answers differ%s",
                    loaded.benchmark(), loaded.metric(), idle.value(), backgroundRate, loaded.value(),
                    loaded.value() - idle.value(), s.ttft().p90Millis(), s.tpot().p90Millis(), s.okRequests(),
                    s.measuredRequests(), covered ? "" : " (ended before the benchmark)", differingItems.size(),
                    loaded.n(), loaded.simulated() ? " [simulated]" : "");
        }
    }

    /**
     * Runs the benchmark idle, then under the background load.
     *
     * @param engine the running engine
     * @return the result
     * @throws QualityException when a benchmark run cannot run or the background run fails
     */
    public Result run(EngineHandle engine) {
        long t0 = System.nanoTime();
        QualityScore idle = b.benchmark.run(engine, b.options);
        Duration idleTime = Duration.ofNanos(System.nanoTime() - t0);
        Duration span = idleTime.multipliedBy(2);
        if (span.compareTo(Duration.ofSeconds(5)) < 0) {
            span = Duration.ofSeconds(5);
        }
        Duration total = b.warmup.plus(span);
        if (total.compareTo(b.maxBackground) > 0) {
            total = b.maxBackground;
        }
        LoadRun load = QMeter.load(engine).workload(b.workload).arrivals(QMeter.poisson(b.rate)).duration(total)
                .seed(b.seed).build();
        CompletableFuture<RunResult> bg = load.runAsync();
        try {
            bg.get(b.warmup.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // the usual case: the background is running after its warm-up
        } catch (InterruptedException e) {
            bg.cancel(true);
            Thread.currentThread().interrupt();
            throw new QualityException("interrupted while the background load warmed up", e);
        } catch (ExecutionException e) {
            throw new QualityException("the background load failed to run: " + e.getCause(), e.getCause());
        }
        QualityScore loaded;
        try {
            loaded = b.benchmark.run(engine, b.options);
        } catch (RuntimeException e) {
            bg.cancel(true);
            throw e;
        }
        boolean covered = !bg.isDone();
        RunResult rr;
        try {
            rr = bg.join();
        } catch (RuntimeException e) {
            throw new QualityException("the background load failed: " + e.getMessage(), e);
        }
        return new Result(idle, loaded, rr, b.rate, covered, differing(idle, loaded));
    }

    /**
     * Ids of the items whose response differs between two runs of the same benchmark (an item missing
     * from one run, or failed in either, counts as differing).
     *
     * @param a one run
     * @param b the other
     * @return the ids, in {@code a}'s order, then those only in {@code b}
     */
    public static List<String> differing(QualityScore a, QualityScore b) {
        Map<String, ItemResult> other = new HashMap<>();
        for (ItemResult i : b.items()) {
            other.put(i.id(), i);
        }
        List<String> out = new ArrayList<>();
        for (ItemResult i : a.items()) {
            ItemResult j = other.remove(i.id());
            if (j == null || i.error() != null || j.error() != null || !Objects.equals(i.response(), j.response())) {
                out.add(i.id());
            }
        }
        b.items().stream().filter(i -> other.containsKey(i.id())).forEach(i -> out.add(i.id()));
        return out;
    }

    /** Builds a {@link QualityUnderLoad}; setters return this builder. */
    public static final class Builder {
        private final QualityBenchmark benchmark;
        private QualityOptions options = QualityOptions.defaults();
        private double rate = 1.0;
        private Workload workload = QMeter.sharegptLike(331, 231);
        private Duration warmup = Duration.ofSeconds(2);
        private Duration maxBackground = Duration.ofMinutes(10);
        private long seed = 1;

        private Builder(QualityBenchmark benchmark) {
            this.benchmark = benchmark;
        }

        /**
         * The benchmark's options (the same for both runs).
         *
         * @param o the options
         * @return this builder
         */
        public Builder options(QualityOptions o) {
            this.options = Objects.requireNonNull(o, "options");
            return this;
        }

        /**
         * The background's arrival rate (Poisson), e.g. half the engine's saturation point.
         *
         * @param requestsPerSecond &gt; 0
         * @return this builder
         */
        public Builder rate(double requestsPerSecond) {
            if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
                throw new IllegalArgumentException("rate must be > 0 req/s, was " + requestsPerSecond);
            }
            this.rate = requestsPerSecond;
            return this;
        }

        /**
         * The background's workload.
         *
         * @param w the workload
         * @return this builder
         */
        public Builder workload(Workload w) {
            this.workload = Objects.requireNonNull(w, "workload");
            return this;
        }

        /**
         * How long the background runs before the loaded benchmark starts.
         *
         * @param d &gt;= 0
         * @return this builder
         */
        public Builder warmup(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("warmup must be >= 0, was " + d);
            }
            this.warmup = d;
            return this;
        }

        /**
         * The longest the background may run.
         *
         * @param d &gt; 0
         * @return this builder
         */
        public Builder maxBackground(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("maxBackground must be > 0, was " + d);
            }
            this.maxBackground = d;
            return this;
        }

        /**
         * The background's seed (arrivals, prompts).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * The runner.
         *
         * @return the runner
         */
        public QualityUnderLoad build() {
            return new QualityUnderLoad(this);
        }
    }
}
