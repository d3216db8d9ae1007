package io.qmeter.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.qmeter.metrics.RequestRecord;
import java.util.List;
import java.util.PrimitiveIterator;

/** Asserts that records were scheduled exactly on an arrival process's offsets. */
final class PrimitiveIteratorCheck {

    private PrimitiveIteratorCheck() {
    }

    static void assertOffsets(List<RequestRecord> records, ArrivalProcess a, long seed) {
        PrimitiveIterator.OfLong it = a.offsetsNanos(seed);
        for (RequestRecord r : records) {
            assertThat(r.scheduledNanos()).as("scheduled offset of #" + r.index()).isEqualTo(it.nextLong());
        }
    }
}
