package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.Test;

class NewStoreColumnsTest {

    @Test
    void selectStarIsExpandedFromTheConnectionsOwnSchemaOnly() {
        try (TestDatabase newDb = TestDatabases.postgres()) {
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, status VARCHAR(20))",
                    "CREATE SCHEMA archive",
                    "CREATE TABLE archive.orders_v2 (id BIGINT PRIMARY KEY, status VARCHAR(20), archived_at TIMESTAMP)");

            assertThat(new NewStoreColumns(newDb.dataSource()).of("orders_v2")).containsExactly("id", "status");
        }
    }
}
