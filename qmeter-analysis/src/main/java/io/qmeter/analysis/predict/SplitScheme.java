package io.qmeter.analysis.predict;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * How a data set is split into training and test points: the seed paper's three schemes (§8.1).
 *
 * <ul>
 *   <li>{@link #random(double, long)}: a seeded random split, e.g. 8:2 or 9:1;</li>
 *   <li>{@link #heldOutInputLengths(Predicate)} / {@link #heldOutOutputLengths(Predicate)}: one fold
 *       per distinct length among the points in scope (the seed's synthetic 34B lengths); the fold's
 *       test set is the scope's points with that length, and <b>no</b> training point has it;</li>
 *   <li>{@link #crossGpu(String, String)}: test on one GPU's points of one workload, train on
 *       everything else (the other GPU, and the test GPU's other workloads).</li>
 * </ul>
 *
 * <pre>{@code
 * List<SplitScheme.Split> folds = SplitScheme.heldOutInputLengths(p -> p.workload().startsWith("synthetic"))
 *         .splits(points);
 * }</pre>
 */
public interface SplitScheme {

    /**
     * One training / test split.
     *
     * @param label what is held out
     * @param train training points, not empty
     * @param test  test points, not empty
     */
    record Split(String label, List<SaturationPoint> train, List<SaturationPoint> test) {
        /** Checks that both sides have points. */
        public Split {
            train = List.copyOf(train);
            test = List.copyOf(test);
            if (train.size() < 2 || test.isEmpty()) {
                throw new IllegalArgumentException("split '" + label + "' needs at least 2 training and 1 test point, "
                        + "had " + train.size() + " and " + test.size() + "; the data set lacks the points this "
                        + "scheme holds out");
            }
        }
    }

    /**
     * The scheme's name, e.g. {@code "random 8:2"}.
     *
     * @return the name
     */
    String name();

    /**
     * Splits the points.
     *
     * @param points the data set
     * @return one or more folds
     */
    List<Split> splits(List<SaturationPoint> points);

    /**
     * A seeded random split.
     *
     * @param trainFraction in (0, 1), e.g. 0.8
     * @param seed          the shuffle's seed
     * @return the scheme
     */
    static SplitScheme random(double trainFraction, long seed) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException("trainFraction must be in (0, 1), e.g. 0.8, was " + trainFraction);
        }
        int a = (int) Math.round(trainFraction * 10);
        String name = Math.abs(trainFraction * 10 - a) < 1e-9 ? "random " + a + ":" + (10 - a)
                : String.format(Locale.ROOT, "random %.0f %%", trainFraction * 100);
        return named(name, points -> {
            List<SaturationPoint> shuffled = new ArrayList<>(points);
            Collections.shuffle(shuffled, new java.util.Random(new SplittableRandom(seed).nextLong()));
            int n = (int) Math.round(trainFraction * shuffled.size());
            return List.of(new Split(name + " (seed " + seed + ")", shuffled.subList(0, n),
                    shuffled.subList(n, shuffled.size())));
        });
    }

    /**
     * One fold per distinct input length among the points in scope.
     *
     * @param scope which points' lengths are held out and tested (e.g. the synthetic ones)
     * @return the scheme
     */
    static SplitScheme heldOutInputLengths(Predicate<SaturationPoint> scope) {
        return heldOut("held-out input length", "input", SaturationPoint::inputTokens, scope);
    }

    /**
     * One fold per distinct output length among the points in scope.
     *
     * @param scope which points' lengths are held out and tested
     * @return the scheme
     */
    static SplitScheme heldOutOutputLengths(Predicate<SaturationPoint> scope) {
        return heldOut("held-out output length", "output", SaturationPoint::outputTokens, scope);
    }

    private static SplitScheme heldOut(String name, String which, ToDoubleFunction<SaturationPoint> length,
                                       Predicate<SaturationPoint> scope) {
        Objects.requireNonNull(scope, "scope");
        return named(name, points -> {
            TreeSet<Double> lengths = new TreeSet<>();
            points.stream().filter(scope).forEach(p -> lengths.add(length.applyAsDouble(p)));
            if (lengths.size() < 2) {
                throw new IllegalArgumentException(name + " needs points in scope with at least 2 distinct "
                        + which + " lengths, found " + lengths);
            }
            List<Split> r = new ArrayList<>();
            for (double held : lengths) {
                List<SaturationPoint> train = new ArrayList<>();
                List<SaturationPoint> test = new ArrayList<>();
                for (SaturationPoint p : points) {
                    if (length.applyAsDouble(p) == held) {
                        if (scope.test(p)) {
                            test.add(p);
                        }
                    } else {
                        train.add(p);
                    }
                }
                r.add(new Split(String.format(Locale.ROOT, "%s %.0f unseen", which, held), train, test));
            }
            return r;
        });
    }

    /**
     * Tests on one GPU's points of one workload; trains on all the others.
     *
     * @param testGpu      the GPU tested, e.g. {@code "A100-40GB"}
     * @param testWorkload the workload tested, e.g. {@code "sharegpt"}
     * @return the scheme
     */
    static SplitScheme crossGpu(String testGpu, String testWorkload) {
        Objects.requireNonNull(testGpu, "testGpu");
        Objects.requireNonNull(testWorkload, "testWorkload");
        String name = "cross-GPU: test " + testGpu + " " + testWorkload;
        return named(name, points -> {
            List<SaturationPoint> train = new ArrayList<>();
            List<SaturationPoint> test = new ArrayList<>();
            for (SaturationPoint p : points) {
                (p.gpu().equals(testGpu) && p.workload().equals(testWorkload) ? test : train).add(p);
            }
            return List.of(new Split(name, train, test));
        });
    }

    /** A scheme with a fixed name splitting with {@code splits}. */
    private static SplitScheme named(String name, Function<List<SaturationPoint>, List<Split>> splits) {
        return new SplitScheme() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<Split> splits(List<SaturationPoint> points) {
                return splits.apply(points);
            }
        };
    }
}
