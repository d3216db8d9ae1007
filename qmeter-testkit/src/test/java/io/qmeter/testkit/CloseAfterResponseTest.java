package io.qmeter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.client.CompletionRequest;
import io.qmeter.client.Endpoint;
import io.qmeter.client.LlmClient;
import io.qmeter.engine.EngineHandle;
import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fault of a server that closes the connection after each complete response although it says
 * {@code Keep-Alive: timeout=5} (llama.cpp's llama-server after a stream), and qMeter's client
 * against it: back-to-back requests must all succeed (issue 14 #5).
 */
class CloseAfterResponseTest {

    private static ScriptedEngine engine() {
        return ScriptedEngine.builder()
                .faults(FaultPlan.builder().withProbability(1.0, Fault.closeAfterResponse()).build()).build();
    }

    @Test
    void theServerSaysKeepAliveThenClosesAfterTheCompleteResponse() throws Exception {
        try (ScriptedEngine s = engine()) {
            EngineHandle h = s.start();
            String body = TestHttp.completion(3, true);
            try (Socket socket = new Socket(h.baseUrl().getHost(), h.baseUrl().getPort())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) >= 0) { // ends only when the server closes
                    got.write(buf, 0, n);
                }
                String text = got.toString(StandardCharsets.UTF_8);
                assertThat(text).startsWith("HTTP/1.1 200").containsIgnoringCase("keep-alive: timeout=5")
                        .contains("[DONE]").endsWith("0\r\n\r\n");
            }
        }
    }

    @Test
    void backToBackRequestsOfTheClientAllSucceed() throws Exception {
        try (ScriptedEngine s = engine()) {
            EngineHandle h = s.start();
            try (LlmClient c = LlmClient.create(h.baseUrl())) {
                for (int i = 0; i < 15; i++) {
                    RequestRecord r = c.send(CompletionRequest.of(Endpoint.COMPLETIONS, h.model(),
                            PromptSpec.ofText("hello", 1, 4)), i, System.nanoTime()).get(30, TimeUnit.SECONDS);
                    assertThat(r.outcome()).as("request %d: %s", i, r).isEqualTo(Outcome.OK);
                }
            }
        }
    }
}
