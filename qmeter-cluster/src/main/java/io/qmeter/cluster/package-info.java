/**
 * qMeter cluster: Slurm and Kubernetes executors for plan points, exactly-once claims through the shared store, and the multi-host load merge.
 */
package io.qmeter.cluster;
