package io.qmeter.analysis.figures;

import io.qmeter.analysis.tradeoff.ParetoFront;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The Pareto front of items judged on two objectives: the items no other item beats on both. An
 * item is dominated when another is at least as good on both objectives and strictly better on one;
 * items with equal values do not dominate each other (both stay). Items with a NaN objective are
 * left out. The front is computed by {@link ParetoFront#of(Collection, List)}.
 *
 * <pre>{@code
 * // quality up, J/token down
 * List<Point> front = Pareto.front(points, Point::jPerToken, Pareto.Sense.MINIMIZE, Point::quality, Pareto.Sense.MAXIMIZE);
 * }</pre>
 */
public final class Pareto {

    /** Which way an objective is better. */
    public enum Sense {
        /** Lower is better (latency, energy). */
        MINIMIZE,
        /** Higher is better (quality, throughput). */
        MAXIMIZE
    }

    private Pareto() {
    }

    /**
     * The non-dominated items, ordered by the first objective ascending (ties by the second).
     *
     * @param items  the candidates
     * @param x      the first objective
     * @param xSense which way it is better
     * @param y      the second objective
     * @param ySense which way it is better
     * @param <T>    the item type
     * @return the front, a new list
     */
    public static <T> List<T> front(Collection<? extends T> items, ToDoubleFunction<? super T> x, Sense xSense,
                                    ToDoubleFunction<? super T> y, Sense ySense) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(xSense, "xSense");
        Objects.requireNonNull(ySense, "ySense");
        return ParetoFront.of(items, List.of(new ParetoFront.Objective<T>(x, xSense == Sense.MINIMIZE),
                new ParetoFront.Objective<T>(y, ySense == Sense.MINIMIZE)));
    }
}
