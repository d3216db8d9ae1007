package io.qmeter.analysis.predict;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The feature vector of a {@link SaturationPoint}: model size (billions), weight bits, activation
 * bits, KV bits, integer format (0/1), GPU (the index of its name in this schema's sorted list),
 * tensor parallelism, input length, output length.
 *
 * <pre>{@code
 * Features f = Features.over(points);
 * float[] row = f.row(points.get(0));
 * }</pre>
 */
public final class Features {

    /** The feature names, in column order. */
    public static final List<String> NAMES = List.of("model_size", "weight_bits", "activation_bits", "kv_bits",
            "int_format", "gpu", "tensor_parallel", "input_len", "output_len");

    private final List<String> gpus;

    private Features(List<String> gpus) {
        this.gpus = List.copyOf(gpus);
    }

    /**
     * A schema that knows the GPUs of these points.
     *
     * @param points the points (training and test alike, so a GPU seen only in a test set still has a code)
     * @return the schema
     */
    public static Features over(Collection<SaturationPoint> points) {
        TreeSet<String> g = new TreeSet<>();
        for (SaturationPoint p : points) {
            g.add(p.gpu());
        }
        return new Features(new ArrayList<>(g));
    }

    /**
     * The GPU names this schema codes, sorted; a GPU's code is its index.
     *
     * @return the names
     */
    public List<String> gpus() {
        return gpus;
    }

    /**
     * The feature row of a point.
     *
     * @param p the point
     * @return {@link #NAMES}.size() values
     * @throws IllegalArgumentException for a GPU this schema does not know
     */
    public float[] row(SaturationPoint p) {
        int gpu = gpus.indexOf(p.gpu());
        if (gpu < 0) {
            throw new IllegalArgumentException("GPU '" + p.gpu() + "' is not among the GPUs this predictor was built "
                    + "for " + gpus + "; build the schema (Features.over) over points that include it");
        }
        MethodBits b = p.bits();
        return new float[] {(float) p.modelBillions(), b.weightBits(), b.activationBits(), b.kvBits(),
                b.integer() ? 1 : 0, gpu, p.tensorParallel(), (float) p.inputTokens(), (float) p.outputTokens()};
    }

    /**
     * Rows of many points, row-major.
     *
     * @param points the points
     * @return points.size() × {@link #NAMES}.size() values
     */
    public float[] matrix(List<SaturationPoint> points) {
        int n = NAMES.size();
        float[] m = new float[points.size() * n];
        for (int i = 0; i < points.size(); i++) {
            System.arraycopy(row(points.get(i)), 0, m, i * n, n);
        }
        return m;
    }
}
