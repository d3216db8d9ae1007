package io.qmeter.eval.score;

/**
 * The unbiased pass@k estimator of the Codex paper (Chen et al., 2021): with {@code n} samples of
 * which {@code c} pass, pass@k = 1 − C(n−c, k) / C(n, k), computed as the numerically stable product
 * 1 − ∏<sub>i=n−c+1..n</sub> (1 − k / i), which never forms a large binomial coefficient.
 *
 * <pre>{@code
 * PassAtK.estimate(200, 13, 1)    // 0.065
 * PassAtK.estimate(200, 13, 100)  // close to 1
 * }</pre>
 */
public final class PassAtK {

    private PassAtK() {
    }

    /**
     * The estimate for one problem.
     *
     * @param n samples drawn, at least 1
     * @param c samples that passed, 0 to n
     * @param k the k of pass@k, 1 to n
     * @return the probability that at least one of k samples drawn without replacement passes
     */
    public static double estimate(int n, int c, int k) {
        if (n < 1) {
            throw new IllegalArgumentException("n (samples) must be >= 1, was " + n);
        }
        if (c < 0 || c > n) {
            throw new IllegalArgumentException("c (passing samples) must be in [0, n=" + n + "], was " + c);
        }
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k must be in [1, n=" + n + "] (draw more samples for a larger k), was "
                    + k);
        }
        if (n - c < k) {
            return 1.0;
        }
        double prod = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            prod *= 1.0 - (double) k / i;
        }
        return 1.0 - prod;
    }
}
