package io.qmeter.testkit.tck;

import io.qmeter.workload.SyntheticWorkload;
import io.qmeter.workload.Workload;

/** The ShareGPT-like synthetic workload honours the Workload contract. */
class ShareGptLikeWorkloadCompatibilityTest extends WorkloadCompatibilityKit {
    @Override
    protected Workload createWorkload() {
        return SyntheticWorkload.sharegptLike(200, 120);
    }
}
