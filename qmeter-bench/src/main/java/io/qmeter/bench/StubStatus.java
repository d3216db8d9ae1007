package io.qmeter.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * nginx's {@code stub_status} counters, the benchmark's external view of what reached the stub:
 * connections accepted and requests served, counted by the server, not by the client.
 *
 * <pre>{@code
 * StubStatus before = StubStatus.read(URI.create("http://127.0.0.1:8090/stub_status"));
 * }</pre>
 *
 * @param accepts  connections accepted so far
 * @param requests requests read so far (the stub_status request itself included)
 * @param active   connections open now
 */
public record StubStatus(long accepts, long requests, long active) {

    /**
     * Reads the counters; fails with a message that says how to enable them.
     *
     * @param url the stub_status URL
     * @return the counters
     */
    public static StubStatus read(URI url) {
        try {
            HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            String body;
            try (InputStream in = c.getInputStream()) {
                body = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
            // Active connections: 1 \n server accepts handled requests\n 6 6 6 \n ...
            String[] lines = body.split("\n");
            long active = Long.parseLong(lines[0].replaceAll("[^0-9]", ""));
            String[] n = lines[2].trim().split("\\s+");
            return new StubStatus(Long.parseLong(n[0]), Long.parseLong(n[2]), active);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("expected nginx stub_status at " + url + " but could not read it ("
                    + e + "); start the stub with qmeter-bench/stub.sh, which enables stub_status", e);
        }
    }
}
