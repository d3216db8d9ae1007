package io.qmeter.testkit.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded list of requests with arrival times, in arrival order, for
 * {@link VirtualTimeSimulator} and replay harnesses.
 *
 * <p>{@link #poisson} draws the gaps and the lengths from two independent streams of the same
 * seed, so traces of one seed at different rates have the same lengths and proportional gaps
 * (common random numbers: a rate search then compares like with like).
 *
 * <pre>{@code
 * ArrivalTrace t = ArrivalTrace.poisson(8.0, 2000, LengthDistribution.shareGptLike(), 42L);
 * }</pre>
 *
 * @param requests    the requests, arrival times non-decreasing
 * @param description how it was made (rate, seed), for reports
 */
public record ArrivalTrace(List<TraceRequest> requests, String description) {

    /** Copies the list and checks the order. */
    public ArrivalTrace {
        requests = List.copyOf(requests);
        for (int i = 1; i < requests.size(); i++) {
            if (requests.get(i).arrivalNanos() < requests.get(i - 1).arrivalNanos()) {
                throw new IllegalArgumentException("requests must be in arrival order, request " + i + " arrives at "
                        + requests.get(i).arrivalNanos() + " ns, before request " + (i - 1));
            }
        }
        description = description == null ? "" : description;
    }

    /**
     * Poisson arrivals at a fixed rate.
     *
     * @param ratePerSecond mean arrivals per second, &gt; 0
     * @param count         number of requests, at least 1
     * @param lengths       the length distribution
     * @param seed          the seed
     * @return the trace
     */
    public static ArrivalTrace poisson(double ratePerSecond, int count, LengthDistribution lengths, long seed) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be > 0, was " + ratePerSecond);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom gaps = root.split();
        SplittableRandom lens = root.split();
        List<TraceRequest> out = new ArrayList<>(count);
        double t = 0;
        for (int i = 0; i < count; i++) {
            t += -Math.log(1 - gaps.nextDouble()) / ratePerSecond;
            int[] io = lengths.sample(lens);
            out.add(new TraceRequest(Math.round(t * 1e9), io[0], io[1]));
        }
        return new ArrivalTrace(out, "poisson " + ratePerSecond + " req/s, " + count + " requests, seed " + seed);
    }

    /**
     * {@code count} identical requests all arriving at time 0 (a closed batch).
     *
     * @param count        number of requests
     * @param promptTokens prompt length
     * @param outputTokens output length
     * @return the trace
     */
    public static ArrivalTrace burst(int count, int promptTokens, int outputTokens) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        List<TraceRequest> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new TraceRequest(0, promptTokens, outputTokens));
        }
        return new ArrivalTrace(out, count + " x " + promptTokens + "/" + outputTokens + " at t=0");
    }

    /**
     * Number of requests.
     *
     * @return the size
     */
    public int size() {
        return requests.size();
    }
}
