package io.qmeter.bench;

import io.qmeter.engine.EngineHandle;
import io.qmeter.testkit.Script;
import io.qmeter.testkit.ScriptedEngine;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the testkit's {@link ScriptedEngine} in its own JVM, so that a benchmark's client process
 * measures only its own heap, threads and CPU. Every request gets the same script: the first token
 * {@code --ttft-ms} after the request arrived, then one token every {@code --gap-ms}, {@code --tokens}
 * tokens. Prints {@code baseUrl=...} once listening; runs until killed.
 *
 * <pre>{@code
 * java -cp "$CP" io.qmeter.bench.ScriptedStubMain --port 8091 --ttft-ms 200 --gap-ms 100 --tokens 16 &
 * }</pre>
 */
public final class ScriptedStubMain {

    private ScriptedStubMain() {
    }

    /**
     * Starts the server.
     *
     * @param args {@code --port --ttft-ms --gap-ms --tokens}
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        Args a = Args.parse(args);
        Script script = Script.builder()
                .ttft(Duration.ofNanos((long) (a.dbl("ttft-ms", 200) * 1e6)))
                .gap(Duration.ofNanos((long) (a.dbl("gap-ms", 100) * 1e6)))
                .tokens(a.integer("tokens", 16))
                .build();
        ScriptedEngine engine = ScriptedEngine.builder().port(a.integer("port", 8091)).defaultScript(script).build();
        EngineHandle h = engine.start();
        // the engine keeps every request for takeRequest(); drain them so a long benchmark stays small
        Thread drain = new Thread(() -> {
            while (true) {
                engine.takeRequest(Duration.ofSeconds(1));
            }
        }, "drain-recorded-requests");
        drain.setDaemon(true);
        drain.start();
        System.out.println("baseUrl=" + h.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
