package io.qmeter.cli;

import io.qmeter.store.RunStatus;
import io.qmeter.sweep.ProgressListener;
import io.qmeter.sweep.SweepEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The progress of {@code qmeter run}: points done of the plan, their statuses, elapsed time and an
 * ETA (the mean time of the points finished in this session times the points left). On a terminal
 * it redraws one bar line once a second and prints events above it; otherwise ({@link Mode#LINES},
 * logs, pipes) it prints one line per event.
 *
 * <pre>{@code
 * ProgressBar bar = new ProgressBar(err, ProgressBar.Mode.LINES);
 * SweepCoordinator c = SweepCoordinator.builder(store).listener(bar).build();
 * }</pre>
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {

    /** How progress is shown. */
    public enum Mode {
        /** A bar on a terminal, lines otherwise. */
        AUTO,
        /** One bar line, redrawn (for terminals). */
        BAR,
        /** One line per event (for logs). */
        LINES,
        /** Nothing but the final summary. */
        NONE
    }

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final Mode mode;
    private final long t0 = System.nanoTime();
    private ScheduledExecutorService ticker;
    private int total;
    private int done;
    private int doneHere;
    private int ok;
    private int invalid;
    private int failed;
    private int cancelled;
    private String current = "";
    private boolean barShown;

    /**
     * Creates the progress display.
     *
     * @param out  where to write (standard error)
     * @param mode how to show progress; {@link Mode#AUTO} picks a bar when a terminal is attached
     */
    public ProgressBar(PrintWriter out, Mode mode) {
        this.out = out;
        this.mode = mode == Mode.AUTO ? (System.console() != null ? Mode.BAR : Mode.LINES) : mode;
        if (this.mode == Mode.BAR) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "qmeter-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::redraw, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** Called when a load run (a plan point or a search's probes) starts against the engine. */
    synchronized void loadRunStarted() {
        line("load run started" + (current.isEmpty() ? "" : " (" + current + ")"));
    }

    @Override
    public synchronized void onEvent(SweepEvent e) {
        if (e instanceof SweepEvent.PlanStarted s) {
            total = s.totalPoints();
            done = s.alreadyStored();
            line("plan " + s.planId() + ": " + s.totalPoints() + " points in " + s.configurations()
                    + (s.configurations() == 1 ? " configuration" : " configurations") + (s.alreadyStored() > 0 ? ", " + s.alreadyStored()
                    + " already stored (resuming)" : ""));
        } else if (e instanceof SweepEvent.ConfigurationStarted c) {
            current = c.configurationId();
            line("configuration " + c.configurationId() + ": starting the engine, " + c.pendingPoints()
                    + " points to run");
        } else if (e instanceof SweepEvent.ProbeDone p) {
            line(String.format(Locale.ROOT, "  search probe %d (%s) at %s: %s", p.index(), p.purpose(),
                    Double.isInfinite(p.ratePerSecond()) ? "max rate" : String.format(Locale.ROOT, "%.3g req/s",
                            p.ratePerSecond()), p.verdict()));
        } else if (e instanceof SweepEvent.SearchDone s) {
            line(String.format(Locale.ROOT, "  saturation point %s (%s)", Double.isNaN(s.saturationRate()) ? "not found"
                    : String.format(Locale.ROOT, "%.3g req/s", s.saturationRate()), s.stopReason()));
        } else if (e instanceof SweepEvent.RunDone r) {
            if (r.status() == RunStatus.CANCELLED) {
                cancelled++;
                line("  " + r.key().asString() + " CANCELLED: " + r.cause());
                return;
            }
            done++;
            doneHere++;
            switch (r.status()) {
                case OK -> ok++;
                case INVALID -> invalid++;
                default -> failed++;
            }
            line("  " + r.key().asString() + " " + r.status() + " in " + fmt(r.elapsed())
                    + (r.cause() == null ? "" : ": " + r.cause()) + "  [" + done + "/" + total + ", elapsed "
                    + fmt(elapsed()) + ", ETA " + eta() + "]");
        } else if (e instanceof SweepEvent.Failure f) {
            line("  engine failure" + (f.key() == null ? "" : " at " + f.key().asString()) + ": " + f.cause()
                    + (f.willRetry() ? " (restarting the engine, retrying)" : ""));
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private String eta() {
        int left = total - done;
        if (left <= 0) {
            return "0:00";
        }
        if (doneHere == 0) {
            return "--:--";
        }
        return fmt(elapsed().multipliedBy(left).dividedBy(doneHere));
    }

    private void line(String text) {
        if (mode == Mode.NONE) {
            return;
        }
        if (mode == Mode.BAR && barShown) {
            out.print("\r\033[2K");
        }
        out.println(text);
        if (mode == Mode.BAR) {
            drawBar();
        }
        out.flush();
    }

    private synchronized void redraw() {
        if (mode == Mode.BAR && total > 0) {
            out.print("\r\033[2K");
            drawBar();
            out.flush();
        }
    }

    private void drawBar() {
        if (total <= 0) {
            return;
        }
        int filled = (int) Math.round((double) WIDTH * done / total);
        out.print("[" + "=".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total + "  ok " + ok
                + ", invalid " + invalid + ", failed " + failed + "  elapsed " + fmt(elapsed()) + ", ETA " + eta());
        barShown = true;
    }

    /** Stops redrawing and ends the bar's line. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            ticker = null;
        }
        if (mode == Mode.BAR && barShown) {
            out.println();
            out.flush();
            barShown = false;
        }
    }

    static String fmt(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
