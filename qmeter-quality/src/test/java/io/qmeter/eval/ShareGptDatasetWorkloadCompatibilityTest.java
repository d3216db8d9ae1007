package io.qmeter.eval;

import io.qmeter.eval.data.Fixtures;
import io.qmeter.testkit.tck.WorkloadCompatibilityKit;
import io.qmeter.workload.Workload;

/** {@link DatasetWorkload#shareGpt} passes the testkit's workload contract (on the fixture sharegpt.json). */
class ShareGptDatasetWorkloadCompatibilityTest extends WorkloadCompatibilityKit {

    @Override
    protected Workload createWorkload() {
        return DatasetWorkload.shareGpt(Fixtures.file("sharegpt.json"));
    }
}
