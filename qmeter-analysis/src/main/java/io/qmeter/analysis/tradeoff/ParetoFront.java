package io.qmeter.analysis.tradeoff;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Pareto fronts: the items no other item dominates, where an item dominates another when it is at
 * least as good on every objective and strictly better on one; items with equal values do not
 * dominate each other (all stay). {@link #of(List)} is the front of trade-off points (lower or
 * equal latency and J/token, higher or equal quality); {@link #of(Collection, List)} is the front
 * over any items and objectives, and leaves out items with a NaN objective.
 *
 * <pre>{@code
 * List<TradeoffPoint> front = ParetoFront.of(points);
 * List<Run> runs = ParetoFront.of(all, List.of(Objective.minimize(Run::jPerToken), Objective.maximize(Run::quality)));
 * }</pre>
 */
public final class ParetoFront {

    private ParetoFront() {
    }

    /**
     * One objective of a front: a value per item and which way it is better.
     *
     * @param value    the item's value
     * @param minimize true when lower is better, false when higher is
     * @param <T>      the item type
     */
    public record Objective<T>(ToDoubleFunction<? super T> value, boolean minimize) {

        /** Validates the fields. */
        public Objective {
            Objects.requireNonNull(value, "value");
        }

        /**
         * An objective where lower is better (latency, energy).
         *
         * @param value the item's value
         * @param <T>   the item type
         * @return the objective
         */
        public static <T> Objective<T> minimize(ToDoubleFunction<? super T> value) {
            return new Objective<>(value, true);
        }

        /**
         * An objective where higher is better (quality, throughput).
         *
         * @param value the item's value
         * @param <T>   the item type
         * @return the objective
         */
        public static <T> Objective<T> maximize(ToDoubleFunction<? super T> value) {
            return new Objective<>(value, false);
        }

        /** The value signed so that lower is better. */
        private double cost(T item) {
            double v = value.applyAsDouble(item);
            return minimize ? v : -v;
        }
    }

    /**
     * The non-dominated points, ordered by latency then J/token.
     *
     * @param points the points
     * @return the front
     */
    public static List<TradeoffPoint> of(List<TradeoffPoint> points) {
        return of(points, List.of(Objective.minimize(TradeoffPoint::latencyMillis),
                Objective.minimize(TradeoffPoint::joulesPerToken), Objective.maximize(TradeoffPoint::quality)));
    }

    /**
     * The non-dominated items, ordered by the objectives' values ascending, the first objective
     * first (items equal on all keep their order).
     *
     * @param items      the candidates; those with a NaN objective are left out
     * @param objectives at least one
     * @param <T>        the item type
     * @return the front, a new list
     */
    public static <T> List<T> of(Collection<? extends T> items, List<Objective<T>> objectives) {
        Objects.requireNonNull(items, "items");
        if (objectives.isEmpty()) {
            throw new IllegalArgumentException("a Pareto front needs at least one objective");
        }
        int k = objectives.size();
        List<T> valid = new ArrayList<>();
        List<double[]> costs = new ArrayList<>();
        for (T t : items) {
            double[] c = new double[k];
            boolean nan = false;
            for (int i = 0; i < k; i++) {
                c[i] = objectives.get(i).cost(t);
                nan |= Double.isNaN(c[i]);
            }
            if (!nan) {
                valid.add(t);
                costs.add(c);
            }
        }
        List<T> front = new ArrayList<>();
        for (int a = 0; a < valid.size(); a++) {
            boolean dominated = false;
            for (int b = 0; b < valid.size() && !dominated; b++) {
                dominated = dominates(costs.get(b), costs.get(a));
            }
            if (!dominated) {
                front.add(valid.get(a));
            }
        }
        Comparator<T> order = Comparator.<T>comparingDouble(objectives.get(0).value());
        for (int i = 1; i < k; i++) {
            order = order.thenComparingDouble(objectives.get(i).value());
        }
        front.sort(order);
        return front;
    }

    private static boolean dominates(double[] b, double[] a) {
        boolean better = false;
        for (int i = 0; i < a.length; i++) {
            if (b[i] > a[i]) {
                return false;
            }
            better |= b[i] < a[i];
        }
        return better;
    }
}
