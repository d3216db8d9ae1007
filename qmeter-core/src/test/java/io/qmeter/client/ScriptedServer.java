package io.qmeter.client;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A tiny HTTP server on 127.0.0.1 (port 0) that records each request and answers with a script:
 * exact bytes, in pieces, with server-side delays (Mono.delay), or never.
 */
final class ScriptedServer implements AutoCloseable {

    /** A request as the server received it. */
    record Received(String method, String uri, HttpHeaders headers, String body) {
    }

    /** How to answer one request. */
    @FunctionalInterface
    interface Script extends BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> {
    }

    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final DisposableServer server;

    private ScriptedServer(Script script) {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((req, res) -> req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .flatMap(body -> {
                            received.add(new Received(req.method().name(), req.uri(), req.requestHeaders().copy(), body));
                            return Mono.from(script.apply(req, res));
                        }))
                .bindNow(Duration.ofSeconds(10));
    }

    static ScriptedServer start(Script script) {
        return new ScriptedServer(script);
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** 200 text/event-stream, the pieces written one by one with a gap before each. */
    static Script sse(List<byte[]> pieces, Duration gap) {
        return (req, res) -> res.status(200).header("Content-Type", "text/event-stream")
                .sendByteArray(Flux.fromIterable(pieces).concatMap(p -> Mono.delay(gap).thenReturn(p)));
    }

    /** 200 text/event-stream, the pieces written, then nothing more, ever (the stream stalls). */
    static Script sseThenStall(List<byte[]> pieces) {
        return (req, res) -> res.status(200).header("Content-Type", "text/event-stream")
                .sendByteArray(Flux.concat(Flux.fromIterable(pieces), Flux.never()));
    }

    /** 200 text/event-stream, the pieces written, then the connection is closed without ending the response. */
    static Script sseThenCut(List<byte[]> pieces) {
        return (req, res) -> res.status(200).header("Content-Type", "text/event-stream")
                .sendByteArray(Flux.fromIterable(pieces))
                .then(Mono.delay(Duration.ofMillis(20)).then(Mono.fromRunnable(() -> res.withConnection(c -> c.dispose()))))
                .then(Mono.never());
    }

    /** A complete response with the given status, headers and body. */
    static Script respond(int status, java.util.Map<String, String> headers, byte[] body) {
        return (req, res) -> {
            res.status(status);
            headers.forEach(res::header);
            return res.sendByteArray(Mono.just(body));
        };
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
