package io.qmeter.eval;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityOptions;
import io.qmeter.testkit.tck.QualityBenchmarkCompatibilityKit;

/** GSM8K honours the QualityBenchmark contract (on 4 problems of the real test file). */
class Gsm8kBenchmarkCompatibilityTest extends QualityBenchmarkCompatibilityKit {

    @Override
    protected QualityBenchmark createBenchmark() {
        assumeTrue(SharedData.file("gsm8k-test.jsonl").isPresent(), SharedData.missing("gsm8k-test.jsonl"));
        return new Gsm8kBenchmark();
    }

    @Override
    protected QualityOptions options() {
        return QualityOptions.defaults().withDataset(SharedData.file("gsm8k-test.jsonl").orElseThrow())
                .withMaxItems(4).withFewShot(2);
    }
}
