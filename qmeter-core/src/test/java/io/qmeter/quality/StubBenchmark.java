package io.qmeter.quality;

import io.qmeter.engine.EngineHandle;
import java.util.List;
import java.util.Map;

/** A benchmark registered in this module's test resources, so discovery can be tested. */
public class StubBenchmark implements QualityBenchmark {

    @Override
    public String name() {
        return "Stub";
    }

    @Override
    public String metric() {
        return "acc";
    }

    @Override
    public QualityScore run(EngineHandle engine, QualityOptions options) {
        return QualityScore.fromItems(name(), metric(),
                List.of(new ItemResult("s/0", "q", "a", 1.0, "correct", Map.of(), null)), Map.of(), options.seed(),
                true);
    }
}
