package io.qmeter.eval;

import io.qmeter.eval.data.Fixtures;
import io.qmeter.testkit.tck.WorkloadCompatibilityKit;
import io.qmeter.workload.Workload;

/** {@link DatasetWorkload#summarization} passes the testkit's workload contract (on the fixture newsqa.jsonl). */
class NewsQaDatasetWorkloadCompatibilityTest extends WorkloadCompatibilityKit {

    @Override
    protected Workload createWorkload() {
        return DatasetWorkload.summarization(Fixtures.file("newsqa.jsonl"));
    }
}
