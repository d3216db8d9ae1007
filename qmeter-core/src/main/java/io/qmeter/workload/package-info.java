/**
 * Workloads: seeded sources of prompts (the {@link io.qmeter.workload.Workload} SPI), synthetic
 * token-id workloads with exact lengths, and ShareGPT replay.
 */
package io.qmeter.workload;
