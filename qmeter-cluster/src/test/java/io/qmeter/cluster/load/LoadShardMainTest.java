package io.qmeter.cluster.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qmeter.load.LoadShard;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadShardMainTest {

    private static int run(List<String> args, ByteArrayOutputStream err) {
        return LoadShardMain.run(args.toArray(String[]::new), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true));
    }

    @Test
    void badArgumentsExitWith2NamingTheProblem() {
        ShardedLoad load = ShardedLoad.of(URI.create("http://127.0.0.1:1"), "m", 10, 100, 3);
        List<String> good = load.arguments(LoadShard.of(1, 3), "now+5s", Path.of("x.hlog"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> noRate = new ArrayList<>(good);
        int k = noRate.indexOf("--rate");
        noRate.remove(k);
        noRate.remove(k);
        assertThat(run(noRate, err)).isEqualTo(2);
        assertThat(err.toString()).contains("--rate is required").contains("usage:");

        List<String> badStart = new ArrayList<>(good);
        badStart.set(badStart.indexOf("now+5s"), "tomorrow");
        err.reset();
        assertThat(run(badStart, err)).isEqualTo(2);
        assertThat(err.toString()).contains("--start must be an ISO-8601 instant");

        List<String> badShard = new ArrayList<>(good);
        badShard.set(badShard.indexOf("1/3"), "3/3");
        err.reset();
        assertThat(run(badShard, err)).isEqualTo(2);
        assertThat(err.toString()).contains("shard index must be in [0, 3), was 3");
    }

    @Test
    void aStartInstantThatHasPassedExitsWith3() {
        ShardedLoad load = ShardedLoad.of(URI.create("http://127.0.0.1:1"), "m", 10, 5, 2);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = run(load.arguments(LoadShard.of(0, 2), "2020-01-01T00:00:00Z", Path.of("target/never.hlog")), err);
        assertThat(status).isEqualTo(3);
        assertThat(err.toString()).contains("shard 0/2 failed").contains("had passed by");
    }

    @Test
    void argumentsRoundTripThroughTheMainsParser() {
        ShardedLoad load = ShardedLoad.of(URI.create("http://10.0.0.5:8000"), "m", 3000, 180_000, 4)
                .withProcess("gamma:0.5").withSeed(7).withTokens(512, 64).withWarmup(Duration.ofMillis(1500))
                .withInterval(Duration.ofMillis(200)).withClientCheck(Duration.ofMillis(2), 0.9);
        List<String> a = load.arguments(LoadShard.of(2, 4), "2026-01-01T10:00:00Z", Path.of("s2.hlog"));
        assertThat(a).containsSequence("--shard", "2/4").containsSequence("--process", "gamma:0.5")
                .containsSequence("--warmup", "PT1.5S");
        assertThat(LoadShardMain.duration("--warmup", "PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(LoadShardMain.duration("--x", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(LoadShardMain.duration("--x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> LoadShardMain.duration("--x", "soon")).hasMessageContaining("--x must be a duration");
        assertThatThrownBy(() -> load.arguments(LoadShard.of(0, 3), "now+1s", Path.of("x")))
                .hasMessageContaining("one of 4 shards");
        assertThatThrownBy(() -> load.withProcess("bursty")).hasMessageContaining("poisson, constant or gamma:CV");
        assertThatThrownBy(() -> load.withInterval(Duration.ofNanos(1500))).hasMessageContaining("whole milliseconds");
    }
}
