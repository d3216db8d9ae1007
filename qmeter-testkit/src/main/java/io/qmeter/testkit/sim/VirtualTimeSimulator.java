package io.qmeter.testkit.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulated engine in virtual time: a discrete-event simulation of the same scheduler and
 * roofline that {@link RealTimeBackend} runs, with no threads and no sleeping. An iteration starts
 * when the previous one ends (or, when idle, at the next arrival), admits every request that has
 * arrived by then, and ends after the roofline's duration; power is integrated over virtual time.
 * Instances are immutable and may be shared between threads.
 *
 * <pre>{@code
 * SimConfig c = SimConfig.builder().model("Llama-2-13B").quantization("W8A8-INT").build();
 * SimulationResult r = new VirtualTimeSimulator(c).run(
 *         ArrivalTrace.poisson(8, 2000, LengthDistribution.shareGptLike(), 42L));
 * System.out.println(r.summary());
 * }</pre>
 */
public final class VirtualTimeSimulator {

    private final SimConfig config;

    /**
     * A simulator for one configuration.
     *
     * @param config the configuration
     */
    public VirtualTimeSimulator(SimConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public SimConfig config() {
        return config;
    }

    /**
     * Runs a trace, recording every token's time.
     *
     * @param trace the arrivals
     * @return per-request and aggregate results
     */
    public SimulationResult run(ArrivalTrace trace) {
        return run(trace, true);
    }

    /**
     * Runs a trace.
     *
     * @param trace            the arrivals
     * @param recordTokenTimes whether to keep every token's time (memory: 8 bytes a token)
     * @return per-request and aggregate results
     */
    public SimulationResult run(ArrivalTrace trace, boolean recordTokenTimes) {
        List<TraceRequest> reqs = trace.requests();
        int n = reqs.size();
        PerfModel perf = new PerfModel(config);
        IterationScheduler sched = new IterationScheduler(config);
        EnergyMeter meter = new EnergyMeter(perf.idleWatts(), 0);
        int ctx = config.model().contextLength();
        long[] ttft = new long[n];
        long[] e2e = new long[n];
        int[] outTokens = new int[n];
        int[] preemptions = new int[n];
        String[] errors = new String[n];
        long[][] tokenTimes = recordTokenTimes ? new long[n][] : null;
        IterationScheduler.Listener listener = (s, nanos, finished) -> {
            int i = (int) s.id;
            if (recordTokenTimes) {
                tokenTimes[i][s.generated - 1] = nanos;
            }
            if (finished) {
                ttft[i] = s.firstTokenNanos - s.arrivalNanos;
                e2e[i] = nanos - s.arrivalNanos;
                outTokens[i] = s.generated;
                preemptions[i] = s.preemptions;
            }
        };

        long now = 0;
        int next = 0;
        long iterations = 0;
        double batchSum = 0;
        double peakKv = 0;
        long lastTokenNanos = 0;
        boolean busy = false;
        while (true) {
            if (sched.idle()) {
                if (next >= n) {
                    break;
                }
                if (busy) {
                    meter.setWatts(now, perf.idleWatts());
                    busy = false;
                }
                now = Math.max(now, reqs.get(next).arrivalNanos());
            }
            while (next < n && reqs.get(next).arrivalNanos() <= now) {
                TraceRequest r = reqs.get(next);
                String why = sched.rejectReason(r.promptTokens(), r.maxTokens(), ctx);
                if (why != null) {
                    errors[next] = why;
                    ttft[next] = -1;
                    e2e[next] = -1;
                } else {
                    if (recordTokenTimes) {
                        tokenTimes[next] = new long[r.maxTokens()];
                    }
                    sched.addWaiting(new Seq(next, r.arrivalNanos(), r.promptTokens(), r.maxTokens(), r.maxTokens(), null));
                }
                next++;
            }
            if (!sched.plan()) {
                if (sched.idle()) {
                    continue;
                }
                throw new IllegalStateException("the scheduler could not schedule " + sched.waitingCount()
                        + " waiting requests with " + sched.runningCount() + " running (" + config.label() + ")");
            }
            IterationShape shape = sched.shape();
            batchSum += shape.seqs;
            long d = perf.iterationNanos(shape);
            meter.setWatts(now, perf.lastWatts());
            busy = true;
            now += d;
            peakKv = Math.max(peakKv, sched.kvUsage()); // blocks held during the iteration
            sched.complete(now, listener);
            lastTokenNanos = now;
            iterations++;
        }
        meter.setWatts(lastTokenNanos, perf.idleWatts());
        List<RequestResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            TraceRequest r = reqs.get(i);
            results.add(new RequestResult(i, r.arrivalNanos(), r.promptTokens(), outTokens[i], ttft[i], e2e[i],
                    preemptions[i], recordTokenTimes ? tokenTimes[i] : null, errors[i]));
        }
        int devices = config.tensorParallel();
        return new SimulationResult(config.label(), results, lastTokenNanos, meter.joulesAt(lastTokenNanos) * devices,
                perf.idleWatts() * devices, iterations, sched.preemptionsTotal(),
                iterations == 0 ? 0 : batchSum / iterations, peakKv, meter.minWatts(), meter.maxWatts());
    }
}
