package io.qmeter.cluster.load;

import io.qmeter.LoadRun;
import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.load.ArrivalProcess;
import io.qmeter.load.LoadShard;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One open-loop load that several client processes (on one host or several) send together, because
 * one client cannot drive its rate (its self-check says so): one seeded schedule of
 * {@code arrivals} requests at {@code ratePerSecond}, split into {@code shards} parts, shard
 * {@code i} sending every {@code shards}-th arrival from {@code i} ({@link LoadShard}), all starting
 * at one wall-clock instant. Each process writes an HdrHistogram interval log ({@link ShardLog});
 * {@link LoadMerge} adds them up into one result whose percentiles are those of one process that had
 * recorded every request. Immutable; {@code withX} returns a copy. The same value gives the
 * one-process run ({@link #builder()}) and each shard's run ({@link #run}), and the command line of
 * {@link LoadShardMain} for a shard on another host ({@link #arguments}).
 *
 * <pre>{@code
 * ShardedLoad load = ShardedLoad.of(URI.create("http://10.0.0.5:8000"), "llama-3-8b", 3000, 180_000, 4)
 *         .withTokens(512, 128).withSeed(7).withWarmup(Duration.ofSeconds(5));
 * Instant start = Instant.now().plusSeconds(30);
 * List<String> argsForHost2 = load.arguments(LoadShard.of(2, 4), start.toString(), Path.of("shard-2.hlog"));
 * MergedLoad here = LocalLauncher.of(load).run(Path.of("out"));   // or all shards as local processes
 * }</pre>
 *
 * @param baseUrl         the server's base URL
 * @param model           the served model's name
 * @param process         the arrival process: {@code poisson}, {@code constant} or {@code gamma:CV}
 *                        (CV the coefficient of variation of the gaps, as {@link QMeter#gamma})
 * @param ratePerSecond   the whole load's rate, &gt; 0
 * @param arrivals        how many arrivals the whole schedule has, &gt; 0
 * @param seed            seeds the schedule and the workload (the same in every process)
 * @param inputTokens     prompt length of the synthetic workload, &gt; 0
 * @param outputTokens    requested output length ({@code ignore_eos} is on), &gt; 0
 * @param warmup          the start of the schedule left out of the statistics
 * @param cooldown        the end of the schedule left out of the statistics
 * @param shards          how many processes share the schedule, &gt; 0
 * @param interval        the length of one interval of the logs (by scheduled time), whole
 *                        milliseconds, &ge; 1 ms
 * @param maxLagP99       the client self-check's largest acceptable p99 schedule lag and loop delay
 * @param minRateFraction the client self-check's smallest acceptable sent ÷ scheduled rate, in (0, 1]
 */
public record ShardedLoad(URI baseUrl, String model, String process, double ratePerSecond, long arrivals, long seed,
                          int inputTokens, int outputTokens, Duration warmup, Duration cooldown, int shards,
                          Duration interval, Duration maxLagP99, double minRateFraction) {

    /** Validates each field; messages name the field and the value. */
    public ShardedLoad {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model must be set, was " + (model == null ? "null" : "'" + model + "'"));
        }
        Objects.requireNonNull(process, "process");
        arrivalProcess(process, 1); // checks the spelling
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be > 0 and finite, was " + ratePerSecond);
        }
        if (arrivals <= 0) {
            throw new IllegalArgumentException("arrivals must be > 0, was " + arrivals);
        }
        if (inputTokens <= 0 || outputTokens <= 0) {
            throw new IllegalArgumentException("inputTokens and outputTokens must be > 0, was " + inputTokens + " and "
                    + outputTokens);
        }
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(cooldown, "cooldown");
        if (warmup.isNegative() || cooldown.isNegative()) {
            throw new IllegalArgumentException("warmup and cooldown must be >= 0, was " + warmup + " and " + cooldown);
        }
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be > 0, was " + shards);
        }
        Objects.requireNonNull(interval, "interval");
        if (interval.toMillis() < 1 || interval.toNanos() % 1_000_000L != 0) {
            throw new IllegalArgumentException("interval must be whole milliseconds, >= 1 ms, was " + interval);
        }
        Objects.requireNonNull(maxLagP99, "maxLagP99");
        if (maxLagP99.isNegative() || maxLagP99.isZero()) {
            throw new IllegalArgumentException("maxLagP99 must be > 0, was " + maxLagP99);
        }
        if (!(minRateFraction > 0 && minRateFraction <= 1)) {
            throw new IllegalArgumentException("minRateFraction must be in (0, 1], was " + minRateFraction);
        }
    }

    /**
     * A Poisson load with the defaults: seed 1, 128 input and 128 output tokens, no warm-up or
     * cool-down, 1 s log intervals, the default client self-check (5 ms, 95 %).
     *
     * @param baseUrl       the server
     * @param model         the model
     * @param ratePerSecond the whole load's rate
     * @param arrivals      the schedule's length in arrivals
     * @param shards        the number of processes
     * @return the load
     */
    public static ShardedLoad of(URI baseUrl, String model, double ratePerSecond, long arrivals, int shards) {
        return new ShardedLoad(baseUrl, model, "poisson", ratePerSecond, arrivals, 1L, 128, 128, Duration.ZERO,
                Duration.ZERO, shards, Duration.ofSeconds(1), Duration.ofMillis(5), 0.95);
    }

    /**
     * The arrival process of a spelling ({@code poisson}, {@code constant}, {@code gamma:CV}) at a rate.
     *
     * @param process       the spelling
     * @param ratePerSecond the rate
     * @return the process
     * @throws IllegalArgumentException naming the accepted spellings
     */
    public static ArrivalProcess arrivalProcess(String process, double ratePerSecond) {
        String p = process.trim().toLowerCase(Locale.ROOT);
        if (p.equals("poisson")) {
            return QMeter.poisson(ratePerSecond);
        }
        if (p.equals("constant")) {
            return QMeter.constant(ratePerSecond);
        }
        if (p.startsWith("gamma:")) {
            try {
                return QMeter.gamma(ratePerSecond, Double.parseDouble(p.substring("gamma:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("process gamma needs its burstiness, e.g. gamma:0.5, was '"
                        + process + "'", e);
            }
        }
        throw new IllegalArgumentException("process must be poisson, constant or gamma:CV (e.g. gamma:0.5), was '"
                + process + "'");
    }

    /**
     * A copy with another arrival process.
     *
     * @param v {@code poisson}, {@code constant} or {@code gamma:CV}
     * @return the copy
     */
    public ShardedLoad withProcess(String v) {
        return new ShardedLoad(baseUrl, model, v, ratePerSecond, arrivals, seed, inputTokens, outputTokens, warmup,
                cooldown, shards, interval, maxLagP99, minRateFraction);
    }

    /**
     * A copy with another seed.
     *
     * @param v the seed
     * @return the copy
     */
    public ShardedLoad withSeed(long v) {
        return new ShardedLoad(baseUrl, model, process, ratePerSecond, arrivals, v, inputTokens, outputTokens, warmup,
                cooldown, shards, interval, maxLagP99, minRateFraction);
    }

    /**
     * A copy with other prompt and output lengths.
     *
     * @param input  prompt tokens
     * @param output output tokens
     * @return the copy
     */
    public ShardedLoad withTokens(int input, int output) {
        return new ShardedLoad(baseUrl, model, process, ratePerSecond, arrivals, seed, input, output, warmup,
                cooldown, shards, interval, maxLagP99, minRateFraction);
    }

    /**
     * A copy with a warm-up.
     *
     * @param v the warm-up
     * @return the copy
     */
    public ShardedLoad withWarmup(Duration v) {
        return new ShardedLoad(baseUrl, model, process, ratePerSecond, arrivals, seed, inputTokens, outputTokens, v,
                cooldown, shards, interval, maxLagP99, minRateFraction);
    }

    /**
     * A copy with a cool-down.
     *
     * @param v the cool-down
     * @return the copy
     */
    public ShardedLoad withCooldown(Duration v) {
        return new ShardedLoad(baseUrl, model, process, ratePerSecond, arrivals, seed, inputTokens, outputTokens,
                warmup, v, shards, interval, maxLagP99, minRateFraction);
    }

    /**
     * A copy split over another number of processes (1: the one-process run of the same schedule).
     *
     * @param v the number of shards
     * @return the copy
     */
    public ShardedLoad withShards(int v) {
        return new ShardedLoad(baseUrl, model, process, ratePerSecond, arrivals, seed, inputTokens, outputTokens,
                warmup, cooldown, v, interval, maxLagP99, minRateFraction);
    }

    /**
     * A copy with another log interval.
     *
     * @param v whole milliseconds, &ge; 1 ms
     * @return the copy
     */
    public ShardedLoad withInterval(Duration v) {
        return new ShardedLoad(baseUrl, model, process, ratePerSecond, arrivals, seed, inputTokens, outputTokens,
                warmup, cooldown, shards, v, maxLagP99, minRateFraction);
    }

    /**
     * A copy with other client self-check thresholds.
     *
     * @param lagP99       largest acceptable p99 schedule lag and loop delay
     * @param rateFraction smallest acceptable sent ÷ scheduled rate
     * @return the copy
     */
    public ShardedLoad withClientCheck(Duration lagP99, double rateFraction) {
        return new ShardedLoad(baseUrl, model, process, ratePerSecond, arrivals, seed, inputTokens, outputTokens,
                warmup, cooldown, shards, interval, lagP99, rateFraction);
    }

    /**
     * The whole load as one process would run it (the schedule every shard draws).
     *
     * @return a builder for the one-process run
     */
    public LoadRunBuilder builder() {
        return QMeter.load(baseUrl).model(model).workload(QMeter.synthetic(inputTokens, outputTokens))
                .arrivals(arrivalProcess(process, ratePerSecond)).requests(arrivals).seed(seed).warmup(warmup)
                .cooldown(cooldown).clientCheck(maxLagP99, minRateFraction);
    }

    /**
     * One shard's run, starting at a wall-clock instant.
     *
     * @param shard which arrivals ({@code shard.count()} must equal {@link #shards()})
     * @param start the instant of the schedule's offset 0, the same for every shard
     * @return the run
     */
    public LoadRun run(LoadShard shard, Instant start) {
        checkShard(shard);
        return builder().build().withShard(shard).withStartAt(start);
    }

    /**
     * The command-line arguments of {@link LoadShardMain} for one shard (put them after
     * {@code java -cp ... io.qmeter.cluster.load.LoadShardMain}).
     *
     * @param shard the shard ({@code shard.count()} must equal {@link #shards()})
     * @param start an ISO-8601 instant (the same for every shard), {@code now+DURATION}, or
     *              {@code stdin} to read the instant from the first line of standard input after the
     *              process printed {@code qmeter-shard ready}
     * @param log   where the process writes its interval log
     * @return the arguments
     */
    public List<String> arguments(LoadShard shard, String start, Path log) {
        checkShard(shard);
        Objects.requireNonNull(start, "start");
        List<String> a = new ArrayList<>();
        add(a, "--url", baseUrl.toString());
        add(a, "--model", model);
        add(a, "--process", process);
        add(a, "--rate", Double.toString(ratePerSecond));
        add(a, "--arrivals", Long.toString(arrivals));
        add(a, "--seed", Long.toString(seed));
        add(a, "--input-tokens", Integer.toString(inputTokens));
        add(a, "--output-tokens", Integer.toString(outputTokens));
        add(a, "--warmup", warmup.toString());
        add(a, "--cooldown", cooldown.toString());
        add(a, "--interval", interval.toString());
        add(a, "--max-lag-p99", maxLagP99.toString());
        add(a, "--min-rate-fraction", Double.toString(minRateFraction));
        add(a, "--shard", shard.toString());
        add(a, "--start", start);
        add(a, "--out", log.toString());
        return a;
    }

    private static void add(List<String> a, String k, String v) {
        a.add(k);
        a.add(v);
    }

    private void checkShard(LoadShard shard) {
        Objects.requireNonNull(shard, "shard");
        if (shard.count() != shards) {
            throw new IllegalArgumentException("shard must be one of " + shards + " shards, was " + shard);
        }
    }
}
