package io.qmeter.search;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic serving model for search tests, shaped like a batching server with {@code servers}
 * parallel slots: TTFT = prefill × (1 + load / 2) + a wait that happens with probability
 * load^servers and is exponential with rate capacity × (1 − load) (an M/M/c-like tail; servers = 1
 * is M/M/1), a fixed 10 s+ past capacity; TPOT = base × (1 + slope × load) × lognormal noise.
 * Each probe may draw its own capacity (run-to-run noise). True percentiles are in closed form.
 */
final class SyntheticServer implements Probe {
    static final double Z90 = 1.2815515655446004;

    final double capacity;
    final double prefillSec;
    final double tpotBaseSec;
    final double tpotSlope;
    final double tpotSigma;
    final double capacityJitter;
    final int servers;
    int calls;

    SyntheticServer(double capacity, double prefillSec, double tpotBaseSec, double tpotSlope, double tpotSigma,
                    double capacityJitter) {
        this(capacity, prefillSec, tpotBaseSec, tpotSlope, tpotSigma, capacityJitter, 1);
    }

    SyntheticServer(double capacity, double prefillSec, double tpotBaseSec, double tpotSlope, double tpotSigma,
                    double capacityJitter, int servers) {
        this.servers = servers;
        this.capacity = capacity;
        this.prefillSec = prefillSec;
        this.tpotBaseSec = tpotBaseSec;
        this.tpotSlope = tpotSlope;
        this.tpotSigma = tpotSigma;
        this.capacityJitter = capacityJitter;
    }

    @Override
    public ProbeResult run(ProbeRequest req) {
        calls++;
        SplittableRandom rng = new SplittableRandom(req.seed());
        double mu = capacity * Math.exp(capacityJitter * gauss(rng));
        if (req.isBurst()) {
            return ProbeResult.ofSamples(Map.of()).withAchievedThroughput(mu * (1 + 0.02 * gauss(rng)));
        }
        double rate = req.ratePerSecond();
        double rho = rate / mu;
        int n = req.requestCount();
        double[] ttft = new double[n];
        double[] tpot = new double[n];
        for (int i = 0; i < n; i++) {
            double wait;
            if (rho < 1) {
                wait = rng.nextDouble() < Math.pow(rho, servers) ? exp(rng, mu * (1 - rho)) : 0;
            } else {
                wait = 10 + exp(rng, 1); // overloaded: the queue grows without bound
            }
            ttft[i] = (prefillSec * (1 + 0.5 * Math.min(rho, 1)) + wait) * 1e9;
            tpot[i] = tpotBaseSec * (1 + tpotSlope * Math.min(rho, 1.2)) * Math.exp(tpotSigma * gauss(rng)) * 1e9;
        }
        return ProbeResult.ofSamples(Map.of("ttft", ttft, "tpot", tpot))
                .withAchievedThroughput(Math.min(rate, mu));
    }

    /** Exact P90 TTFT in seconds at a rate (no capacity jitter); infinite at or past capacity. */
    double trueP90TtftSec(double rate) {
        double rho = rate / capacity;
        if (rho >= 1) {
            return Double.POSITIVE_INFINITY;
        }
        double pw = Math.pow(rho, servers);
        double w = pw <= 0.1 ? 0 : Math.log(10 * pw) / (capacity * (1 - rho));
        return prefillSec * (1 + 0.5 * rho) + w;
    }

    /** Exact P90 TPOT in seconds. */
    double trueP90TpotSec(double rate) {
        double rho = rate / capacity;
        return tpotBaseSec * (1 + tpotSlope * Math.min(rho, 1.2)) * Math.exp(tpotSigma * Z90);
    }

    /** True saturation point by a fine brute-force sweep (0.05 % steps) of the exact percentiles. */
    double trueSaturation(double ttftSec, double tpotSec) {
        double r = capacity * 0.001;
        double best = Double.NaN;
        while (r < capacity * 1.5) {
            if (trueP90TtftSec(r) <= ttftSec && trueP90TpotSec(r) <= tpotSec) {
                best = r;
            } else if (!Double.isNaN(best)) {
                break;
            }
            r *= 1.0005;
        }
        return best;
    }

    private static double exp(SplittableRandom rng, double lambda) {
        return -Math.log(1 - rng.nextDouble()) / lambda;
    }

    static double gauss(SplittableRandom rng) {
        double u1 = 1 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
