package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * An update of a PostgreSQL view by a condition that is not its key: the view's rows are not selected first
 * (PostgreSQL refuses {@code FOR UPDATE} on views that are not simple, and which ones it accepts is not in the
 * catalog; unlocked, another transaction could swap which row matches between the select and the update without
 * changing the count). The write records a scoped resync instead, and the caller's update runs as written.
 */
class ViewPreselectRaceTest {

    @Test
    void postgresViewUpdateByAConditionRecordsAScopedResyncAndRunsAsWritten() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders_base (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "CREATE VIEW orders AS SELECT id, qty FROM orders_base",
                    "INSERT INTO orders_base VALUES ('a', 5), ('b', 1)");
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS, "INSERT INTO orders_v2 VALUES ('a', 5), ('b', 1)");

            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 0 WHERE qty = 5")).isEqualTo(1);

            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsEntry("a", "0").containsEntry("b", "1");
            assertThat(fixture.scopedResyncs()).extracting(ChangeRecord::reason).isNotEmpty();
        }
    }
}
