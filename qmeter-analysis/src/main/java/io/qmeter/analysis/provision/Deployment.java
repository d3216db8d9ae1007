package io.qmeter.analysis.provision;

import io.qmeter.analysis.profile.ConfigProfile;
import io.qmeter.analysis.profile.LoadPoint;

import java.util.Locale;
import java.util.Objects;

/**
 * A configuration deployed as {@code instances} data-parallel copies, each carrying
 * {@code ratePerInstance} (the load spread evenly).
 *
 * <pre>{@code
 * Deployment d = Provisioner.provision(profile, 10.0, 25.0);   // 3 instances at 8.33 req/s
 * System.out.println(d.gpus() + " GPUs, " + d.joulesPerToken() + " J/token");
 * }</pre>
 *
 * @param profile         the configuration
 * @param saturationRate  the x_s the instances were counted with, req/s
 * @param instances       data-parallel degree, &ge; 1
 * @param totalRate       the target rate, req/s
 */
public record Deployment(ConfigProfile profile, double saturationRate, int instances, double totalRate) {

    /** Validates the fields. */
    public Deployment {
        Objects.requireNonNull(profile, "profile");
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be >= 1, was " + instances);
        }
        if (!(totalRate > 0)) {
            throw new IllegalArgumentException("totalRate must be > 0, was " + totalRate);
        }
        if (totalRate / instances > saturationRate * (1 + 1e-9)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%d instances of %s at %.3f req/s each exceed its x_s of %.3f req/s", instances,
                    profile.key().label(), totalRate / instances, saturationRate));
        }
    }

    /**
     * The rate each instance carries.
     *
     * @return req/s
     */
    public double ratePerInstance() {
        return totalRate / instances;
    }

    /**
     * GPUs in use: instances × tensor parallelism.
     *
     * @return the count
     */
    public int gpus() {
        return instances * profile.key().tensorParallel();
    }

    /**
     * One instance's interpolated figures at its share of the load.
     *
     * @return the point
     */
    public LoadPoint perInstance() {
        return profile.at(ratePerInstance());
    }

    /**
     * J/token of the deployment (every instance runs at the same rate, so it is one instance's).
     *
     * @return joules per output token
     */
    public double joulesPerToken() {
        return perInstance().joulesPerToken();
    }

    /**
     * Power of all the deployment's GPUs.
     *
     * @return watts
     */
    public double watts() {
        return instances * perInstance().watts();
    }

    /**
     * A copy carrying another total rate with the same instances (re-split evenly).
     *
     * @param rate req/s, at most instances × x_s
     * @return a copy
     */
    public Deployment withTotalRate(double rate) {
        return new Deployment(profile, saturationRate, instances, rate);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s x DP%d (%d GPUs) at %.2f req/s each: %.3f J/token, %.0f W",
                profile.key().shortLabel(), instances, gpus(), ratePerInstance(), joulesPerToken(), watts());
    }
}
