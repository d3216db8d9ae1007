package io.qmeter.eval;

import io.qmeter.eval.data.Fixtures;
import io.qmeter.testkit.tck.WorkloadCompatibilityKit;
import io.qmeter.workload.Workload;

/** {@link DatasetWorkload#humanEval} passes the testkit's workload contract (on the fixture humaneval.jsonl). */
class HumanEvalDatasetWorkloadCompatibilityTest extends WorkloadCompatibilityKit {

    @Override
    protected Workload createWorkload() {
        return DatasetWorkload.humanEval(Fixtures.file("humaneval.jsonl"));
    }
}
