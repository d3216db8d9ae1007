package io.qmeter.testkit.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.qmeter.workload.PromptSpec;
import io.qmeter.workload.Workload;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Workload} honours. Extend it in the workload's test and implement
 * {@link #createWorkload()}; every test here runs against it.
 *
 * <p>What is checked: {@code name()} is not blank and {@code describe()} is not null; the same seed
 * gives the same prompts in the same order; each {@code prompts(seed)} call opens a fresh sequence
 * that other sequences do not advance; every prompt has at least one input and one output token and
 * its text or token ids; a finite workload, once {@code hasNext()} is false, stays exhausted and
 * {@code next()} throws {@link NoSuchElementException}. The kit reads at most
 * {@link #sampleSize()} prompts of a sequence, so endless workloads pass too.
 *
 * <pre>{@code
 * class SyntheticWorkloadCompatibilityTest extends WorkloadCompatibilityKit {
 *     protected Workload createWorkload() { return SyntheticWorkload.fixed(331, 231); }
 * }
 * }</pre>
 */
public abstract class WorkloadCompatibilityKit {

    /** The workload under test, created before each test. */
    protected Workload workload;

    /** Creates the kit; subclasses implement {@link #createWorkload()}. */
    protected WorkloadCompatibilityKit() {
    }

    /**
     * Creates the workload under test. Called before each test.
     *
     * <pre>{@code
     * protected Workload createWorkload() { return ShareGptWorkload.fromFile(Path.of("small.json")); }
     * }</pre>
     *
     * @return the workload
     * @throws Exception when the workload cannot be made (a missing data file)
     */
    protected abstract Workload createWorkload() throws Exception;

    /**
     * How many prompts of a sequence the kit reads at most.
     *
     * <pre>{@code
     * protected int sampleSize() { return 50; }
     * }</pre>
     *
     * @return the number, 200 by default
     */
    protected int sampleSize() {
        return 200;
    }

    @BeforeEach
    void createTheWorkload() throws Exception {
        workload = createWorkload();
        assertNotNull(workload, "createWorkload() returned null; return the workload under test");
    }

    private List<PromptSpec> take(Iterator<PromptSpec> it, int n) {
        List<PromptSpec> out = new ArrayList<>();
        while (out.size() < n && it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }

    private Iterator<PromptSpec> open(long seed) {
        Iterator<PromptSpec> it = workload.prompts(seed);
        assertNotNull(it, "prompts(" + seed + ") returned null");
        return it;
    }

    @Test
    @DisplayName("name is not blank and describe() is not null")
    void nameAndDescribe() {
        assertNotNull(workload.name(), "name() is null");
        assertFalse(workload.name().isBlank(), "name() is blank");
        assertNotNull(workload.describe(), "describe() is null");
    }

    @Test
    @DisplayName("the same seed gives the same prompts in the same order")
    void sameSeedSamePrompts() {
        List<PromptSpec> a = take(open(42L), sampleSize());
        List<PromptSpec> b = take(createFresh().prompts(42L), sampleSize());
        assertFalse(a.isEmpty(), "prompts(42) gave no prompt at all");
        assertEquals(a, b, "two workloads made alike gave different prompts for seed 42");
        assertEquals(a, take(open(42L), sampleSize()), "a second prompts(42) call gave other prompts");
    }

    @Test
    @DisplayName("each prompts(seed) call opens a fresh sequence that others do not advance")
    void sequencesAreIndependent() {
        int n = Math.min(10, sampleSize());
        Iterator<PromptSpec> first = open(7L);
        List<PromptSpec> head = take(first, n);
        Iterator<PromptSpec> second = open(7L);
        List<PromptSpec> fromSecond = take(second, n);
        assertEquals(head, fromSecond, "a new sequence must start from the beginning");
        List<PromptSpec> restOfFirst = take(first, n);
        Iterator<PromptSpec> third = open(7L);
        take(third, n);
        assertEquals(take(third, n), restOfFirst, "reading one sequence must not advance another");
    }

    @Test
    @DisplayName("every prompt has input tokens, output tokens and text or token ids")
    void promptsAreWellFormed() {
        List<PromptSpec> prompts = take(open(3L), sampleSize());
        for (int i = 0; i < prompts.size(); i++) {
            PromptSpec p = prompts.get(i);
            assertNotNull(p, "prompt #" + i + " is null");
            assertTrue(p.inputTokens() >= 1, "prompt #" + i + " has " + p.inputTokens() + " input tokens");
            assertTrue(p.outputTokens() >= 1, "prompt #" + i + " asks for " + p.outputTokens() + " output tokens");
            assertTrue(p.isTokens() ? p.tokenIds().length > 0 : p.text() != null && !p.text().isEmpty(),
                    "prompt #" + i + " has neither text nor token ids");
        }
    }

    @Test
    @DisplayName("optional: a finite workload stays exhausted and next() then throws NoSuchElementException")
    void exhaustion() {
        Iterator<PromptSpec> it = open(11L);
        take(it, sampleSize());
        assumeTrue(!it.hasNext(), "endless, or longer than sampleSize(): nothing to check");
        assertFalse(it.hasNext(), "hasNext() must stay false once false");
        assertThrows(NoSuchElementException.class, it::next, "next() after the end must throw NoSuchElementException");
    }

    private Workload createFresh() {
        try {
            Workload w = createWorkload();
            assertNotNull(w, "createWorkload() returned null");
            return w;
        } catch (Exception e) {
            throw new AssertionError("createWorkload() failed the second time: " + e, e);
        }
    }
}
