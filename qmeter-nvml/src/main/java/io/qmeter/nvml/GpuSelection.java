package io.qmeter.nvml;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which GPUs a sensor measures: all of them, some by NVML index or UUID, or those a
 * {@code CUDA_VISIBLE_DEVICES} value lets an engine see. A tensor- or data-parallel engine's GPUs
 * are all selected and their energy summed.
 *
 * <p>{@code CUDA_VISIBLE_DEVICES} is read the way CUDA reads it: unset means every GPU; an empty
 * value, {@code -1} or {@code NoDevFiles} means none; otherwise a comma-separated list of indices
 * and {@code GPU-} UUIDs (a unique prefix is enough), and the list ends at the first entry CUDA
 * would reject (an unknown index or UUID, a negative number, a word), which the resolution's
 * detail reports. MIG instances ({@code MIG-...}) are refused: NVML reports power and energy per
 * physical GPU only. Duplicates are refused. Indices count in NVML's PCI bus order, which matches
 * CUDA's only with {@code CUDA_DEVICE_ORDER=PCI_BUS_ID} (or identical GPUs); prefer UUIDs.
 *
 * <pre>{@code
 * GpuSelection.all();
 * GpuSelection.indices(0, 1);                       // tensor parallel over two GPUs
 * GpuSelection.cudaVisibleDevices("GPU-8932f937,1");
 * GpuSelection.fromEnvironment();                    // CUDA_VISIBLE_DEVICES of this process
 * }</pre>
 *
 * @param entries the entries as given (indices as decimal strings, UUIDs or prefixes); empty with
 *                {@code allGpus} true for every GPU
 * @param allGpus true to select every GPU
 * @param origin  where the selection came from, for messages (for example
 *                {@code CUDA_VISIBLE_DEVICES="0,1"})
 */
public record GpuSelection(List<String> entries, boolean allGpus, String origin) {

    /** Validates and copies. */
    public GpuSelection {
        entries = List.copyOf(entries);
        Objects.requireNonNull(origin, "origin");
        if (allGpus && !entries.isEmpty()) {
            throw new IllegalArgumentException("a selection of all GPUs must have no entries, had " + entries);
        }
    }

    /**
     * Every GPU NVML sees.
     *
     * @return the selection
     */
    public static GpuSelection all() {
        return new GpuSelection(List.of(), true, "all GPUs");
    }

