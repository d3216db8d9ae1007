package io.qmeter.testkit.tck;

import io.qmeter.workload.ShareGptWorkload;
import io.qmeter.workload.TokenCounter;
import io.qmeter.workload.Workload;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** The cycled ShareGPT replay honours the Workload contract (endless: it repeats the shuffled order). */
class CycledShareGptWorkloadCompatibilityTest extends WorkloadCompatibilityKit {
    @Override
    protected Workload createWorkload() {
        return ShareGptWorkload.fromStream("kit.json",
                new ByteArrayInputStream(ShareGptWorkloadCompatibilityTest.dataSet().getBytes(StandardCharsets.UTF_8)),
                TokenCounter.estimate()).cycled();
    }
}
