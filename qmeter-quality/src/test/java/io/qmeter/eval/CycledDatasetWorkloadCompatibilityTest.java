package io.qmeter.eval;

import io.qmeter.eval.data.Fixtures;
import io.qmeter.testkit.tck.WorkloadCompatibilityKit;
import io.qmeter.workload.Workload;

/** A cycled {@link DatasetWorkload} passes the testkit's workload contract (endless). */
class CycledDatasetWorkloadCompatibilityTest extends WorkloadCompatibilityKit {

    @Override
    protected Workload createWorkload() {
        return DatasetWorkload.humanEval(Fixtures.file("humaneval.jsonl")).cycled();
    }
}
