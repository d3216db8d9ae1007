package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.engines.ServerConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestartBackoffTest {

    private static LaunchedEngine engine(Duration backoff) {
        return LaunchedEngine.of(TestDialects.vllm(), ServerConfig.of("m", "FP16"),
                LaunchOptions.defaults().withRestartBackoff(backoff));
    }

    @Test
    void doublesPerFailureInARowUpToTheCapAndEndsWithAHealthyClose() {
        LaunchedEngine e = engine(Duration.ofSeconds(1));
        assertThat(e.backoff()).isZero();
        e.failed();
        assertThat(e.backoff()).isEqualTo(Duration.ofSeconds(1));
        e.failed();
        assertThat(e.backoff()).isEqualTo(Duration.ofSeconds(2));
        e.failed();
        assertThat(e.backoff()).isEqualTo(Duration.ofSeconds(4));
        for (int i = 0; i < 100; i++) {
            e.failed();
        }
        assertThat(e.backoff()).isEqualTo(LaunchOptions.MAX_RESTART_BACKOFF);
        e.closedHealthy();
        assertThat(e.backoff()).isZero();
    }

    @Test
    void zeroMeansNoPause() {
        LaunchedEngine e = engine(Duration.ZERO);
        e.failed();
        assertThat(e.backoff()).isZero();
    }

    @Test
    void aFailedStartCountsAsAFailure() {
        LaunchedEngine e = LaunchedEngine.of(TestDialects.vllm(), ServerConfig.of("m", "W4A8KV4"),
                LaunchOptions.defaults().withRestartBackoff(Duration.ofMillis(1)));
        for (int i = 0; i < 3; i++) {
            try {
                e.start();
            } catch (EngineLaunchException expected) {
                // refused by the dialect, each time
            }
        }
        assertThat(e.backoff()).isEqualTo(Duration.ofMillis(4));
    }

    @Test
    void theFactoryReadsTheSetting() {
        DialectEngineFactory f = new DialectEngineFactory("vllm", TestDialects::vllm);
        assertThat(f.create(Map.of("model", "m", "restartBackoff", "250ms")).options().restartBackoff())
                .isEqualTo(Duration.ofMillis(250));
        assertThat(f.create(Map.of("model", "m", "restartBackoff", "0")).options().restartBackoff()).isZero();
    }
}
