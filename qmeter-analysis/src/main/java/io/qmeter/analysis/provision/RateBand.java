package io.qmeter.analysis.provision;

import java.util.Locale;

/**
 * A range of target rates over which the same configuration (method, TP, GPU and the model of
 * the set) is the energy optimum.
 *
 * <pre>{@code
 * System.out.println(band.fromRate() + "–" + band.toRate() + " req/s: " + band.configuration());
 * }</pre>
 *
 * @param fromRate       lowest rate of the band (a grid point), req/s
 * @param toRate         highest rate of the band (a grid point), req/s
 * @param configuration  the optimal configuration's label
 * @param minJoulesPerToken lowest J/token in the band
 * @param maxJoulesPerToken highest J/token in the band
 * @param minGpus        fewest GPUs in the band
 * @param maxGpus        most GPUs in the band
 */
public record RateBand(double fromRate, double toRate, String configuration, double minJoulesPerToken,
                       double maxJoulesPerToken, int minGpus, int maxGpus) {

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%7.1f – %7.1f req/s  %-28s %.3f – %.3f J/token  %d – %d GPUs", fromRate,
                toRate, configuration, minJoulesPerToken, maxJoulesPerToken, minGpus, maxGpus);
    }
}
