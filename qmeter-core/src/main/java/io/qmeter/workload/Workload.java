package io.qmeter.workload;

import java.util.Iterator;
import java.util.Map;

/**
 * A seeded source of prompts: finite (a data set replayed once) or endless (synthetic).
 *
 * <p>SPI: implementations are passed in explicitly (a workload needs its data and lengths, so
 * there is no {@link java.util.ServiceLoader} discovery). The same seed must give the same prompts
 * in the same order; the testkit's {@code WorkloadCompatibilityKit} checks the contract.
 *
 * <pre>{@code
 * Workload w = SyntheticWorkload.fixed(331, 231);
 * Iterator<PromptSpec> prompts = w.prompts(42L);
 * }</pre>
 */
public interface Workload {

    /**
     * A short name for results and reports, for example {@code "synthetic(331/231)"}.
     *
     * @return the name
     */
    String name();

    /**
     * Opens a fresh, deterministic sequence of prompts.
     *
     * @param seed the seed; recorded in the results
     * @return prompts; {@code hasNext()} is false when a finite workload is exhausted
     */
    Iterator<PromptSpec> prompts(long seed);

    /**
     * Parameters that describe this workload, recorded in results.
     *
     * @return a map of parameter name to value
     */
    default Map<String, Object> describe() {
        return Map.of("name", name());
    }
}
