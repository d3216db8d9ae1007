package io.qmeter.testkit.tck;

import io.qmeter.store.ResultStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC store on SQLite (the default store) honours the ResultStore contract, second handle included. */
class SqliteResultStoreCompatibilityTest extends ResultStoreCompatibilityKit {

    @TempDir
    Path dir;
    private Path file;
    private int n;

    @Override
    protected ResultStore createStore() {
        file = dir.resolve("runs-" + (n++) + ".db");
        return ResultStore.sqlite(file);
    }

    @Override
    protected ResultStore reopen() {
        return ResultStore.sqlite(file);
    }
}
