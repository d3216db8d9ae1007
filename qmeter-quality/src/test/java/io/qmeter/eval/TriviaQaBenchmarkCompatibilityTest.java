package io.qmeter.eval;

import io.qmeter.quality.QualityBenchmark;
import io.qmeter.quality.QualityOptions;
import io.qmeter.testkit.tck.QualityBenchmarkCompatibilityKit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** TriviaQA honours the QualityBenchmark contract (on a 2-item fixture). */
class TriviaQaBenchmarkCompatibilityTest extends QualityBenchmarkCompatibilityKit {

    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("tqa-kit", ".jsonl");
            FILE.toFile().deleteOnExit();
            Files.writeString(FILE, "{\"question\":\"Capital of France\",\"answers\":[\"Paris\"]}\n"
                    + "{\"question\":\"Who was the man behind The Chipmunks\",\"question_id\":\"tc_40\","
                    + "\"answer\":{\"aliases\":[\"David Seville\"],\"value\":\"David Seville\"}}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected QualityBenchmark createBenchmark() {
        return new TriviaQaBenchmark();
    }

    @Override
    protected QualityOptions options() {
        return QualityOptions.defaults().withDataset(FILE);
    }
}
