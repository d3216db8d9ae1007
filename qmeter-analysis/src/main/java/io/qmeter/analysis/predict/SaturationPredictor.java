package io.qmeter.analysis.predict;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * A trained saturation-point model: gradient-boosted regression trees (XGBoost4J) from
 * {@link Features} to the saturation rate. Holds native memory: close it.
 *
 * <pre>{@code
 * try (SaturationPredictor p = SaturationPredictor.train(train, PredictorParams.defaults())) {
 *     double rps = p.predict(query);
 *     Map<String, Double> gain = p.featureImportance();
 * }
 * }</pre>
 */
public final class SaturationPredictor implements AutoCloseable {

    private final Booster booster;
    private final Features features;
    private final PredictorParams params;
    private final int trainingSize;
    private boolean closed;

    private SaturationPredictor(Booster booster, Features features, PredictorParams params, int trainingSize) {
        this.booster = booster;
        this.features = features;
        this.params = params;
        this.trainingSize = trainingSize;
    }

    /**
     * Trains on points, with a schema over the same points.
     *
     * @param train  at least 2 points
     * @param params how to train
     * @return the model
     */
    public static SaturationPredictor train(List<SaturationPoint> train, PredictorParams params) {
        return train(train, Features.over(train), params);
    }

    /**
     * Trains on points with a given schema (build it over training and test points so every GPU
     * has a code).
     *
     * @param train    at least 2 points
     * @param features the schema
     * @param params   how to train
     * @return the model
     * @throws IllegalStateException when XGBoost4J cannot run here ({@link XgboostRuntime#check()})
     */
    public static SaturationPredictor train(List<SaturationPoint> train, Features features, PredictorParams params) {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(params, "params");
        if (train == null || train.size() < 2) {
            throw new IllegalArgumentException("training needs at least 2 saturation points, got "
                    + (train == null ? 0 : train.size()));
        }
        XgboostRuntime.check();
        float[] labels = new float[train.size()];
        for (int i = 0; i < labels.length; i++) {
            double y = train.get(i).saturationRps();
            labels[i] = (float) (params.logTarget() ? Math.log(y) : y);
        }
        DMatrix d = null;
        try {
            d = new DMatrix(features.matrix(train), train.size(), Features.NAMES.size(), Float.NaN);
            d.setLabel(labels);
            Map<String, Object> p = new HashMap<>();
            p.put("objective", "reg:squarederror");
            p.put("max_depth", params.maxDepth());
            p.put("eta", params.eta());
            p.put("subsample", params.subsample());
            p.put("seed", params.seed());
            p.put("nthread", 1);
            p.put("tree_method", "exact");
            p.put("verbosity", 0);
            Booster b = XGBoost.train(d, p, params.rounds(), new HashMap<>(), null, null);
            return new SaturationPredictor(b, features, params, train.size());
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost training failed on " + train.size() + " points: " + e.getMessage(), e);
        } finally {
            if (d != null) {
                d.dispose();
            }
        }
    }

    /**
     * Predicts one point's saturation rate (its own {@code saturationRps} is ignored).
     *
     * @param point the configuration
     * @return req/s, &gt; 0 with the log target
     */
    public double predict(SaturationPoint point) {
        return predict(List.of(point))[0];
    }

    /**
     * Predicts many points.
     *
     * @param points the configurations
     * @return req/s per point, in order
     */
    public double[] predict(List<SaturationPoint> points) {
        ensureOpen();
        if (points.isEmpty()) {
            return new double[0];
        }
        try {
            float[][] out = booster.inplace_predict(features.matrix(points), points.size(), Features.NAMES.size(),
                    Float.NaN);
            double[] r = new double[points.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = params.logTarget() ? Math.exp(out[i][0]) : out[i][0];
            }
            return r;
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost prediction failed: " + e.getMessage(), e);
        }
    }

    /**
     * Feature importance by total gain, normalised to sum to 1, every feature listed (0 when no
     * split used it), largest first.
     *
     * @return feature name → share of the total gain
     */
    public Map<String, Double> featureImportance() {
        ensureOpen();
        try {
            Map<String, Double> gain = booster.getScore(Features.NAMES.toArray(new String[0]), "total_gain");
            double total = gain.values().stream().mapToDouble(Double::doubleValue).sum();
            List<Map.Entry<String, Double>> all = new ArrayList<>();
            for (String n : Features.NAMES) {
                double g = gain.getOrDefault(n, 0.0);
                all.add(Map.entry(n, total > 0 ? g / total : 0));
            }
            all.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
            Map<String, Double> r = new LinkedHashMap<>();
            all.forEach(e -> r.put(e.getKey(), e.getValue()));
            return r;
        } catch (XGBoostError e) {
            throw new IllegalStateException("XGBoost feature importance failed: " + e.getMessage(), e);
        }
    }

    /**
     * How it was trained.
     *
     * @return the parameters (with the seed)
     */
    public PredictorParams params() {
        return params;
    }

    /**
     * The feature schema.
     *
     * @return the schema
     */
    public Features features() {
        return features;
    }

    /**
     * How many points it was trained on.
     *
     * @return the count
     */
    public int trainingSize() {
        return trainingSize;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this SaturationPredictor is closed");
        }
    }

    /** Frees the native model; idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            booster.dispose();
        }
    }
}
