package io.qmeter.testkit.tck;

import io.qmeter.workload.ShareGptWorkload;
import io.qmeter.workload.TokenCounter;
import io.qmeter.workload.Workload;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** The ShareGPT replay honours the Workload contract: a finite workload, replayed once per seed. */
class ShareGptWorkloadCompatibilityTest extends WorkloadCompatibilityKit {

    /** Twelve conversations; each turn is long enough (more than 4 estimated tokens) to be kept. */
    static String dataSet() {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 12; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"id\":\"c").append(i).append("\",\"conversations\":[")
                    .append("{\"from\":\"human\",\"value\":\"Question number ").append(i)
                    .append(": explain how a token bucket limits a request rate.\"},")
                    .append("{\"from\":\"gpt\",\"value\":\"Answer ").append(i)
                    .append(": ").append("tokens refill at a fixed rate and each request spends one. ".repeat(i + 1))
                    .append("\"}]}");
        }
        return json.append(']').toString();
    }

    @Override
    protected Workload createWorkload() {
        return ShareGptWorkload.fromStream("kit.json",
                new ByteArrayInputStream(dataSet().getBytes(StandardCharsets.UTF_8)), TokenCounter.estimate());
    }
}
