package io.qmeter.search;

import io.qmeter.LoadRun;
import io.qmeter.LoadRunBuilder;
import io.qmeter.QMeter;
import io.qmeter.RunResult;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.metrics.SloMetric;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A saturation-search {@link Probe} that performs a real load run: arrivals at the probed rate for
 * the requested number of requests, through a {@link LoadRunBuilder} that already names the server,
 * model and workload. The builder's arrival process keeps its family (Poisson, gamma with its
 * burstiness, constant; Poisson when none is set) and only its rate changes; a trace is refused. A burst request (rate {@code Infinity}) sends every request at once
 * and reports the throughput it saw, so the search can start near the saturation point.
 *
 * <p>Samples per request: TTFT from the scheduled time; TPOT as vLLM defines it. A request that
 * failed counts as {@code +Infinity} for both. With a {@linkplain #withRequestTimeout request
 * timeout}, a request still streaming when it expires (outcome TIMEOUT) keeps its TTFT, and its
 * TPOT is estimated from the tokens received so far ((last − first chunk) ÷ (tokens − 1)); without
 * a first token it counts as {@code +Infinity}. That keeps probes short (the longest answers are
 * not waited for) at the cost of judging TPOT on the first seconds of each answer.
 *
 * <p>The burst's throughput is the token rate after half of its requests got their first token
 * (the steady decode phase, without connection set-up and the prefill wave), divided by the mean
 * requested output length.
 *
 * <pre>{@code
 * LoadProbe probe = LoadProbe.of(QMeter.load(engine).workload(sharegptLike(331, 231)))
 *         .withMinDuration(Duration.ofSeconds(30));
 * SearchResult r = SaturationSearch.builder().slo(Slo.builder().ttft(io.qmeter.metrics.Percentile.of(90), ofSeconds(1)).tpot(io.qmeter.metrics.Percentile.of(90), ofMillis(200)).build()).build().run(probe);
 * }</pre>
 */
public final class LoadProbe implements Probe {

    /** Arrival rate used for a burst: every request due within microseconds. */
    static final double BURST_RATE = 1e6;

    private final LoadRunBuilder base;
    private final Duration requestTimeout;
    private final int burstRequests;
    private final Duration minDuration;
    private final Function<LoadRun, RunResult> runner;

    private LoadProbe(LoadRunBuilder base, Duration requestTimeout, int burstRequests, Duration minDuration,
                      Function<LoadRun, RunResult> runner) {
        this.base = Objects.requireNonNull(base, "base");
        this.requestTimeout = requestTimeout;
        this.burstRequests = burstRequests;
        this.minDuration = minDuration;
        this.runner = runner;
    }

    /**
     * A probe over a partly configured load run (server, model, workload; no arrivals or bound).
     *
     * @param base the load run builder
     * @return the probe
     */
    public static LoadProbe of(LoadRunBuilder base) {
        Rerate.check(Objects.requireNonNull(base, "base").arrivalProcess().orElse(null), "a saturation search");
        return new LoadProbe(base, null, 0, Duration.ZERO, LoadRun::run);
    }

