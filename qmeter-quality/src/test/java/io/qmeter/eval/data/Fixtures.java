package io.qmeter.eval.data;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The small dataset fixtures written for these tests ({@code src/test/resources/datasets}). */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * A fixture file.
     *
     * @param name its name
     * @return its path
     */
    public static Path file(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/datasets/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test fixture datasets/" + name + " is missing", e);
        }
    }
}
