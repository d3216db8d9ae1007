package io.qmeter.analysis.tradeoff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Pareto front of trade-off points: those no other point strictly dominates (lower or equal
 * latency and J/token, higher or equal quality, better on one axis at least). Points equal on all
 * three axes are all kept.
 *
 * <pre>{@code
 * List<TradeoffPoint> front = ParetoFront.of(points);
 * }</pre>
 */
public final class ParetoFront {

    private ParetoFront() {
    }

    /**
     * The non-dominated points, ordered by latency then J/token.
     *
     * @param points the points
     * @return the front
     */
    public static List<TradeoffPoint> of(List<TradeoffPoint> points) {
        List<TradeoffPoint> front = new ArrayList<>();
        for (TradeoffPoint p : points) {
            boolean dominated = false;
            for (TradeoffPoint q : points) {
                if (q != p && q.dominates(p, 0)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) {
                front.add(p);
            }
        }
        front.sort(Comparator.comparingDouble(TradeoffPoint::latencyMillis)
                .thenComparingDouble(TradeoffPoint::joulesPerToken));
        return front;
    }
}
