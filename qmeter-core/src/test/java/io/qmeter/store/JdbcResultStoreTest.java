package io.qmeter.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JdbcResultStoreTest {

    @Test
    void passwordsInUrlsNeverReachMessages() {
        assertThat(JdbcResultStore.redact("jdbc:postgresql://h/db?user=a&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=a&password=***&ssl=true");
        assertThatThrownBy(() -> ResultStore.postgres("jdbc:postgresql://127.0.0.1:1/x?password=s3cret&connectTimeout=2",
                "u", "p")).isInstanceOf(StoreException.class).hasMessageContaining("could not connect to")
                .hasMessageContaining("is the server running").hasMessageNotContaining("s3cret");
    }

    @Test
    void aUrlForAnotherDatabaseIsRefused() {
        assertThatThrownBy(() -> ResultStore.postgres("jdbc:mysql://h/db", "u", "p"))
                .hasMessageContaining("must start with jdbc:postgresql:");
    }
}