    /**
     * A copy that cuts each request this long after it was sent (see the class comment). It sets
     * the load run's request timeout, so it has no effect when the base builder has its own sender
     * (give that sender the timeout instead).
     *
     * @param timeout &gt; 0
     * @return the copy
     */
    public LoadProbe withRequestTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be > 0, was " + timeout);
        }
        return new LoadProbe(base, timeout, burstRequests, minDuration, runner);
    }

    /**
     * A copy whose burst probe sends this many requests (default: the search's request count).
     *
     * @param requests at least 1
     * @return the copy
     */
    public LoadProbe withBurstRequests(int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("burstRequests must be >= 1, was " + requests);
        }
        return new LoadProbe(base, requestTimeout, requests, minDuration, runner);
    }

    /**
     * A copy whose paced probes last at least this long: a probe sends
     * {@code max(requests asked, rate × minDuration)} requests, so that fast rates run long enough
     * for queues to build (a short probe at an overload rate is absorbed by the batch and passes).
     *
     * @param d at least zero
     * @return the copy
     */
    public LoadProbe withMinDuration(Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException("minDuration must be >= 0, was " + d);
        }
        return new LoadProbe(base, requestTimeout, burstRequests, d, runner);
    }

    /**
     * A copy that executes its load runs through {@code r} instead of {@link LoadRun#run()} (a
     * sweep runs them while it watches the engine's health).
     *
     * <pre>{@code
     * LoadProbe watched = probe.withRunner(run -> { RunResult r = run.run(); log(r); return r; });
     * }</pre>
     *
     * @param r runs one load run
     * @return the copy
     */
    public LoadProbe withRunner(Function<LoadRun, RunResult> r) {
        return new LoadProbe(base, requestTimeout, burstRequests, minDuration, Objects.requireNonNull(r, "runner"));
    }

    @Override
    public ProbeResult run(ProbeRequest request) {
        boolean burst = request.isBurst();
        int n = burst && burstRequests > 0 ? burstRequests : request.requestCount();
        if (!burst) {
            n = (int) Math.max(n, Math.min(1_000_000, Math.ceil(request.ratePerSecond() * minDuration.toNanos() / 1e9)));
        }
        LoadRunBuilder b = base.arrivals(burst ? QMeter.constant(BURST_RATE)
                        : Rerate.at(base.arrivalProcess().orElse(null), request.ratePerSecond()))
                .requests(n).seed(request.seed());
        if (requestTimeout != null) {
            b = b.requestTimeout(requestTimeout);
        }
        RunResult rr = runner.apply(b.build());
        return toProbeResult(rr, burst);
    }

    /**
     * Turns a load run into the search's samples (see the class comment).
     *
     * @param rr    the run
     * @param burst whether it was a burst (its throughput is reported, its pacing not judged)
     * @return the probe result, with the run as its summary
     */
    static ProbeResult toProbeResult(RunResult rr, boolean burst) {
        List<RequestRecord> recs = rr.records();
        double[] ttft = new double[recs.size()];
        double[] tpot = new double[recs.size()];
        double[] e2e = new double[recs.size()];
        double requestedOut = 0;
        for (int i = 0; i < recs.size(); i++) {
            RequestRecord r = recs.get(i);
            requestedOut += r.outputTokensRequested();
            long[] chunks = r.chunkNanos();
            int got = tokensOf(r);
            boolean hasFirst = r.firstTokenNanos() >= 0;
            if (r.outcome() == Outcome.OK) {
                ttft[i] = r.firstTokenNanos() - r.scheduledNanos();
                tpot[i] = r.tpotNanos();
                e2e[i] = r.lastTokenNanos() - r.scheduledNanos();
            } else if ((r.outcome() == Outcome.TIMEOUT || r.outcome() == Outcome.CANCELLED) && hasFirst) {
                ttft[i] = r.firstTokenNanos() - r.scheduledNanos();
                tpot[i] = got >= 2 && chunks.length >= 2 ? (double) (chunks[chunks.length - 1] - r.firstTokenNanos())
                        / (got - 1) : Double.NaN;
                e2e[i] = Double.POSITIVE_INFINITY;
            } else {
                ttft[i] = Double.POSITIVE_INFINITY;
                tpot[i] = Double.POSITIVE_INFINITY;
                e2e[i] = Double.POSITIVE_INFINITY;
            }
        }
        Map<String, double[]> samples = new LinkedHashMap<>();
        samples.put(SloMetric.TTFT.key(), ttft);
        samples.put(SloMetric.TPOT.key(), tpot);
        samples.put(SloMetric.E2E.key(), e2e);
        ProbeResult pr = ProbeResult.ofSamples(samples).withSummary(rr);
        if (burst) {
            return pr.withAchievedThroughput(steadyThroughput(recs, requestedOut));
        }
        pr = pr.withAchievedThroughput(rr.summary().requestThroughputPerSecond());
        return rr.valid() ? pr : pr.withValidity(false, String.join("; ", rr.invalidReasons()));
    }

    /** Token rate after half the requests got their first token, ÷ mean requested output, in req/s. */
    static double steadyThroughput(List<RequestRecord> recs, double requestedOut) {
        long[] firsts = recs.stream().mapToLong(RequestRecord::firstTokenNanos).filter(t -> t >= 0).sorted().toArray();
        if (firsts.length == 0 || recs.isEmpty()) {
            return Double.NaN;
        }
        long from = firsts[(firsts.length - 1) / 2];
        long last = Long.MIN_VALUE;
        double tokens = 0;
        for (RequestRecord r : recs) {
            long[] c = r.chunkNanos();
            int[] ct = r.chunkTokens();
            for (int i = 0; i < c.length; i++) {
                if (c[i] > from) {
                    tokens += ct == null ? 1 : ct[i];
                    last = Math.max(last, c[i]);
                }
            }
        }
        double seconds = (last - from) / 1e9;
        double meanOut = requestedOut / recs.size();
        return seconds > 0 && tokens > 0 ? tokens / seconds / meanOut : Double.NaN;
    }

    private static int tokensOf(RequestRecord r) {
        int[] ct = r.chunkTokens();
        if (ct == null) {
            return r.chunkNanos().length;
        }
        int s = 0;
        for (int c : ct) {
            s += c;
        }
        return s;
    }

    @Override
    public String toString() {
        return "LoadProbe[requestTimeout " + requestTimeout + ", burstRequests " + burstRequests + ", minDuration "
                + minDuration + "]";
    }
}
