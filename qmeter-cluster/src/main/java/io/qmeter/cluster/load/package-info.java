/**
 * Several client processes (on one host or several) sending one load together: a seeded schedule
 * split into shards ({@link io.qmeter.cluster.load.ShardedLoad}), one process per shard
 * ({@link io.qmeter.cluster.load.LoadShardMain}, or {@link io.qmeter.cluster.load.LocalLauncher} for
 * processes on this host) writing HdrHistogram interval logs ({@link io.qmeter.cluster.load.ShardLog}),
 * and their merge into one result as one process would have reported it
 * ({@link io.qmeter.cluster.load.LoadMerge}).
 *
 * <pre>{@code
 * MergedLoad m = LocalLauncher.of(ShardedLoad.of(url, "m", 3000, 180_000, 3)).run(Path.of("out"));
 * }</pre>
 */
package io.qmeter.cluster.load;
