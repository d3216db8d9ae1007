package io.qmeter.analysis.provision;

import io.qmeter.analysis.profile.ProfileKey;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * J/token (and GPUs) versus target rate per configuration, each provisioned with ⌈x / x_s⌉
 * instances: the data behind the seed's Figure 7, ready to plot or write as CSV.
 *
 * <pre>{@code
 * EnergyTable t = Provisioner.table(set, slo, Provisioner.rates(1, 100, 50));
 * Files.writeString(Path.of("energy-vs-rate.csv"), t.toCsv());
 * }</pre>
 */
public final class EnergyTable {

    private final double[] rates;
    private final Map<ProfileKey, double[]> joulesPerToken;
    private final Map<ProfileKey, int[]> gpus;

    EnergyTable(double[] rates, Map<ProfileKey, double[]> joulesPerToken, Map<ProfileKey, int[]> gpus) {
        this.rates = rates.clone();
        this.joulesPerToken = Collections.unmodifiableMap(new LinkedHashMap<>(joulesPerToken));
        this.gpus = Collections.unmodifiableMap(new LinkedHashMap<>(gpus));
    }

    /**
     * The rates (columns).
     *
     * @return a copy
     */
    public double[] rates() {
        return rates.clone();
    }

    /**
     * J/token per configuration (rows), one value per rate.
     *
     * @return key → values (do not modify the arrays)
     */
    public Map<ProfileKey, double[]> joulesPerToken() {
        return joulesPerToken;
    }

    /**
     * GPUs per configuration, one value per rate.
     *
     * @return key → counts (do not modify the arrays)
     */
    public Map<ProfileKey, int[]> gpus() {
        return gpus;
    }

    /**
     * Long-format CSV: {@code configuration,rate_rps,instances_gpus,j_per_token}.
     *
     * @return the CSV text
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("configuration,rate_rps,gpus,j_per_token\n");
        joulesPerToken.forEach((k, v) -> {
            int[] g = gpus.get(k);
            for (int i = 0; i < rates.length; i++) {
                sb.append(String.format(Locale.ROOT, "\"%s\",%.4f,%d,%.5f%n", k.shortLabel(), rates[i], g[i], v[i]));
            }
        });
        return sb.toString();
    }
}
