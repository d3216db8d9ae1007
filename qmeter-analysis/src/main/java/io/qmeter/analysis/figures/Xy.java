package io.qmeter.analysis.figures;

/**
 * One point of a series: plain data for {@link LineChart}.
 *
 * <pre>{@code
 * List<Xy> points = List.of(new Xy(1, 0.82), new Xy(2, 0.61));
 * }</pre>
 *
 * @param x the abscissa
 * @param y the ordinate (NaN for a missing value: the point is left out)
 */
public record Xy(double x, double y) {

    /**
     * Whether both coordinates are finite.
     *
     * @return true when the point can be drawn
     */
    public boolean isFinite() {
        return Double.isFinite(x) && Double.isFinite(y);
    }
}
