package io.qmeter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.metrics.Outcome;
import io.qmeter.metrics.RequestRecord;
import io.qmeter.workload.PromptSpec;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https against a local server with a self-signed certificate (made here with the JDK's keytool):
 * trusted through {@link LlmClient#trustStore}, refused with the JDK's default trust store.
 */
class LlmClientTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final byte[] STREAM = Fixtures.bytes("llamacpp-completions-stream.txt");

    @TempDir
    static Path dir;
    private static RawServer server;
    private static KeyStore trusted;

    @BeforeAll
    static void start() throws Exception {
        Path p12 = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process kt = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit")
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = kt.getInputStream()) {
            out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertThat(kt.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kt.exitValue()).as("keytool: " + out).isZero();

        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            serverKeys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = new RawServer((conn, k, head, o) -> {
            o.write(RawServer.chunkedSse(STREAM, ""));
            return true;
        }, socket);

        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", serverKeys.getCertificate("server"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static RequestRecord send(LlmClient c) throws Exception {
        try (c) {
            return c.send(CompletionRequest.of(Endpoint.COMPLETIONS, "m", PromptSpec.ofText("hi", 1, 8)), 0,
                    System.nanoTime()).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aUserSuppliedTrustStoreLetsTheClientStreamOverHttps() throws Exception {
        LlmClient c = LlmClient.create(server.baseUrl()).trustStore(trusted).firstTokenTimeout(Duration.ofSeconds(20));
        assertThat(c.toString()).contains("trustStore=(set)");
        RequestRecord r = send(c);
        assertThat(r.outcome()).as(r.toString()).isEqualTo(Outcome.OK);
        assertThat(r.chunkNanos()).hasSize(8);
    }

    @Test
    void withoutItTheSelfSignedCertificateIsRefusedAsATlsFailure() throws Exception {
        RequestRecord r = send(LlmClient.create(server.baseUrl()).firstTokenTimeout(Duration.ofSeconds(20)));
        assertThat(r.outcome()).isEqualTo(Outcome.CONNECTION_ERROR);
        assertThat(r.error()).contains("TLS with localhost:");
    }
}
