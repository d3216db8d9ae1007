package io.qmeter;

import static io.qmeter.QMeter.constant;
import static io.qmeter.QMeter.load;
import static io.qmeter.QMeter.poisson;
import static io.qmeter.QMeter.synthetic;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.client.Endpoint;
import io.qmeter.load.FakeSender;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadRunBuilderTest {

    private static LoadRunBuilder valid() {
        return load("http://127.0.0.1:8000").model("m").workload(synthetic(8, 4)).arrivals(poisson(10))
                .duration(ofSeconds(20));
    }

    @Test
    void aCompleteConfigurationBuilds() {
        LoadRun run = valid().warmup(ofSeconds(2)).cooldown(ofSeconds(2)).maxInFlight(8).seed(7).build();
        assertThat(run.plan().seed()).isEqualTo(7);
        assertThat(run.plan().maxInFlight()).isEqualTo(8);
        assertThat(run.plan().template().ignoreEos()).isTrue();
        assertThat(run.plan().template().model()).isEqualTo("m");
        assertThat(run.plan().template().stream()).isTrue();
    }

    @Test
    void theBuilderIsImmutable() {
        LoadRunBuilder base = valid();
        LoadRunBuilder other = base.seed(99).model("other");
        assertThat(base.build().plan().seed()).isEqualTo(1);
        assertThat(base.build().plan().template().model()).isEqualTo("m");
        assertThat(other.build().plan().seed()).isEqualTo(99);
    }

    @Test
    void clientSettingsWithAnOwnSenderAreRefusedNotDropped() {
        try (FakeSender sender = new FakeSender(1_000_000, 1_000_000)) {
            LoadRunBuilder withSender = valid().sender(sender);
            assertThat(withSender.build()).isNotNull();
            assertThatThrownBy(() -> withSender.apiKey("k").requestTimeout(ofSeconds(5)).maxConnections(4).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("apiKey, requestTimeout, maxConnections configure the default HTTP client")
                    .hasMessageContaining("FakeSender");
            assertThatThrownBy(() -> withSender.idleTimeout(ofSeconds(1)).build())
                    .hasMessageStartingWith("idleTimeout configure");
        }
    }

    @Test
    void missingFieldsAreNamed() {
        assertThatThrownBy(() -> valid().model(null).build()).hasMessageStartingWith("model must be set, was null");
        assertThatThrownBy(() -> valid().workload(null).build()).hasMessageStartingWith("workload must be set");
        assertThatThrownBy(() -> valid().arrivals(null).build()).hasMessageStartingWith("arrivals must be set");
        assertThatThrownBy(() -> valid().duration(null).build())
                .hasMessageStartingWith("duration or requests must be set, was neither");
    }

    @Test
    void invalidValuesAreNamedWithTheValue() {
        assertThatThrownBy(() -> valid().arrivals(poisson(-1))).hasMessage("rate must be > 0, was -1");
        assertThatThrownBy(() -> valid().duration(Duration.ofSeconds(-3)).build())
                .hasMessage("duration must be > 0, was PT-3S");
        assertThatThrownBy(() -> valid().requests(0).build()).hasMessage("requests must be > 0, was 0");
        assertThatThrownBy(() -> valid().warmup(ofSeconds(-1)).build()).hasMessage("warmup must be >= 0, was PT-1S");
        assertThatThrownBy(() -> valid().warmup(ofSeconds(15)).cooldown(ofSeconds(5)).build())
                .hasMessage("warmup + cooldown must be < duration (PT20S), was PT20S");
        assertThatThrownBy(() -> valid().maxInFlight(-1).build())
                .hasMessage("maxInFlight must be >= 0 (0 = no cap), was -1");
        assertThatThrownBy(() -> valid().idleWatts(-5).build())
                .hasMessage("idleWatts must be >= 0 and finite (or NaN for none), was -5.0");
        assertThatThrownBy(() -> valid().requestTimeout(Duration.ZERO).build())
                .hasMessage("requestTimeout must be > 0, was PT0S");
        assertThatThrownBy(() -> valid().clientCheck(Duration.ofMillis(5), 1.5))
                .hasMessage("minRateFraction must be in (0, 1], was 1.5");
        assertThatThrownBy(() -> load("ftp://host").model("m").workload(synthetic(8, 4)).arrivals(constant(1))
                .requests(1).build()).hasMessageContaining("baseUrl must be an http or https URL")
                .hasMessageContaining("ftp://host");
    }

    @Test
    void aWorkloadThatDoesNotFitTheEndpointFailsAtBuild() {
        assertThatThrownBy(() -> valid().endpoint(Endpoint.CHAT_COMPLETIONS).build())
                .hasMessageContaining("does not fit endpoint CHAT_COMPLETIONS")
                .hasMessageContaining("use Endpoint.COMPLETIONS");
    }

    @Test
    void aSenderReplacesTheUrl() {
        try (FakeSender sender = new FakeSender(1, 1)) {
            LoadRun run = load(sender).model("m").workload(synthetic(8, 4)).arrivals(constant(5)).requests(3).build();
            assertThat(run.plan().maxRequests()).isEqualTo(3);
        }
    }
}
