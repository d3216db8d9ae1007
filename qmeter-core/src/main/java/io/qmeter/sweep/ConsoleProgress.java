package io.qmeter.sweep;

import io.qmeter.store.RunStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A console progress bar with an ETA for long plans: one line per stored point (or, on a
 * terminal, one line redrawn in place), plus a line per probe, per failure and per saturation search.
 * ETA = elapsed ÷ points stored in this run × points left; it is shown once a point was stored.
 *
 * <pre>{@code
 * SweepCoordinator c = SweepCoordinator.builder(store).listener(ConsoleProgress.toTerminal(System.out)).build();
 * // [##########..........] 10/20 points (2 resumed, 1 failed)  elapsed 1m05s  ETA 1m05s  cfg-a @ 0.5sat OK
 * }</pre>
 */
public final class ConsoleProgress implements ProgressListener {

    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean inPlace;
    private final LongSupplier nanoClock;
    private long startNanos;
    private int total;
    private int resumed;
    private int done;
    private int failed;
    private int cancelled;

    private ConsoleProgress(PrintStream out, boolean inPlace, LongSupplier nanoClock) {
        this.out = Objects.requireNonNull(out, "out");
        this.inPlace = inPlace;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Progress on a terminal's stream (the caller's choice, e.g. {@code System.out} in a main):
     * redrawn in place when a console is attached, one line per event otherwise. The library
     * itself never writes to standard output.
     *
     * <pre>{@code
     * builder.listener(ConsoleProgress.toTerminal(System.out));
     * }</pre>
     *
     * @param out where to print
     * @return the listener
     */
    public static ConsoleProgress toTerminal(PrintStream out) {
        return new ConsoleProgress(out, System.console() != null, System::nanoTime);
    }

    /**
     * Progress on a stream, one line per event (no redrawing).
     *
     * @param out where to print
     * @return the listener
     */
    public static ConsoleProgress to(PrintStream out) {
        return new ConsoleProgress(out, false, System::nanoTime);
    }

    /**
     * Progress on a stream with a given clock (tests).
     *
     * @param out       where to print
     * @param nanoClock monotonic nanoseconds
     * @return the listener
     */
    public static ConsoleProgress to(PrintStream out, LongSupplier nanoClock) {
        return new ConsoleProgress(out, false, nanoClock);
    }

    @Override
    public synchronized void onEvent(SweepEvent event) {
        if (event instanceof SweepEvent.PlanStarted s) {
            startNanos = nanoClock.getAsLong();
            total = s.totalPoints();
            resumed = s.alreadyStored();
            done = 0;
            failed = 0;
            line(String.format(Locale.ROOT, "plan %s: %d points over %d configurations, %d already stored, "
                    + "parallelism %d", s.planId(), s.totalPoints(), s.configurations(), s.alreadyStored(),
                    s.parallelism()));
        } else if (event instanceof SweepEvent.ProbeDone d) {
            line(String.format(Locale.ROOT, "%s: probe %d at %s x %d -> %s (%s)", d.configurationId(), d.index(),
                    Double.isInfinite(d.ratePerSecond()) ? "burst" : String.format(Locale.ROOT, "%.2f req/s",
                            d.ratePerSecond()), d.requests(), d.verdict(), format(d.elapsed())));
        } else if (event instanceof SweepEvent.SearchDone d) {
            line(String.format(Locale.ROOT, "%s: saturation %s (%s, %d probes)", d.configurationId(),
                    Double.isNaN(d.saturationRate()) ? "not found" : String.format(Locale.ROOT, "%.2f req/s",
                            d.saturationRate()), d.stopReason(), d.probes()));
        } else if (event instanceof SweepEvent.Failure f) {
            line(String.format(Locale.ROOT, "%s%s: FAILURE %s%s", f.configurationId(),
                    f.key() == null ? "" : " @ " + f.key().rateLabel() + "#" + f.key().repetition(), f.cause(),
                    f.willRetry() ? " -- restarting and retrying" : ""));
        } else if (event instanceof SweepEvent.RunDone r) {
            if (r.status() == RunStatus.CANCELLED) {
                // stopped midway: not done (a re-run of the plan runs it again), so not in the count or the ETA
                cancelled++;
            } else {
                done++;
                if (r.status() == RunStatus.FAILED) {
                    failed++;
                }
            }
            bar(r);
        } else if (event instanceof SweepEvent.PlanDone p) {
            SweepReport rep = p.report();
            if (inPlace) {
                out.println();
            }
            out.printf(Locale.ROOT, "plan %s %s: %d ok, %d invalid, %d failed, %d resumed, %d left, in %s%n",
                    rep.planId(), rep.cancelled() ? "CANCELLED" : "done", rep.ok(), rep.invalid(), rep.failed(),
                    rep.skipped(), rep.remaining(), format(rep.elapsed()));
            out.flush();
        }
    }

    private void bar(SweepEvent.RunDone r) {
        int finished = resumed + done;
        int filled = total == 0 ? WIDTH : (int) Math.round(WIDTH * (double) finished / total);
        long elapsed = nanoClock.getAsLong() - startNanos;
        int left = Math.max(0, total - finished);
        String eta = done == 0 ? "?" : format(Duration.ofNanos((long) ((double) elapsed / done * left)));
        String text = String.format(Locale.ROOT, "[%s%s] %d/%d points (%d resumed, %d failed%s)  elapsed %s  ETA %s  "
                        + "%s @ %s#%d %s", "#".repeat(filled), ".".repeat(WIDTH - filled), finished, total, resumed,
                failed, cancelled == 0 ? "" : ", " + cancelled + " cancelled", format(Duration.ofNanos(elapsed)), eta, r.key().configurationId(), r.key().rateLabel(),
                r.key().repetition(), r.status());
        if (inPlace) {
            out.print("\r" + text);
            out.flush();
        } else {
            line(text);
        }
    }

    private void line(String s) {
        if (inPlace) {
            out.print("\r");
        }
        out.println(s);
        out.flush();
    }

    /**
     * Formats a duration as {@code 1h02m}, {@code 3m05s} or {@code 12s}.
     *
     * @param d the duration
     * @return the text
     */
    static String format(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return s + "s";
    }
}
