package io.qmeter.engines.launch;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.qmeter.engines.EngineDialect.VersionEndpoint;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine version is read from the dialect's endpoint, and anything else reads as absent. */
class ProbeVersionTest {

    private HttpServer server;
    private URI base;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        answer("/props", 200, "{\"total_slots\":4,\"build_info\":\"b4520-c392e50\"}");
        answer("/version", 200, "{\"version\":\"\"}");
        answer("/broken", 200, "not json");
        answer("/nested", 200, "{\"build_info\":{\"number\":1}}");
        answer("/missing", 404, "{\"error\":\"not found\"}");
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(String path, int status, String body) {
        server.createContext(path, x -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(status, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
    }

    @Test
    void theFieldOfTheEndpointIsTheVersion() {
        assertThat(Probe.version(base, new VersionEndpoint("/props", "build_info"), Duration.ofSeconds(5)))
                .hasValue("b4520-c392e50");
    }

    @Test
    void blankMissingNonJsonNestedOrErrorAnswersAreNoVersion() {
        Duration t = Duration.ofSeconds(5);
        assertThat(Probe.version(base, new VersionEndpoint("/version", "version"), t)).isEmpty();
        assertThat(Probe.version(base, new VersionEndpoint("/props", "version"), t)).isEmpty();
        assertThat(Probe.version(base, new VersionEndpoint("/broken", "version"), t)).isEmpty();
        assertThat(Probe.version(base, new VersionEndpoint("/nested", "build_info"), t)).isEmpty();
        assertThat(Probe.version(base, new VersionEndpoint("/missing", "error"), t)).isEmpty();
    }

    @Test
    void aServerThatIsNotThereIsNoVersion() {
        server.stop(0);
        assertThat(Probe.version(base, new VersionEndpoint("/props", "build_info"), Duration.ofSeconds(2))).isEmpty();
    }
}
