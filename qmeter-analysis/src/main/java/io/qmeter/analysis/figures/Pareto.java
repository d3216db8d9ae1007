package io.qmeter.analysis.figures;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * The Pareto front of items judged on two objectives: the items no other item beats on both. An
 * item is dominated when another is at least as good on both objectives and strictly better on one;
 * items with equal values do not dominate each other (both stay). Items with a NaN objective are
 * left out.
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
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        Objects.requireNonNull(xSense, "xSense");
        Objects.requireNonNull(ySense, "ySense");
        double sx = xSense == Sense.MINIMIZE ? 1 : -1;
        double sy = ySense == Sense.MINIMIZE ? 1 : -1;
        List<T> valid = new ArrayList<>();
        for (T t : items) {
            if (!Double.isNaN(x.applyAsDouble(t)) && !Double.isNaN(y.applyAsDouble(t))) {
                valid.add(t);
            }
        }
        List<T> front = new ArrayList<>();
        for (T a : valid) {
            double ax = sx * x.applyAsDouble(a);
            double ay = sy * y.applyAsDouble(a);
            boolean dominated = false;
            for (T b : valid) {
                double bx = sx * x.applyAsDouble(b);
                double by = sy * y.applyAsDouble(b);
                if (bx <= ax && by <= ay && (bx < ax || by < ay)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(a);
            }
        }
        front.sort(Comparator.<T>comparingDouble(x::applyAsDouble).thenComparingDouble(y::applyAsDouble));
        return front;
    }
}
