package io.qmeter.sweep;

import io.qmeter.client.LlmClient;
import io.qmeter.engine.Engine;
import io.qmeter.engine.EngineException;
import io.qmeter.engine.EngineHandle;
import io.qmeter.engine.Health;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running engine of one configuration: start (with retries and a bounded exponential backoff
 * between them), restart, health, log tail, and the watch each run goes through. Used by one
 * configuration task at a time, so it needs no locks.
 */
final class EngineSession implements AutoCloseable {

    static final int LOG_LINES = 50;
    private static final Logger LOG = LoggerFactory.getLogger(EngineSession.class);

    private final SweepRuntime rt;
    private final Engine engine;
    private final String cid;
    private EngineHandle handle;
    private List<String> lastTail = List.of();
    private String deadCause;
    private int failuresInRow;
    private int restarts;

    EngineSession(SweepRuntime rt, Engine engine, String cid) {
        this.rt = rt;
        this.engine = engine;
        this.cid = cid;
    }

    /** The running engine's handle; null before a successful start and after a failed restart. */
    EngineHandle handle() {
        return handle;
    }

    /**
     * Makes the engine ready for the next attempt of a point: restarts it when it is not healthy.
     *
     * @return null when it is ready, else why it cannot be (the engine is dead for good)
     */
    String readyForAttempt() {
        if (deadCause != null) {
            return deadCause;
        }
        if (!healthy() && !restartQuietly()) {
            return deadCause;
        }
        return null;
    }

    /** Why the engine is given up on (start failed every attempt), or null. */
    String deadCause() {
        return deadCause;
    }

    /** Restarts after failures so far. */
    int restarts() {
        return restarts;
    }

    /**
     * Starts the engine, up to {@code maxAttempts} times, waiting {@link #backoff} between attempts.
     *
     * @throws EngineFailure with the last cause and log tail when no attempt gave a healthy engine
     */
    void start() {
        String cause = null;
        for (int i = 1; i <= rt.cfg.maxAttempts && !rt.isCancelled(); i++) {
            if (failuresInRow > 0 && !rt.pause(backoff(failuresInRow))) {
                break;
            }
            try {
                handle = engine.start();
                String h = awaitHealthy(handle);
                if (h == null && !claimGpus()) {
                    h = "cancelled while waiting for GPUs " + handle.gpuIndices() + " held by another configuration";
                }
                if (h == null) {
                    deadCause = null;
                    return;
                }
                cause = h;
                lastTail = handle.logTail(LOG_LINES);
                handle.close();
                handle = null;
            } catch (EngineException e) {
                cause = e.getMessage();
                lastTail = e.logTail();
                if (!e.retryable()) {
                    LOG.warn("{}: engine start {} failed and a retry cannot help: {}", cid, i, cause);
                    deadCause = "the engine cannot start (attempt " + i + " of " + rt.cfg.maxAttempts
                            + ", not retried): " + cause;
                    throw new EngineFailure(deadCause, lastTail);
                }
            } catch (RuntimeException e) {
                cause = e.toString();
            }
            failuresInRow++;
            LOG.warn("{}: engine start {} of {} failed: {}", cid, i, rt.cfg.maxAttempts, cause);
        }
        deadCause = "the engine did not start after " + rt.cfg.maxAttempts + " attempts: " + cause;
        throw new EngineFailure(deadCause, lastTail);
    }

    /**
     * The wait before the next start after {@code failures} failures in a row: the builder's
     * initial backoff doubled per failure, capped at its maximum.
     */
    Duration backoff(int failures) {
        Duration d = rt.cfg.restartBackoff;
        for (int i = 1; i < failures && d.compareTo(rt.cfg.restartBackoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(rt.cfg.restartBackoffMax) > 0 ? rt.cfg.restartBackoffMax : d;
    }

    private String awaitHealthy(EngineHandle h) {
        long deadline = System.nanoTime() + rt.cfg.startTimeout.toNanos();
        Health last = h.health();
        while (!last.isUp()) {
            if (System.nanoTime() > deadline || rt.isCancelled()) {
                return "the engine was not healthy within " + rt.cfg.startTimeout + ": " + last.detail();
            }
            try {
                Thread.sleep(200); // polling an engine that is starting, with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rt.cancel();
                return "interrupted";
            }
            last = h.health();
        }
        return null;
    }

    /**
     * Claims the started engine's GPUs in the plan's ledger. When another configuration holds one
     * of them, this engine is stopped, the GPUs awaited and the engine started again (no attempt
     * is counted: the configurations are serialized, not failed).
     *
     * @return true once claimed (or when the engine reports no GPUs); false when cancelled
     */
    private boolean claimGpus() {
        while (true) {
            List<Integer> gpus = handle.gpuIndices();
            Optional<String> other = rt.gpus.tryClaim(cid, gpus);
            if (other.isEmpty()) {
                return true;
            }
            LOG.info("{}: its engine serves from GPUs {}, in use by configuration {}; stopping it until they are "
                    + "free, so that the two never share a GPU at once", cid, gpus, other.get());
            handle.close();
            handle = null;
            try {
                while (!rt.gpus.awaitFree(cid, gpus, Duration.ofSeconds(1))) {
                    if (rt.isCancelled()) {
                        return false;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rt.cancel();
                return false;
            }
            handle = engine.start();
            String h = awaitHealthy(handle);
            if (h != null) {
                List<String> tail = handle.logTail(LOG_LINES);
                handle.close();
                handle = null;
                throw new EngineException(h, tail, null);
            }
        }
    }

    /** A run on this engine completed: the next failure starts the backoff from its beginning. */
    void succeeded() {
        failuresInRow = 0;
    }

    /**
     * Stops the engine and starts it again after the backoff.
     *
     * @return whether it is healthy again
     */
    boolean restartQuietly() {
        lastTail = logTail();
        if (handle != null) {
            handle.close();
            handle = null;
        }
        rt.gpus.release(cid);
        restarts++;
        failuresInRow++;
        LOG.info("{}: restarting the engine (restart {})", cid, restarts);
        try {
            start();
            return true;
        } catch (EngineFailure e) {
            return false;
        }
    }

    boolean healthy() {
        return handle != null && handle.health().isUp();
    }

    List<String> logTail() {
        if (handle != null) {
            List<String> t = handle.logTail(LOG_LINES);
            if (!t.isEmpty()) {
                return t;
            }
        }
        return lastTail;
    }

    EngineWatch newWatch(Duration requestTimeout) {
        LlmClient c = LlmClient.create(handle.baseUrl()).firstTokenTimeout(rt.cfg.firstTokenTimeout)
                .idleTimeout(rt.cfg.idleTimeout);
        if (requestTimeout != null) {
            c = c.requestTimeout(requestTimeout);
        }
        return new EngineWatch(c, handle, rt.cfg.stallTimeout);
    }

    @Override
    public void close() {
        if (handle != null) {
            handle.close();
            handle = null;
        }
        rt.gpus.release(cid);
    }
}
