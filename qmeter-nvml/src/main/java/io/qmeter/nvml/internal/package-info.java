/**
 * Internal: the NVML binding ({@link io.qmeter.nvml.internal.NvmlApi}, implemented over JNA by
 * {@link io.qmeter.nvml.internal.JnaNvml} and by a fake in the tests), the power sampler and its
 * ring buffer. Not public API: it may change in any release.
 */
package io.qmeter.nvml.internal;
