package io.qmeter.testkit.sim;

import java.util.SplittableRandom;

/**
 * Seeded prompt and output lengths: independent lognormals with given means and log-space
 * standard deviations, rounded and clamped to [min, max].
 *
 * <p>{@link #shareGptLike()} (mean 331 input / 231 output tokens, the seed paper's Table 2)
 * uses σ = 1.0 for inputs and σ = 0.9 for outputs: ShareGPT conversations are heavy-tailed, a few
 * prompts of thousands of tokens among many short ones; clamped to inputs [4, 3072] and outputs
 * [4, 1024] so that every request fits a 4096-token context. The clamping lowers the realized
 * means, so the pre-clamp means are 335 / 239, giving 331 / 231 after clamping (check with
 * {@link #realizedMeans(int, long)}).
 *
 * <pre>{@code
 * LengthDistribution d = LengthDistribution.shareGptLike();
 * int[] io = d.sample(new SplittableRandom(7));   // {prompt, output}
 * }</pre>
 *
 * @param meanInput   mean prompt length before clamping, tokens
 * @param sigmaInput  log-space standard deviation of prompts (0 = fixed length)
 * @param minInput    shortest prompt
 * @param maxInput    longest prompt
 * @param meanOutput  mean output length before clamping, tokens
 * @param sigmaOutput log-space standard deviation of outputs (0 = fixed length)
 * @param minOutput   shortest output
 * @param maxOutput   longest output
 */
public record LengthDistribution(double meanInput, double sigmaInput, int minInput, int maxInput,
                                 double meanOutput, double sigmaOutput, int minOutput, int maxOutput) {

    /** Validates the fields. */
    public LengthDistribution {
        if (!(meanInput >= 1) || !(meanOutput >= 1)) {
            throw new IllegalArgumentException("means must be >= 1, were " + meanInput + " / " + meanOutput);
        }
        if (!(sigmaInput >= 0) || !(sigmaOutput >= 0)) {
            throw new IllegalArgumentException("sigmas must be >= 0, were " + sigmaInput + " / " + sigmaOutput);
        }
        if (minInput < 1 || maxInput < minInput) {
            throw new IllegalArgumentException("input range must be 1 <= min <= max, was [" + minInput + ", " + maxInput + "]");
        }
        if (minOutput < 1 || maxOutput < minOutput) {
            throw new IllegalArgumentException("output range must be 1 <= min <= max, was [" + minOutput + ", " + maxOutput + "]");
        }
    }

    /**
     * The ShareGPT-like workload: lognormal σ 1.0 / 0.9 with pre-clamp means 335 / 239, which
     * clamping brings to 331 / 231.
     *
     * @return the distribution
     */
    public static LengthDistribution shareGptLike() {
        return new LengthDistribution(335, 1.0, 4, 3072, 239, 0.9, 4, 1024);
    }

    /**
     * Fixed lengths.
     *
     * @param input  prompt tokens
     * @param output output tokens
     * @return a distribution that always gives these
     */
    public static LengthDistribution fixed(int input, int output) {
        return new LengthDistribution(input, 0, input, input, output, 0, output, output);
    }

    /**
     * The lengths a core synthetic workload draws (for example {@code QMeter.sharegptLike(331, 231)}),
     * so that a virtual-time run sees the same length distribution as real load runs of that
     * workload. Lognormal and fixed lengths are supported: a core lognormal with mean {@code a} and
     * standard deviation {@code b} is this class's lognormal with the same mean and log-space
     * σ = sqrt(ln(1 + b²/a²)), with the same clamping.
     *
     * <pre>{@code
     * LengthDistribution d = LengthDistribution.of(QMeter.sharegptLike(331, 231));
     * }</pre>
     *
     * @param workload the workload
     * @return the same input and output length distributions
     * @throws IllegalArgumentException for uniform or normal lengths, which this class cannot draw
     */
    public static LengthDistribution of(io.qmeter.workload.SyntheticWorkload workload) {
        double[] in = params(workload.input(), "input");
        double[] out = params(workload.output(), "output");
        return new LengthDistribution(in[0], in[1], (int) in[2], (int) in[3], out[0], out[1], (int) out[2],
                (int) out[3]);
    }

    private static double[] params(io.qmeter.workload.LengthDistribution d, String which) {
        return switch (d.kind()) {
            case FIXED -> new double[] {d.a(), 0, Math.max(d.min(), Math.round(d.a())),
                    Math.max(d.min(), Math.round(d.a()))};
            case LOGNORMAL -> new double[] {d.a(), Math.sqrt(Math.log1p(d.b() * d.b() / (d.a() * d.a()))), d.min(),
                    d.max()};
            default -> throw new IllegalArgumentException(which + " lengths must be lognormal or fixed to be simulated, "
                    + "were " + d.label() + "; use a lognormal or fixed workload, or build a LengthDistribution");
        };
    }

    /**
     * Draws one request's lengths.
     *
     * @param rnd the random source
     * @return {prompt tokens, output tokens}
     */
    public int[] sample(SplittableRandom rnd) {
        return new int[] {draw(rnd, meanInput, sigmaInput, minInput, maxInput),
                draw(rnd, meanOutput, sigmaOutput, minOutput, maxOutput)};
    }

    private static int draw(SplittableRandom rnd, double mean, double sigma, int min, int max) {
        if (sigma == 0) {
            return (int) Math.max(min, Math.min(max, Math.round(mean)));
        }
        double mu = Math.log(mean) - sigma * sigma / 2;
        double v = Math.exp(mu + sigma * gaussian(rnd));
        return (int) Math.max(min, Math.min(max, Math.round(v)));
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17
        double u1 = 1 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * The means after clamping, estimated from samples.
     *
     * @param samples how many to draw
     * @param seed    the seed
     * @return {mean prompt, mean output}
     */
    public double[] realizedMeans(int samples, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double in = 0;
        double out = 0;
        for (int i = 0; i < samples; i++) {
            int[] s = sample(rnd);
            in += s[0];
            out += s[1];
        }
        return new double[] {in / samples, out / samples};
    }
}
