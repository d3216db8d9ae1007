package io.qmeter.workload;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * The replay order of a data-set workload: its items shuffled with the seed, served once or, when
 * cycled, repeated endlessly in that shuffled order. Shared by the workloads that replay a fixed list
 * of prompts ({@link ShareGptWorkload} and the quality module's data-set workloads).
 *
 * <pre>{@code
 * Iterator<PromptSpec> it = ShuffledReplay.of(items, seed, false, "my workload");
 * }</pre>
 */
public final class ShuffledReplay {

    private ShuffledReplay() {
    }

    /**
     * The items shuffled with {@code seed} (a copy; the list is not changed).
     *
     * @param items  the prompts to replay, not empty when {@code cycled}
     * @param seed   the shuffle seed
     * @param cycled whether to repeat the shuffled order endlessly
     * @param what   names the workload in the message of {@link NoSuchElementException} once it is
     *               used up
     * @return an iterator over the shuffled prompts
     */
    public static Iterator<PromptSpec> of(List<PromptSpec> items, long seed, boolean cycled, String what) {
        List<PromptSpec> order = new ArrayList<>(items);
        Collections.shuffle(order, new Random(seed));
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return cycled || i < order.size();
            }

            @Override
            public PromptSpec next() {
                if (!hasNext()) {
                    throw new NoSuchElementException(what + " has " + order.size() + " prompts");
                }
                return order.get(i++ % order.size());
            }
        };
    }
}
