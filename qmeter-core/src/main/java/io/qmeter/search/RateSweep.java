package io.qmeter.search;

import io.qmeter.LoadRunBuilder;
import io.qmeter.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain rate sweep against one running server: the same load run at each of a list of rates, one
 * after another, without a plan, a coordinator or a store. Made by {@link io.qmeter.QMeter#rateSweep};
 * immutable. Each run keeps the builder's arrival process family (Poisson, gamma with its
 * burstiness, constant) at the swept rate, and its bound ({@code duration} or {@code requests}).
 *
 * <pre>{@code
 * LoadRunBuilder base = load(url).model("m").workload(synthetic(128, 32)).duration(Duration.ofSeconds(60));
 * SearchResult sat = QMeter.saturation(base).slo(slo).run();
 * List<RunResult> runs = QMeter.rateSweep(base).fractionsOf(sat, 0.25, 0.5, 0.75, 1.0).run();
 * }</pre>
 */
public final class RateSweep {

    private static final Logger LOG = LoggerFactory.getLogger(RateSweep.class);

    private final LoadRunBuilder base;
    private final List<Double> rates;

    private RateSweep(LoadRunBuilder base, List<Double> rates) {
        this.base = base;
        this.rates = List.copyOf(rates);
    }

    /**
     * A sweep of {@code base}, with no rates yet.
     *
     * @param base server, model, workload and a bound; its arrival process (if any) gives the family
     * @return the sweep
     */
    public static RateSweep over(LoadRunBuilder base) {
        Rerate.check(Objects.requireNonNull(base, "base").arrivalProcess().orElse(null), "a rate sweep");
        return new RateSweep(base, List.of());
    }

    /**
     * Sweeps these absolute rates, in this order (replacing any rates given before).
     *
     * @param ratesPerSecond each &gt; 0 and finite, at least one
     * @return a new sweep
     */
    public RateSweep rates(double... ratesPerSecond) {
        Objects.requireNonNull(ratesPerSecond, "rates");
        if (ratesPerSecond.length == 0) {
            throw new IllegalArgumentException("rates: expected at least one rate, was none");
        }
        List<Double> l = new ArrayList<>();
        for (double r : ratesPerSecond) {
            if (!(r > 0) || Double.isInfinite(r)) {
                throw new IllegalArgumentException("rates: each rate must be > 0 and finite (requests per second), "
                        + "was " + r);
            }
            l.add(r);
        }
        return new RateSweep(base, l);
    }

    /**
     * Sweeps fractions of a saturation rate, in this order (replacing any rates given before).
     *
     * @param saturationRate requests per second, &gt; 0 and finite
     * @param fractions      each &gt; 0, e.g. 0.25, 0.5, 0.75, 1.0
     * @return a new sweep
     */
    public RateSweep fractionsOf(double saturationRate, double... fractions) {
        if (!(saturationRate > 0) || Double.isInfinite(saturationRate)) {
            throw new IllegalArgumentException("fractionsOf: the saturation rate must be > 0 and finite, was "
                    + saturationRate);
        }
        Objects.requireNonNull(fractions, "fractions");
        double[] r = new double[fractions.length];
        for (int i = 0; i < fractions.length; i++) {
            if (!(fractions[i] > 0) || Double.isInfinite(fractions[i])) {
                throw new IllegalArgumentException("fractionsOf: each fraction must be > 0 and finite, was "
                        + fractions[i]);
            }
            r[i] = saturationRate * fractions[i];
        }
        return rates(r);
    }

    /**
     * Sweeps fractions of the saturation rate a search found.
     *
     * @param search    a search that found its saturation point
     * @param fractions each &gt; 0
     * @return a new sweep
     * @throws IllegalArgumentException when the search found none
     */
    public RateSweep fractionsOf(SearchResult search, double... fractions) {
        Objects.requireNonNull(search, "search");
        if (!search.found()) {
            throw new IllegalArgumentException("fractionsOf: the search found no saturation point ("
                    + search.stopReason() + ": " + search.detail() + "); sweep absolute rates(...) instead");
        }
        return fractionsOf(search.saturationRate(), fractions);
    }

    /**
     * The rates this sweep runs, in order.
     *
     * @return requests per second
     */
    public List<Double> rates() {
        return rates;
    }

    /**
     * Runs one load run per rate, one after another, blocking.
     *
     * @return the results, in the order of the rates
     * @throws IllegalStateException when no rates were given
     */
    public List<RunResult> run() {
        if (rates.isEmpty()) {
            throw new IllegalStateException("a rate sweep needs rates: call rates(1, 2, 4) or "
                    + "fractionsOf(saturation, 0.25, 0.5, 0.75, 1.0) before run()");
        }
        List<RunResult> out = new ArrayList<>();
        for (double r : rates) {
            LOG.info("rate sweep: {} req/s ({} of {})", r, out.size() + 1, rates.size());
            out.add(base.arrivals(Rerate.at(base.arrivalProcess().orElse(null), r)).build().run());
        }
        return out;
    }
}
