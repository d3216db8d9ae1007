package io.qmeter.testkit.tck;

import io.qmeter.workload.LengthDistribution;
import io.qmeter.workload.SyntheticWorkload;
import io.qmeter.workload.Workload;

/** The synthetic workload with drawn lengths honours the Workload contract (an endless workload). */
class SyntheticWorkloadCompatibilityTest extends WorkloadCompatibilityKit {
    @Override
    protected Workload createWorkload() {
        return SyntheticWorkload.of(LengthDistribution.uniform(10, 400), LengthDistribution.uniform(1, 200));
    }
}