    /**
     * GPUs by NVML index.
     *
     * @param indices indices, each &gt;= 0
     * @return the selection
     */
    public static GpuSelection indices(int... indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("indices must name at least one GPU, was empty; use all() for every GPU");
        }
        List<String> e = new ArrayList<>();
        for (int i : indices) {
            if (i < 0) {
                throw new IllegalArgumentException("GPU index must be >= 0, was " + i);
            }
            e.add(Integer.toString(i));
        }
        return new GpuSelection(e, false, "indices " + e);
    }

    /**
     * GPUs by UUID ({@code GPU-...}, a unique prefix is enough).
     *
     * @param uuids UUIDs or prefixes
     * @return the selection
     */
    public static GpuSelection uuids(String... uuids) {
        if (uuids.length == 0) {
            throw new IllegalArgumentException("uuids must name at least one GPU, was empty; use all() for every GPU");
        }
        for (String u : uuids) {
            if (u == null || !u.trim().toUpperCase(Locale.ROOT).startsWith("GPU-")) {
                throw new IllegalArgumentException("a GPU UUID must start with \"GPU-\" (see nvidia-smi -L), was " + u);
            }
        }
        return new GpuSelection(List.of(uuids), false, "UUIDs " + List.of(uuids));
    }

    /**
     * The GPUs a {@code CUDA_VISIBLE_DEVICES} value exposes.
     *
     * @param value the variable's value, or null when it is unset
     * @return the selection (resolved against the GPUs later)
     */
    public static GpuSelection cudaVisibleDevices(String value) {
        if (value == null) {
            return new GpuSelection(List.of(), true, "CUDA_VISIBLE_DEVICES unset (all GPUs)");
        }
        List<String> e = new ArrayList<>();
        String trimmed = value.trim();
        if (!trimmed.isEmpty()) {
            for (String part : trimmed.split(",", -1)) {
                e.add(part.trim());
            }
        }
        return new GpuSelection(e, false, "CUDA_VISIBLE_DEVICES=\"" + value + "\"");
    }

    /**
     * The GPUs this process's {@code CUDA_VISIBLE_DEVICES} exposes (every GPU when unset).
     *
     * @return the selection
     */
    public static GpuSelection fromEnvironment() {
        return cudaVisibleDevices(System.getenv("CUDA_VISIBLE_DEVICES"));
    }

    /**
     * The outcome of resolving a selection against the GPUs present.
     *
     * @param nvmlIndices the selected GPUs' NVML indices, in the selection's order (may be empty)
     * @param detail      how it was resolved: entries ignored, why nothing was selected
     */
    public record Resolved(List<Integer> nvmlIndices, String detail) {
        /** Copies the list. */
        public Resolved {
            nvmlIndices = List.copyOf(nvmlIndices);
        }
    }

    /**
     * Resolves the selection against the GPUs NVML sees.
     *
     * <pre>{@code
     * GpuSelection.cudaVisibleDevices("GPU-89,0").resolve(List.of("GPU-1234...", "GPU-8932...")).nvmlIndices() // [1, 0]
     * }</pre>
     *
     * @param uuidsByIndex the UUID of each GPU, by NVML index
     * @return the selected indices and a detail
     * @throws IllegalArgumentException for a MIG instance, an ambiguous UUID prefix, a duplicate,
     *                                  or (for {@link #indices}/{@link #uuids}, which are explicit)
     *                                  any entry that names no GPU
     */
    public Resolved resolve(List<String> uuidsByIndex) {
        if (allGpus) {
            List<Integer> every = new ArrayList<>();
            for (int i = 0; i < uuidsByIndex.size(); i++) {
                every.add(i);
            }
            return new Resolved(every, origin + ": " + every.size() + " GPU(s)");
        }
        boolean fromCuda = origin.startsWith("CUDA_VISIBLE_DEVICES");
        if (entries.isEmpty() || entries.size() == 1 && ("NoDevFiles".equals(entries.get(0))
                || "-1".equals(entries.get(0)))) {
            return new Resolved(List.of(), origin + " hides every GPU from CUDA, so there is nothing to measure;"
                    + " unset it or list the engine's GPUs");
        }
        for (String e : entries) {
            if (e.toUpperCase(Locale.ROOT).startsWith("MIG-")) {
                throw new IllegalArgumentException(origin + " names MIG instance \"" + e + "\": NVML reports power and"
                        + " energy per physical GPU, not per MIG instance; expected GPU indices or GPU- UUIDs; measure"
                        + " the whole GPU (by its GPU- UUID) and note that every instance on it is counted");
            }
        }
        Set<Integer> chosen = new LinkedHashSet<>();
        String stopped = "";
        for (String e : entries) {
            int index = match(e, uuidsByIndex);
            if (index < 0) {
                String why = index == -2 ? "a negative index" : index == -3 ? "no GPU has this index"
                        : index == -4 ? "no GPU has this UUID" : "neither an index nor a GPU- UUID";
                if (!fromCuda) {
                    throw new IllegalArgumentException(origin + ": \"" + e + "\" selects no GPU (" + why + "); expected one"
                            + " of indices 0.." + (uuidsByIndex.size() - 1) + " or UUIDs " + uuidsByIndex);
                }
                stopped = "; CUDA stops reading at \"" + e + "\" (" + why + "), so later entries are ignored";
                break;
            }
            if (!chosen.add(index)) {
                throw new IllegalArgumentException(origin + " names GPU " + index + " (" + uuidsByIndex.get(index)
                        + ") twice; expected each GPU once (CUDA refuses duplicates too)");
            }
        }
        List<Integer> list = new ArrayList<>(chosen);
        String detail = origin + " selects NVML GPU(s) " + list + stopped;
        if (list.isEmpty()) {
            detail += "; nothing to measure";
        }
        return new Resolved(list, detail);
    }

    /** Index, or -1 not understood, -2 negative, -3 out of range, -4 unknown UUID. */
    private static int match(String entry, List<String> uuids) {
        if (entry.matches("[+-]?\\d+")) {
            long v;
            try {
                v = Long.parseLong(entry.startsWith("+") ? entry.substring(1) : entry);
            } catch (NumberFormatException tooBig) {
                return -3;
            }
            if (v < 0) {
                return -2;
            }
            return v < uuids.size() ? (int) v : -3;
        }
        String upper = entry.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("GPU-")) {
            return -1;
        }
        int found = -4;
        for (int i = 0; i < uuids.size(); i++) {
            if (uuids.get(i).toUpperCase(Locale.ROOT).startsWith(upper)) {
                if (found >= 0) {
                    throw new IllegalArgumentException("UUID prefix \"" + entry + "\" matches several GPUs ("
                            + uuids.get(found) + ", " + uuids.get(i) + "); expected a prefix that names one GPU");
                }
                found = i;
            }
        }
        return found;
    }
}
