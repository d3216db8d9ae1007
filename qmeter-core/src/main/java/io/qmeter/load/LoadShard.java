package io.qmeter.load;

/**
 * Which part of one seeded schedule a load process sends when several client processes (or hosts)
 * share one load: shard {@code index} of {@code count} sends arrival {@code i} exactly when
 * {@code i mod count == index}, that is every {@code count}-th arrival starting at {@code index}.
 * Every process still draws the whole schedule and the whole workload from the same seed, so the
 * requests it sends are the very requests (same index, same due time, same prompt) the one-process
 * run sends; the shards together send each arrival exactly once.
 *
 * <p>Why every N-th arrival rather than a hash of the index: each process gets the same share to
 * within one request (a hash split leaves a binomial imbalance), each process's gaps between due
 * times are N consecutive gaps of the whole schedule (so the tight bursts that make one client
 * fall behind are spread over the hosts), and the split needs no hash function to agree on.
 *
 * <pre>{@code
 * LoadRun all = QMeter.load(url).model("m").workload(QMeter.synthetic(128, 64))
 *         .arrivals(QMeter.poisson(2000)).requests(60_000).seed(7).build();
 * LoadRun mine = all.withShard(LoadShard.of(1, 3));   // arrivals 1, 4, 7, ...
 * }</pre>
 *
 * @param index this process's shard, {@code 0 <= index < count}
 * @param count how many processes share the schedule, &gt; 0
 */
public record LoadShard(int index, int count) {

    /** Validates the shard. */
    public LoadShard {
        if (count < 1) {
            throw new IllegalArgumentException("shard count must be > 0, was " + count);
        }
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard index must be in [0, " + count + "), was " + index);
        }
    }

    /**
     * Shard {@code index} of {@code count}.
     *
     * @param index the shard, {@code 0 <= index < count}
     * @param count the number of shards, &gt; 0
     * @return the shard
     */
    public static LoadShard of(int index, int count) {
        return new LoadShard(index, count);
    }

    /**
     * The whole schedule: one process sends every arrival.
     *
     * @return shard 0 of 1
     */
    public static LoadShard whole() {
        return new LoadShard(0, 1);
    }

    /**
     * Parses {@code "i/n"} (as {@link #toString()} writes it).
     *
     * @param text for example {@code "1/3"}
     * @return the shard
     * @throws IllegalArgumentException when the text is not {@code i/n} with valid numbers
     */
    public static LoadShard parse(String text) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException("shard must be written index/count, e.g. 0/3, was '" + text + "'");
        }
        try {
            return new LoadShard(Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shard must be written index/count, e.g. 0/3, was '" + text + "'", e);
        }
    }

    /**
     * Whether this shard sends the arrival with this schedule index.
     *
     * @param arrivalIndex the 0-based position in the whole schedule
     * @return true when {@code arrivalIndex mod count == index}
     */
    public boolean takes(long arrivalIndex) {
        return Math.floorMod(arrivalIndex, (long) count) == index;
    }

    /**
     * Whether this is the whole schedule (one shard).
     *
     * @return true for shard 0 of 1
     */
    public boolean isWhole() {
        return count == 1;
    }

    /**
     * How many of the first {@code total} arrivals this shard sends.
     *
     * @param total arrivals in the whole schedule, &ge; 0
     * @return {@code ceil((total - index) / count)}, at least 0
     */
    public long share(long total) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, was " + total);
        }
        return total <= index ? 0 : (total - index + count - 1) / count;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
