package io.qmeter.engines.launch;

import io.qmeter.engine.Health;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/** HTTP health probes of a server: the first path that answers 200 means up. */
final class Probe {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Probe() {
    }

    /**
     * Probes the paths in order.
     *
     * @param baseUrl the server's base URL
     * @param paths   the paths, e.g. {@code /health}, {@code /v1/models}
     * @param timeout the most each request may take
     * @return UP at the first 200; else DOWN when connections are refused, UNRESPONSIVE otherwise,
     *         with what each path answered
     */
    static Health health(URI baseUrl, List<String> paths, Duration timeout) {
        StringBuilder detail = new StringBuilder();
        boolean refused = true;
        for (String path : paths) {
            URI u = URI.create(stripSlash(baseUrl.toString()) + path);
            String seen;
            try {
                HttpRequest req = HttpRequest.newBuilder(u).timeout(timeout).GET().build();
                HttpResponse<Void> resp = HTTP.send(req, HttpResponse.BodyHandlers.discarding());
                if (resp.statusCode() == 200) {
                    return Health.up();
                }
                refused = false;
                seen = "HTTP " + resp.statusCode();
            } catch (HttpConnectTimeoutException e) {
                refused = false;
                seen = "connect timed out after " + timeout;
            } catch (HttpTimeoutException e) {
                refused = false;
                seen = "no answer within " + timeout;
            } catch (ConnectException e) {
                seen = "connection refused";
            } catch (IOException e) {
                refused = false;
                seen = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Health(Health.Status.UNRESPONSIVE, "interrupted while probing " + u);
            }
            if (detail.length() > 0) {
                detail.append("; ");
            }
            detail.append("GET ").append(path).append(": ").append(seen);
        }
        return new Health(refused ? Health.Status.DOWN : Health.Status.UNRESPONSIVE, detail.toString());
    }

    /**
     * The server's version from its version endpoint, or empty when it does not answer 200 with a
     * JSON object whose field is a non-blank text within the timeout.
     *
     * @param baseUrl  the server's base URL
     * @param endpoint where the version is
     * @param timeout  the most the request may take
     * @return the version, or empty
     */
    static java.util.Optional<String> version(URI baseUrl, io.qmeter.engines.EngineDialect.VersionEndpoint endpoint,
                                             Duration timeout) {
        URI u = URI.create(stripSlash(baseUrl.toString()) + endpoint.path());
        try {
            HttpResponse<String> resp = HTTP.send(HttpRequest.newBuilder(u).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                return java.util.Optional.empty();
            }
            com.fasterxml.jackson.databind.JsonNode v = JSON.readTree(resp.body()).path(endpoint.field());
            return v.isValueNode() && !v.asText().isBlank() ? java.util.Optional.of(v.asText())
                    : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
