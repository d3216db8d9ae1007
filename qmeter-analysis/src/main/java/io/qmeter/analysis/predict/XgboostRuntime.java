package io.qmeter.analysis.predict;

import java.util.Locale;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Checks that XGBoost4J's native library loads on this machine, and says what to do when it
 * does not. XGBoost4J carries its native library inside its jar for Linux x86_64 and aarch64
 * (glibc 2.28 or later, with the OpenMP runtime {@code libgomp.so.1}), macOS and Windows x86_64.
 *
 * <pre>{@code
 * XgboostRuntime.check();          // throws IllegalStateException with the cause and the remedy
 * boolean ok = XgboostRuntime.available();
 * }</pre>
 */
public final class XgboostRuntime {

    private static volatile String problem;
    private static volatile boolean checked;

    private XgboostRuntime() {
    }

    /**
     * Whether the native library loads.
     *
     * @return true when XGBoost4J works here
     */
    public static boolean available() {
        return problem() == null;
    }

    /**
     * Loads the native library once (by building a one-cell matrix).
     *
     * @throws IllegalStateException naming the platform, the cause and the remedy when it cannot load
     */
    public static void check() {
        String p = problem();
        if (p != null) {
            throw new IllegalStateException(p);
        }
    }

    private static synchronized String problem() {
        if (!checked) {
            checked = true;
            problem = tryLoad();
        }
        return problem;
    }

    private static String tryLoad() {
        try {
            DMatrix m = new DMatrix(new float[] {1f}, 1, 1, Float.NaN);
            m.dispose();
            return null;
        } catch (XGBoostError | LinkageError | RuntimeException e) {
            return String.format(Locale.ROOT, "XGBoost4J could not load its native library on %s %s (%s): %s. "
                    + "XGBoost4J ships native code for Linux x86_64/aarch64 (glibc >= 2.28, needs libgomp.so.1: "
                    + "apt-get install libgomp1), macOS and Windows x86_64; on another platform the saturation "
                    + "predictor cannot run", System.getProperty("os.name"), System.getProperty("os.arch"),
                    System.getProperty("java.vm.name"), e);
        }
    }
}
