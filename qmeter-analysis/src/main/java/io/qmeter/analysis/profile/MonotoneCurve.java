package io.qmeter.analysis.profile;

import java.util.Arrays;

/**
 * Monotone piecewise-cubic (Fritsch–Carlson) interpolation through measured points: a C¹ curve
 * that is monotone on every interval where the data are, and never leaves the range of the two
 * measurements around it (no overshoot). It neither extrapolates: {@link #valueAt(double)} refuses
 * x outside [first x, last x].
 *
 * <p>Why not a natural cubic spline: it overshoots between points, so an interpolated J/token
 * could fall below both neighbouring measurements. Why not piecewise linear: the energy–rate
 * curve is convex, and chords lie above it (a kinked, systematically high estimate between points);
 * Fritsch–Carlson follows the curvature while keeping linear interpolation's guarantee of staying
 * between the neighbours.
 *
 * <pre>{@code
 * MonotoneCurve c = MonotoneCurve.through(new double[] {1, 2, 4}, new double[] {0.9, 0.5, 0.3});
 * double y = c.valueAt(3);    // between 0.5 and 0.3
 * }</pre>
 */
public final class MonotoneCurve {

    private final double[] x;
    private final double[] y;
    private final double[] m;

    private MonotoneCurve(double[] x, double[] y, double[] m) {
        this.x = x;
        this.y = y;
        this.m = m;
    }

    /**
     * The curve through points, x strictly increasing.
     *
     * @param xs abscissae, strictly increasing, finite, at least one
     * @param ys ordinates, finite, same length
     * @return the curve
     * @throws IllegalArgumentException when lengths differ, are empty, or xs are not strictly increasing
     */
    public static MonotoneCurve through(double[] xs, double[] ys) {
        if (xs.length == 0 || xs.length != ys.length) {
            throw new IllegalArgumentException("need as many x as y values and at least one, got " + xs.length
                    + " x and " + ys.length + " y");
        }
        double[] x = xs.clone();
        double[] y = ys.clone();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i]) || !Double.isFinite(y[i])) {
                throw new IllegalArgumentException("point " + i + " is not finite: (" + x[i] + ", " + y[i] + ")");
            }
            if (i > 0 && !(x[i] > x[i - 1])) {
                throw new IllegalArgumentException("x must be strictly increasing, but x[" + i + "] = " + x[i]
                        + " follows " + x[i - 1] + "; merge or drop repeated rates first");
            }
        }
        int n = x.length;
        double[] m = new double[n];
        if (n == 1) {
            return new MonotoneCurve(x, y, m);
        }
        double[] d = new double[n - 1];
        for (int k = 0; k < n - 1; k++) {
            d[k] = (y[k + 1] - y[k]) / (x[k + 1] - x[k]);
        }
        m[0] = d[0];
        m[n - 1] = d[n - 2];
        for (int k = 1; k < n - 1; k++) {
            m[k] = d[k - 1] * d[k] <= 0 ? 0 : (d[k - 1] + d[k]) / 2;
        }
        for (int k = 0; k < n - 1; k++) {
            if (d[k] == 0) {
                m[k] = 0;
                m[k + 1] = 0;
                continue;
            }
            double a = m[k] / d[k];
            double b = m[k + 1] / d[k];
            if (a < 0) {
                m[k] = 0;
                a = 0;
            }
            if (b < 0) {
                m[k + 1] = 0;
                b = 0;
            }
            double s = a * a + b * b;
            if (s > 9) {
                double t = 3 / Math.sqrt(s);
                m[k] = t * a * d[k];
                m[k + 1] = t * b * d[k];
            }
        }
        return new MonotoneCurve(x, y, m);
    }

    /**
     * The lowest x of the data.
     *
     * @return x
     */
    public double minX() {
        return x[0];
    }

    /**
     * The highest x of the data.
     *
     * @return x
     */
    public double maxX() {
        return x[x.length - 1];
    }

    /**
     * The interpolated value.
     *
     * @param at in [{@link #minX()}, {@link #maxX()}]
     * @return the value
     * @throws IllegalArgumentException outside the data's range (no extrapolation)
     */
    public double valueAt(double at) {
        if (!(at >= x[0] && at <= x[x.length - 1])) {
            throw new IllegalArgumentException("x = " + at + " is outside the measured range [" + x[0] + ", "
                    + x[x.length - 1] + "]; this curve does not extrapolate");
        }
        int k = Arrays.binarySearch(x, at);
        if (k >= 0) {
            return y[k];
        }
        k = -k - 2;
        double h = x[k + 1] - x[k];
        double t = (at - x[k]) / h;
        double t2 = t * t;
        double t3 = t2 * t;
        double h00 = 2 * t3 - 3 * t2 + 1;
        double h10 = t3 - 2 * t2 + t;
        double h01 = -2 * t3 + 3 * t2;
        double h11 = t3 - t2;
        return h00 * y[k] + h10 * h * m[k] + h01 * y[k + 1] + h11 * h * m[k + 1];
    }
}
