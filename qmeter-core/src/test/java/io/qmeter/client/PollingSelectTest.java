package io.qmeter.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The event loop sleeps as Netty's default strategy would, except before a due request, when it polls
 * (a non-blocking select) until the due time has passed.
 */
class PollingSelectTest {

    private static final int READY = 3;
    private final IntSupplier selectNow = () -> READY;

    @Test
    void sleepsUnlessThereAreTasks() throws Exception {
        PollingSelect s = new PollingSelect();
        assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(s.calculateStrategy(selectNow, true)).isEqualTo(READY);
    }

    @Test
    void pollsUntilTheDueTimeThenSleepsAgain() throws Exception {
        PollingSelect s = new PollingSelect();
        s.pollUntil(System.nanoTime() + 3_600_000_000_000L); // an hour ahead: still polling at every ask
        for (int i = 0; i < 3; i++) {
            assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(READY);
        }
        s.pollUntil(System.nanoTime() - 1); // passed
        assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void thePoolStopsThePollingWhenItsDueTimerHasRun() throws Exception {
        PollingSelect s = new PollingSelect();
        s.pollUntil(System.nanoTime() + 3_600_000_000_000L);
        assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(READY);
        s.stopPolling();
        assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
    }

    @Test
    void anInertStrategyNeverPolls() throws Exception {
        PollingSelect s = PollingSelect.inert();
        s.pollUntil(System.nanoTime() + 3_600_000_000_000L);
        assertThat(s.calculateStrategy(selectNow, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(s.calculateStrategy(selectNow, true)).isEqualTo(READY);
    }

    @Test
    void theFactoryKeepsOneStrategyPerLoopInOrder() {
        PollingSelect.Factory f = new PollingSelect.Factory();
        SelectStrategy a = f.newSelectStrategy();
        SelectStrategy b = f.newSelectStrategy();
        assertThat(f.made()).containsExactly((PollingSelect) a, (PollingSelect) b);
    }
}
