package io.qmeter.engines.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrometheusTextTest {

    private static final Path FIXTURE = Path.of("/work/shared/fixtures/sse/llamacpp-metrics.txt");

    @Test
    void readsTheRecordedLlamaCppBody() throws IOException {
        PrometheusText.Exposition e = PrometheusText.parse(Files.readString(FIXTURE));
        assertThat(e.skipped()).isEmpty();
        assertThat(e.samples()).hasSize(12);
        assertThat(e.sum("llamacpp:prompt_tokens_total")).hasValue(44.0);
        assertThat(e.sum("llamacpp:kv_cache_usage_ratio")).hasValue(0.00769043);
        assertThat(e.types()).containsEntry("llamacpp:tokens_predicted_total", "counter")
                .containsEntry("llamacpp:requests_processing", "gauge");
        assertThat(e.help()).containsEntry("llamacpp:prompt_seconds_total", "Prompt process time");
    }

    @Test
    void readsLabelsEscapesSpecialValuesTimestampsAndHistograms() {
        String body = String.join("\n",
                "# A plain comment",
                "# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.",
                "# TYPE vllm:time_to_first_token_seconds histogram",
                "vllm:time_to_first_token_seconds_bucket{le=\"0.001\",model_name=\"m\"} 0.0",
                "vllm:time_to_first_token_seconds_bucket{le=\"+Inf\",model_name=\"m\"} 7.0",
                "vllm:time_to_first_token_seconds_sum{model_name=\"m\"} 1.25",
                "vllm:time_to_first_token_seconds_count{model_name=\"m\"} 7.0",
                "odd{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\",nl=\"a\\nb\",} NaN 1700000000000",
                "up +Inf",
                "down -Inf",
                "",
                "  spaced{ a = \"1\" }   2.5e3  ");
        PrometheusText.Exposition e = PrometheusText.parse(body);
        assertThat(e.skipped()).isEmpty();
        assertThat(e.types()).containsEntry("vllm:time_to_first_token_seconds", "histogram");
        assertThat(e.samples()).hasSize(8);
        PrometheusText.Sample bucket = e.samples().get(1);
        assertThat(bucket.labels()).containsEntry("le", "+Inf").containsEntry("model_name", "m");
        assertThat(bucket.value()).isEqualTo(7.0);
        PrometheusText.Sample odd = e.samples().get(4);
        assertThat(odd.labels()).containsExactly(Map.entry("path", "C:\\dir"), Map.entry("quote", "say \"hi\""),
                Map.entry("nl", "a\nb"));
        assertThat(odd.value()).isNaN();
        assertThat(odd.timestampMs()).hasValue(1_700_000_000_000L);
        assertThat(e.sum("up")).hasValue(Double.POSITIVE_INFINITY);
        assertThat(e.sum("down")).hasValue(Double.NEGATIVE_INFINITY);
        assertThat(e.sum("spaced")).hasValue(2500.0);
        assertThat(e.sum("vllm:time_to_first_token_seconds_sum")).hasValue(1.25);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "metric                          | value missing",
        "metric{a=\"1\"                  | '}' missing",
        "metric{a=1} 2                   | '\"' expected",
        "metric{a=\"1} 2                 | unterminated",
        "metric abc                      | must be a number",
        "metric 1 12.5                   | timestamp",
        "{a=\"1\"} 2                     | must start with a metric name",
        "metric{=\"1\"} 2                | label name expected",
        "metric{a=\"1\" b=\"2\"} 2       | ',' or '}' expected"})
    void skipsABadLineSayingWhyAndKeepsTheRest(String bad, String why) {
        PrometheusText.Exposition e = PrometheusText.parse("good 1\n" + bad.strip() + "\nalso_good 2\n");
        assertThat(e.samples()).extracting(PrometheusText.Sample::name).containsExactly("good", "also_good");
        assertThat(e.skipped()).singleElement().asString().startsWith("line 2: ").contains(why);
    }

    @Test
    void sumAddsEveryLabelSetAndIsEmptyForAnAbsentName() {
        PrometheusText.Exposition e = PrometheusText.parse("r{m=\"a\"} 1\nr{m=\"b\"} 2\n");
        assertThat(e.sum("r")).hasValue(3.0);
        assertThat(e.sum("absent")).isEmpty();
    }

    /** Whatever is written in the format reads back the same. */
    @Property(tries = 300, seed = "20261201")
    void writtenSamplesReadBack(@ForAll("samples") List<PrometheusText.Sample> samples) {
        StringBuilder b = new StringBuilder("# HELP x some help\n# TYPE x gauge\n");
        for (PrometheusText.Sample s : samples) {
            b.append(s.name());
            if (!s.labels().isEmpty()) {
                b.append('{');
                s.labels().forEach((k, v) -> b.append(k).append("=\"").append(v.replace("\\", "\\\\")
                        .replace("\"", "\\\"").replace("\n", "\\n")).append("\","));
                b.setLength(b.length() - 1);
                b.append('}');
            }
            b.append(' ').append(write(s.value()));
            s.timestampMs().ifPresent(t -> b.append(' ').append(t));
            b.append('\n');
        }
        PrometheusText.Exposition e = PrometheusText.parse(b.toString());
        assertThat(e.skipped()).isEmpty();
        assertThat(e.samples()).hasSameSizeAs(samples);
        for (int i = 0; i < samples.size(); i++) {
            PrometheusText.Sample want = samples.get(i);
            PrometheusText.Sample got = e.samples().get(i);
            assertThat(got.name()).isEqualTo(want.name());
            assertThat(got.labels()).containsExactlyEntriesOf(want.labels());
            assertThat(Double.compare(got.value(), want.value())).isZero();
            assertThat(got.timestampMs()).isEqualTo(want.timestampMs());
        }
    }

    private static String write(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    @Provide
    Arbitrary<List<PrometheusText.Sample>> samples() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ_:").ofMinLength(1).ofMaxLength(6)
                .flatMap(head -> Arbitraries.strings().withChars("abz09_:").ofMaxLength(10).map(tail -> head + tail));
        Arbitrary<String> keys = Arbitraries.strings().withChars("abcXYZ_").ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> values = Arbitraries.strings().withChars("ab \"\\\n{},=#éλ").ofMaxLength(8);
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(keys, values).ofMaxSize(3)
                .map(LinkedHashMap::new);
        Arbitrary<Double> nums = Arbitraries.oneOf(Arbitraries.doubles().between(-1e12, 1e12),
                Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, 1e-9));
        Arbitrary<OptionalLong> ts = Arbitraries.oneOf(Arbitraries.just(OptionalLong.empty()),
                Arbitraries.longs().between(0, 4_000_000_000_000L).map(OptionalLong::of));
        return Combinators.combine(names, labels, nums, ts).as(PrometheusText.Sample::new).list().ofMaxSize(6);
    }
}
