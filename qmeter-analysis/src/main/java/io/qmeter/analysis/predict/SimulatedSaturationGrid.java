package io.qmeter.analysis.predict;

import io.qmeter.testkit.sim.GpuSpec;
import io.qmeter.testkit.sim.LengthDistribution;
import io.qmeter.testkit.sim.ModelSpec;
import io.qmeter.testkit.sim.QuantMethod;
import io.qmeter.testkit.sim.SimConfig;
import io.qmeter.testkit.sim.VirtualSaturationSearch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training data generated in virtual time by the testkit's simulated engine
 * ({@link VirtualSaturationSearch}) over the seed paper's grid (§8.1): Llama-2-7B, Llama-2-13B,
 * CodeLlama-34B and Llama-2-70B × the 12 methods × TP 1/2/4/8 × ShareGPT / HumanEval / NewsQA on
 * H100, TP 1/2/4 × the 8 methods without FP8 on A100, plus the 16 synthetic length pairs (inputs
 * 128/256/512/1024 × outputs 64/128/256/512) for CodeLlama-34B TP1 on H100 × the 12 methods.
 * Configurations that do not fit (70B FP16 on one GPU) are skipped with their reason, as are those
 * whose lowest rate already fails the SLO.
 *
 * <p><b>Needs {@code io.qmeter:qmeter-testkit} on the class path</b>: qmeter-analysis declares it
 * optional, so add it to your build to use this class.
 *
 * <p>Workloads: ShareGPT is the testkit's {@link LengthDistribution#shareGptLike()} (331 / 231
 * tokens); HumanEval (193 / 67) and NewsQA (806 / 200) are lognormals with those means (σ 0.4 /
 * 0.5 and 0.3 / 0.4: code prompts and news articles vary less than chat); synthetic pairs have
 * fixed lengths. The features record the realized mean lengths. SLO: P90 TTFT ≤ 1 s, P90 TPOT ≤
 * 200 ms.
 *
 * <pre>{@code
 * SimulatedSaturationGrid.Generated g = SimulatedSaturationGrid.seedGrid().requests(400).threads(2).generate();
 * System.out.println(g.points().size() + " points, " + g.skipped().size() + " skipped");
 * }</pre>
 */
public final class SimulatedSaturationGrid {

    /**
     * A workload of the grid.
     *
     * @param label   its label in the points
     * @param lengths the simulated lengths
     */
    public record Workload(String label, LengthDistribution lengths) {
        /** Checks the fields. */
        public Workload {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(lengths, "lengths");
        }
    }

    /**
     * One configuration of the grid.
     *
     * @param model          the model
     * @param method         the method
     * @param gpu            the GPU
     * @param tensorParallel TP
     * @param workload       the workload
     */
    public record Cell(ModelSpec model, QuantMethod method, GpuSpec gpu, int tensorParallel, Workload workload) {
        String label() {
            return String.format(Locale.ROOT, "%s %s %s TP%d %s", model.name(), method.name(), gpu.name(),
                    tensorParallel, workload.label());
        }
    }

    /**
     * What a generation produced.
     *
     * @param points     the saturation points
     * @param cells      the cell of each point, in the same order
     * @param skipped    configurations left out, each with its reason
     * @param searches   saturation searches run
     * @param runs       simulations run in all
     * @param wallMillis wall-clock time
     */
    public record Generated(List<SaturationPoint> points, List<Cell> cells, List<String> skipped, int searches,
                            long runs, long wallMillis) {
        /** Copies the lists. */
        public Generated {
            points = List.copyOf(points);
            cells = List.copyOf(cells);
            if (cells.size() != points.size()) {
                throw new IllegalArgumentException("one cell per point: " + cells.size() + " cells, " + points.size()
                        + " points");
            }
            skipped = List.copyOf(skipped);
        }
    }

