package io.qmeter.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Which faults a test engine injects, and when: a crash after N requests or at time T, a fault on
 * chosen requests (by 0-based arrival index), and faults drawn with a probability per request.
 * Immutable; decisions depend only on the seed and the request index, so a run is repeatable
 * whatever the order in which requests are served.
 *
 * <p>"Crash after N requests": the engine serves N requests; it crashes as soon as all N have
 * been answered, or when request N+1 arrives, whichever comes first (request N+1 and every open
 * connection are cut).
 *
 * <pre>{@code
 * FaultPlan plan = FaultPlan.builder().seed(7)
 *         .on(3, Fault.httpStatus(503))
 *         .withProbability(0.05, Fault.cutAfter(10))
 *         .crashAt(Duration.ofSeconds(30))
 *         .build();
 * Optional<Fault> f = plan.faultFor(3);   // HTTP 503
 * }</pre>
 *
 * @param seed                 seed of the probabilistic faults
 * @param crashAfterRequests   crash once this many requests were served; 0 = never
 * @param crashAt              crash this long after start; {@code null} = never
 * @param onRequest            faults for chosen request indices
 * @param probabilistic        faults drawn per request, checked in order; the first that fires wins
 */
public record FaultPlan(long seed, long crashAfterRequests, Duration crashAt, Map<Long, Fault> onRequest,
                        List<Chance> probabilistic) {

    /**
     * A fault that strikes each request with a probability.
     *
     * <pre>{@code
     * FaultPlan.Chance c = new FaultPlan.Chance(0.1, Fault.httpStatus(429));
     * }</pre>
     *
     * @param probability 0..1
     * @param fault       the fault
     */
    public record Chance(double probability, Fault fault) {
        /** Validates the probability. */
        public Chance {
            Objects.requireNonNull(fault, "fault");
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("probability must be in [0, 1], was " + probability);
            }
        }
    }

    /** Validates and copies. */
    public FaultPlan {
        if (crashAfterRequests < 0) {
            throw new IllegalArgumentException("crashAfterRequests must be >= 0, was " + crashAfterRequests);
        }
        if (crashAt != null && crashAt.isNegative()) {
            throw new IllegalArgumentException("crashAt must be >= 0, was " + crashAt);
        }
        onRequest = Map.copyOf(onRequest);
        probabilistic = List.copyOf(probabilistic);
        for (Long i : onRequest.keySet()) {
            if (i < 0) {
                throw new IllegalArgumentException("request index must be >= 0, was " + i);
            }
        }
    }

    /**
     * No faults.
     *
     * <pre>{@code
     * SimulatedEngine.builder().faults(FaultPlan.none());
     * }</pre>
     *
     * @return the empty plan
     */
    public static FaultPlan none() {
        return new FaultPlan(0, 0, null, Map.of(), List.of());
    }

    /**
     * A builder.
     *
     * <pre>{@code
     * FaultPlan p = FaultPlan.builder().crashAfterRequests(100).build();
     * }</pre>
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The fault for the request that arrived {@code index}-th (0-based), if any. A fault set with
     * {@link Builder#on(long, Fault)} wins over probabilistic ones. Crash-after-N is not reported
     * here (the engine counts requests itself).
     *
     * <pre>{@code
     * plan.faultFor(0).ifPresent(f -> System.out.println(f.kind()));
     * }</pre>
     *
     * @param index the request's arrival index
     * @return the fault, or empty
     */
    public Optional<Fault> faultFor(long index) {
        Fault f = onRequest.get(index);
        if (f != null) {
            return Optional.of(f);
        }
        if (probabilistic.isEmpty()) {
            return Optional.empty();
        }
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        for (Chance c : probabilistic) {
            if (r.nextDouble() < c.probability()) {
                return Optional.of(c.fault());
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the plan holds any fault.
     *
     * @return false for {@link #none()}
     */
    public boolean isEmpty() {
        return crashAfterRequests == 0 && crashAt == null && onRequest.isEmpty() && probabilistic.isEmpty();
    }

    /**
     * A copy with another seed.
     *
     * @param s the seed
     * @return the copy
     */
    public FaultPlan withSeed(long s) {
        return new FaultPlan(s, crashAfterRequests, crashAt, onRequest, probabilistic);
    }

    /** Builds a {@link FaultPlan}; every setter returns a new builder, {@link #build()} an immutable value. */
    public static final class Builder {
        private long seed;
        private long crashAfterRequests;
        private Duration crashAt;
        private final Map<Long, Fault> onRequest = new LinkedHashMap<>();
        private final List<Chance> probabilistic = new ArrayList<>();

        private Builder() {
        }

        /**
         * The seed of probabilistic faults.
         *
         * @param s the seed
         * @return a new builder
         */
        public Builder seed(long s) {
            Builder b = copy();
            b.seed = s;
            return b;
        }

        /**
         * Crash once {@code n} requests were served (see the class comment).
         *
         * @param n at least 1
         * @return a new builder
         */
        public Builder crashAfterRequests(long n) {
            Builder b = copy();
            if (n < 1) {
                throw new IllegalArgumentException("crashAfterRequests must be >= 1, was " + n);
            }
            b.crashAfterRequests = n;
            return b;
        }

        /**
         * Crash this long after the engine started.
         *
         * @param t the time
         * @return a new builder
         */
        public Builder crashAt(Duration t) {
            Builder b = copy();
            Objects.requireNonNull(t, "crashAt");
            if (t.isNegative()) {
                throw new IllegalArgumentException("crashAt must be >= 0, was " + t);
            }
            b.crashAt = t;
            return b;
        }

        /**
         * A fault for the request that arrives {@code index}-th (0-based).
         *
         * @param index the arrival index
         * @param fault the fault
         * @return a new builder
         */
        public Builder on(long index, Fault fault) {
            Builder b = copy();
            if (index < 0) {
                throw new IllegalArgumentException("request index must be >= 0, was " + index);
            }
            b.onRequest.put(index, Objects.requireNonNull(fault, "fault"));
            return b;
        }

        /**
         * A fault that strikes each request with a probability (seeded).
         *
         * @param probability 0..1
         * @param fault       the fault
         * @return a new builder
         */
        public Builder withProbability(double probability, Fault fault) {
            Builder b = copy();
            b.probabilistic.add(new Chance(probability, fault));
            return b;
        }

        /** A copy of this builder: every setter returns a changed copy, so a builder is never shared mutable state. */
        private Builder copy() {
            Builder b = new Builder();
            b.seed = seed;
            b.crashAfterRequests = crashAfterRequests;
            b.crashAt = crashAt;
            b.onRequest.putAll(onRequest);
            b.probabilistic.addAll(probabilistic);
            return b;
        }

        /**
         * The plan.
         *
         * @return an immutable plan
         */
        public FaultPlan build() {
            return new FaultPlan(seed, crashAfterRequests, crashAt, onRequest, probabilistic);
        }
    }
}
