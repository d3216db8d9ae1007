package io.qmeter.testkit;

import io.qmeter.engine.EngineHandle;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link SimulatedEngine} as a standalone process, so that tests and examples can supervise
 * it as a real child process. Prints exactly one line on stdout when ready:
 * {@code qmeter-sim listening on http://127.0.0.1:PORT}. A crash fault exits the process with
 * status {@value #CRASH_EXIT_CODE}; SIGTERM closes the engine and exits 0; bad flags exit
 * {@value #USAGE_EXIT_CODE} with a message on stderr.
 *
 * <p>Flags: {@code --gpu H100-80GB --model llama-2-13b --quantization W4A16-INT --tp 1 --port 0
 * --dialect vllm|llama.cpp --seed 1 --served-model-name NAME --max-num-seqs N
 * --crash-after N --crash-at-seconds T --fault SPEC[@PROBABILITY] --fault SPEC#REQUEST_INDEX
 * --fault-seed S}, where SPEC is {@link Fault#parse(String)}'s syntax ({@code http:503},
 * {@code hang}, {@code stall:3}, {@code cut:5}, {@code malformed}, {@code drip:2s}, {@code crash}).
 *
 * <pre>{@code
 * java -cp ... io.qmeter.testkit.SimulatedEngineMain --model llama-2-7b --port 0 --crash-after 100
 * }</pre>
 */
public final class SimulatedEngineMain {

    /** Exit status after an injected crash. */
    public static final int CRASH_EXIT_CODE = 3;
    /** Exit status for bad flags. */
    public static final int USAGE_EXIT_CODE = 2;
    /** The prefix of the ready line on stdout. */
    public static final String READY_PREFIX = "qmeter-sim listening on ";

    private SimulatedEngineMain() {
    }

    /**
     * Starts the engine and blocks until the process is stopped or crashes.
     *
     * <pre>{@code
     * SimulatedEngineMain.main(new String[] {"--port", "8000", "--dialect", "llama.cpp"});
     * }</pre>
     *
     * @param args the flags (see the class comment)
     */
    public static void main(String[] args) {
        SimulatedEngine engine;
        try {
            engine = parse(args).onCrash(() -> {
                System.err.println("qmeter-sim: injected crash, exiting with status " + CRASH_EXIT_CODE);
                System.err.flush();
                Runtime.getRuntime().halt(CRASH_EXIT_CODE);
            }).build();
        } catch (IllegalArgumentException e) {
            usage(System.err, e.getMessage());
            System.exit(USAGE_EXIT_CODE);
            return;
        }
        EngineHandle handle = engine.start();
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(handle::close, "qmeter-sim-shutdown"));
        System.out.println(READY_PREFIX + handle.baseUrl());
        System.out.flush();
        try {
            forever.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Parses the flags into a builder (no side effects), so that the parsing can be tested.
     *
     * <pre>{@code
     * SimulatedEngine e = SimulatedEngineMain.parse(new String[] {"--tp", "2"}).build();
     * }</pre>
     *
     * @param args the flags
     * @return the builder
     * @throws IllegalArgumentException naming the bad flag
     */
    public static SimulatedEngine.Builder parse(String[] args) {
        SimulatedEngine.Builder b = SimulatedEngine.builder();
        FaultPlan.Builder faults = FaultPlan.builder();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new IllegalArgumentException("help requested");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String v = args[++i];
            try {
                switch (flag) {
                    case "--gpu":
                        b = b.gpu(v);
                        break;
                    case "--model":
                        b = b.model(v);
                        break;
                    case "--quantization":
                        b = b.quantization(v);
                        break;
                    case "--tp":
                    case "--tensor-parallel":
                        b = b.tensorParallel(Integer.parseInt(v));
                        break;
                    case "--port":
                        b = b.port(Integer.parseInt(v));
                        break;
                    case "--dialect":
                        b = b.dialect(Dialect.parse(v));
                        break;
                    case "--seed":
                        b = b.seed(Long.parseLong(v));
                        break;
                    case "--served-model-name":
                        b = b.servedModelName(v);
                        break;
                    case "--crash-after":
                        faults = faults.crashAfterRequests(Long.parseLong(v));
                        break;
                    case "--crash-at-seconds":
                        faults = faults.crashAt(Duration.ofNanos(Math.round(Double.parseDouble(v) * 1e9)));
                        break;
                    case "--fault-seed":
                        faults = faults.seed(Long.parseLong(v));
                        break;
                    case "--fault":
                        int at = v.indexOf('@');
                        int hash = v.indexOf('#');
                        if (hash >= 0) {
                            faults = faults.on(Long.parseLong(v.substring(hash + 1)), Fault.parse(v.substring(0, hash)));
                        } else if (at >= 0) {
                            faults = faults.withProbability(Double.parseDouble(v.substring(at + 1)),
                                    Fault.parse(v.substring(0, at)));
                        } else {
                            faults = faults.withProbability(1.0, Fault.parse(v));
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("unknown flag " + flag);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a number, was '" + v + "'", e);
            }
        }
        return b.faults(faults.build());
    }

    private static void usage(PrintStream out, String problem) {
        out.println("qmeter-sim: " + problem);
        out.println("usage: SimulatedEngineMain [--gpu H100-80GB] [--model llama-2-7b] [--quantization FP16] [--tp 1]");
        out.println("         [--port 0] [--dialect vllm|llama.cpp] [--seed 0] [--served-model-name NAME]");
        out.println("         [--crash-after N] [--crash-at-seconds T] [--fault SPEC[@P] | SPEC#INDEX]... [--fault-seed S]");
        out.println("  SPEC: crash | hang | stall:N | http:STATUS | malformed[:N] | cut:N | drip:DURATION");
    }
}