    /** The seed's ShareGPT workload (331 / 231 tokens). */
    public static final Workload SHAREGPT = new Workload("sharegpt", LengthDistribution.shareGptLike());
    /** The seed's HumanEval workload (193 / 67 tokens). */
    public static final Workload HUMANEVAL = new Workload("humaneval",
            new LengthDistribution(193, 0.4, 16, 1024, 67, 0.5, 4, 512));
    /** The seed's NewsQA workload (806 / 200 tokens). */
    public static final Workload NEWSQA = new Workload("newsqa",
            new LengthDistribution(806, 0.3, 64, 3072, 200, 0.4, 8, 1024));

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)B", Pattern.CASE_INSENSITIVE);

    private final List<Cell> cells;
    private final int requests;
    private final double precision;
    private final long seed;
    private final int threads;

    private SimulatedSaturationGrid(List<Cell> cells, int requests, double precision, long seed, int threads) {
        this.cells = List.copyOf(cells);
        this.requests = requests;
        this.precision = precision;
        this.seed = seed;
        this.threads = threads;
    }

    /**
     * The seed's grid (see the class comment), 400 requests per simulation, 2 % precision, seed
     * 42, 2 threads.
     *
     * @return the grid
     */
    public static SimulatedSaturationGrid seedGrid() {
        List<ModelSpec> models = List.of(ModelSpec.LLAMA_2_7B, ModelSpec.LLAMA_2_13B, ModelSpec.CODELLAMA_34B,
                ModelSpec.LLAMA_2_70B);
        List<Workload> workloads = List.of(SHAREGPT, HUMANEVAL, NEWSQA);
        List<Cell> cells = new ArrayList<>();
        for (ModelSpec m : models) {
            for (QuantMethod q : QuantMethod.known()) {
                for (Workload w : workloads) {
                    for (int tp : new int[] {1, 2, 4, 8}) {
                        cells.add(new Cell(m, q, GpuSpec.H100_80GB, tp, w));
                    }
                    if (!q.needsFp8()) {
                        for (int tp : new int[] {1, 2, 4}) {
                            cells.add(new Cell(m, q, GpuSpec.A100_40GB, tp, w));
                        }
                    }
                }
            }
        }
        cells.addAll(syntheticCells());
        return new SimulatedSaturationGrid(cells, 400, 0.02, 42, 2);
    }

    /**
     * The 16 synthetic length pairs for CodeLlama-34B TP1 on H100 × the 12 methods (192 cells).
     *
     * @return the cells
     */
    public static List<Cell> syntheticCells() {
        List<Cell> cells = new ArrayList<>();
        for (QuantMethod q : QuantMethod.known()) {
            for (int in : new int[] {128, 256, 512, 1024}) {
                for (int out : new int[] {64, 128, 256, 512}) {
                    cells.add(new Cell(ModelSpec.CODELLAMA_34B, q, GpuSpec.H100_80GB, 1,
                            new Workload("synthetic-" + in + "-" + out, LengthDistribution.fixed(in, out))));
                }
            }
        }
        return cells;
    }

    /**
     * A grid of given cells.
     *
     * @param cells the configurations
     * @return the grid, with the defaults of {@link #seedGrid()}
     */
    public static SimulatedSaturationGrid of(List<Cell> cells) {
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("a grid needs at least one cell");
        }
        return new SimulatedSaturationGrid(cells, 400, 0.02, 42, 2);
    }

    /**
     * The cells.
     *
     * @return the configurations
     */
    public List<Cell> cells() {
        return cells;
    }

    /**
     * A smaller grid that still spans every factor. Of the cells with a synthetic workload (label
     * {@code synthetic-...}) it keeps all 16 length pairs of every ⌈k/2⌉-th method, so that the
     * held-out-length schemes still see every input and output length with the others; of the
     * other cells about one in k, on a diagonal: cell i is kept when {@code (i + i / k) % k == 0},
     * so that a factor cycling with period k (the 4 TPs) is not always sampled at the same value,
     * as a plain stride would.
     *
     * @param k at least 1 (1 keeps every cell)
     * @return the copy
     */
    public SimulatedSaturationGrid everyKth(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, was " + k);
        }
        int methodStride = (k + 1) / 2;
        List<Cell> c = new ArrayList<>();
        int i = 0;
        for (Cell cell : cells) {
            if (cell.workload().label().startsWith("synthetic-")) {
                if (QuantMethod.known().indexOf(cell.method()) % methodStride == 0) {
                    c.add(cell);
                }
            } else {
                if ((i + i / k) % k == 0) {
                    c.add(cell);
                }
                i++;
            }
        }
        return new SimulatedSaturationGrid(c, requests, precision, seed, threads);
    }

    /**
     * A copy with another number of requests per simulation.
     *
     * @param v at least 100
     * @return the copy
     */
    public SimulatedSaturationGrid requests(int v) {
        if (v < 100) {
            throw new IllegalArgumentException("requests must be >= 100 for a meaningful P90, was " + v);
        }
        return new SimulatedSaturationGrid(cells, v, precision, seed, threads);
    }

    /**
     * A copy with another search precision.
     *
     * @param v in (0, 1)
     * @return the copy
     */
    public SimulatedSaturationGrid precision(double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException("precision must be in (0, 1), was " + v);
        }
        return new SimulatedSaturationGrid(cells, requests, v, seed, threads);
    }

    /**
     * A copy with another seed (the traces').
     *
     * @param v the seed
     * @return the copy
     */
    public SimulatedSaturationGrid seed(long v) {
        return new SimulatedSaturationGrid(cells, requests, precision, v, threads);
    }

    /**
     * A copy with another number of worker threads.
     *
     * @param v at least 1
     * @return the copy
     */
    public SimulatedSaturationGrid threads(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("threads must be >= 1, was " + v);
        }
        return new SimulatedSaturationGrid(cells, requests, precision, seed, v);
    }

    /**
     * The configuration of a cell, as the simulator builds it.
     *
     * @param c the cell
     * @return the configuration
     * @throws IllegalArgumentException when it does not fit or the GPU lacks the method's formats
     */
    public static SimConfig configOf(Cell c) {
        return SimConfig.builder().gpu(c.gpu()).model(c.model()).quantization(c.method())
                .tensorParallel(c.tensorParallel()).build();
    }

    /**
     * A cell's saturation search.
     *
     * @param c the cell
     * @return the search builder with this grid's requests, precision and seed
     */
    public VirtualSaturationSearch.Builder searchOf(Cell c) {
        return VirtualSaturationSearch.builder(configOf(c)).lengths(c.workload().lengths()).requests(requests)
                .seed(seed).relativePrecision(precision);
    }

    /**
     * Model size in billions: the number before "B" in the name (7, 13, 34, 70), else the
     * parameter count.
     *
     * @param m the model
     * @return billions of parameters
     */
    public static double billions(ModelSpec m) {
        Matcher x = SIZE.matcher(m.name());
        return x.find() ? Double.parseDouble(x.group(1)) : m.totalParams() / 1e9;
    }

    /**
     * Runs every cell's search.
     *
     * @return the points, what was skipped and why, and the cost
     */
    public Generated generate() {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "qmeter-grid");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Cell c : cells) {
                futures.add(pool.submit(() -> run(c)));
            }
            List<SaturationPoint> points = new ArrayList<>();
            List<Cell> pointCells = new ArrayList<>();
            List<String> skipped = new ArrayList<>();
            long runs = 0;
            int searches = 0;
            for (int i = 0; i < futures.size(); i++) {
                Object o = futures.get(i).get();
                if (o instanceof Outcome out) {
                    points.add(out.point());
                    pointCells.add(cells.get(i));
                    runs += out.runs();
                    searches++;
                } else {
                    skipped.add((String) o);
                }
            }
            return new Generated(Collections.unmodifiableList(points), pointCells, skipped, searches, runs,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating the grid", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a saturation search of the grid failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private record Outcome(SaturationPoint point, int runs) {
    }

    private Object run(Cell c) {
        VirtualSaturationSearch s;
        try {
            s = searchOf(c).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return c.label() + ": " + e.getMessage();
        }
        VirtualSaturationSearch.Result r;
        try {
            r = s.run();
        } catch (IllegalStateException e) {
            return c.label() + ": " + e.getMessage();   // e.g. no failing rate up to 4096 req/s for this trace
        }
        if (!(r.saturationRate() > 0)) {
            return c.label() + ": no passing rate (even " + r.lowestFailRate() + " req/s fails the SLO)";
        }
        double[] means = c.workload().lengths().realizedMeans(20_000, 1L);
        return new Outcome(new SaturationPoint(billions(c.model()), c.method().name(),
                MethodBits.parse(c.method().name()), c.gpu().name(), c.tensorParallel(), c.workload().label(),
                Math.round(means[0]), Math.round(means[1]), r.saturationRate()), r.runs());
    }
}
