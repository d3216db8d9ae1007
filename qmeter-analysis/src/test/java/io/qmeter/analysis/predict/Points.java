package io.qmeter.analysis.predict;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A seeded synthetic data set with a known saturation function, for tests. */
final class Points {

    static final String[] METHODS = {"FP16", "W8A16-INT", "W4A16-INT", "W8A8-INT", "W8A8-FP", "W4A8", "W4A8KV4"};

    private Points() {
    }

    /** rps = 2000 · tp^0.8 / (size · √(in/100) · (out/100)^0.7) · (16 / weight bits)^0.3 · gpu factor, ±noise. */
    static double truth(double size, String method, String gpu, int tp, double in, double out) {
        MethodBits b = MethodBits.parse(method);
        double g = gpu.equals("H100") ? 1.0 : 0.45;
        return 2000 * Math.pow(tp, 0.8) / (size * Math.sqrt(in / 100) * Math.pow(out / 100, 0.7))
                * Math.pow(16.0 / b.weightBits(), 0.3) * g;
    }

    static List<SaturationPoint> grid(double noise, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<SaturationPoint> p = new ArrayList<>();
        double[][] workloads = {{331, 231}, {193, 67}, {806, 200}};
        String[] names = {"sharegpt", "humaneval", "newsqa"};
        for (double size : new double[] {7, 13, 34, 70}) {
            for (String m : METHODS) {
                for (String gpu : new String[] {"H100", "A100"}) {
                    for (int tp : new int[] {1, 2, 4, 8}) {
                        for (int w = 0; w < 3; w++) {
                            double t = truth(size, m, gpu, tp, workloads[w][0], workloads[w][1]);
                            p.add(SaturationPoint.of(size, m, gpu, tp, names[w], workloads[w][0], workloads[w][1],
                                    t * (1 + noise * (2 * r.nextDouble() - 1))));
                        }
                    }
                }
            }
        }
        for (String m : METHODS) {
            for (int in : new int[] {128, 256, 512, 1024}) {
                for (int out : new int[] {64, 128, 256, 512}) {
                    p.add(SaturationPoint.of(34, m, "H100", 1, "synthetic-" + in + "-" + out, in, out,
                            truth(34, m, "H100", 1, in, out) * (1 + noise * (2 * r.nextDouble() - 1))));
                }
            }
        }
        return p;
    }
}
