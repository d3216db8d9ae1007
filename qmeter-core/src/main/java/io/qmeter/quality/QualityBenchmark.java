package io.qmeter.quality;

import io.qmeter.engine.EngineHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A quality task: its items, how to ask the engine and how to score the answers, giving a
 * {@link QualityScore} from 0 to 100 that keeps every item. Implementations register with
 * {@link ServiceLoader} ({@code META-INF/services/io.qmeter.quality.QualityBenchmark}, a public
 * no-argument constructor) and can also be built and passed in explicitly.
 *
 * <pre>{@code
 * for (QualityBenchmark b : QualityBenchmark.available()) System.out.println(b.name());
 * QualityScore s = QualityBenchmark.find("humaneval").orElseThrow().run(handle, QualityOptions.defaults());
 * }</pre>
 */
public interface QualityBenchmark {

    /**
     * The benchmark's name, lower case, as {@link #find(String)} matches it (e.g. {@code humaneval}).
     *
     * @return the name
     */
    String name();

    /**
     * The primary metric's name as it appears in {@link QualityScore#metric()} (e.g. {@code pass@1}).
     *
     * @return the metric name
     */
    String metric();

    /**
     * Runs the benchmark against a running engine: asks every item (up to
     * {@link QualityOptions#maxItems()}), scores the answers and keeps each item's request, response
     * and verdict. A request that fails is scored 0 with its error kept, never dropped.
     *
     * @param engine  the running engine
     * @param options how to run
     * @return the score
     * @throws QualityException when the benchmark cannot run at all (no data, no sandbox)
     */
    QualityScore run(EngineHandle engine, QualityOptions options);

    /**
     * The benchmarks found on the class path, in {@link ServiceLoader} order.
     *
     * @return the benchmarks; empty when none is installed (add {@code qmeter-quality})
     */
    static List<QualityBenchmark> available() {
        List<QualityBenchmark> out = new ArrayList<>();
        for (QualityBenchmark b : ServiceLoader.load(QualityBenchmark.class)) {
            out.add(b);
        }
        return List.copyOf(out);
    }

    /**
     * The benchmark with this name (case-insensitive), from {@link #available()}.
     *
     * @param name the name, e.g. {@code gsm8k}
     * @return the benchmark, or empty when none on the class path has that name
     */
    static Optional<QualityBenchmark> find(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return available().stream().filter(b -> b.name().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }
}
