package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * A chunk key text longer than the checkpoint's column is refused, not cut: on MariaDB with {@code sql_mode=''} a
 * cut upper key would make the next run resume at another key.
 */
class CheckpointKeyLengthBreakTest {

    @Test
    void aChunkKeyLongerThanItsColumnFailsThePlanNamingTheLengthAndTheLimit() throws Exception {
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) {
            try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
                HikariConfig config = new HikariConfig();
                config.setDataSource(db.pool());
                config.setMaximumPoolSize(2);
                if (kind == TestDatabases.Kind.MARIADB) {
                    config.setConnectionInitSql("SET SESSION sql_mode = ''");
                }
                try (HikariDataSource lenient = new HikariDataSource(config)) {
                    Checkpoints checkpoints = new Checkpoints(lenient, Clock.systemUTC());
                    checkpoints.ensureHead("orders/orders/*", "settings");
                    String longKey = "k".repeat(4001);

                    try (Connection connection = lenient.getConnection()) {
                        checkpoints.plan(connection, "orders/orders/*",
                                new Checkpoints.Chunk(1, null, "k".repeat(4000), 10), false);
                        assertThatThrownBy(() -> checkpoints.plan(connection, "orders/orders/*",
                                new Checkpoints.Chunk(2, "k".repeat(4000), longKey, 10), true))
                                .as(kind.name()).isInstanceOf(IllegalArgumentException.class)
                                .hasMessageContaining("is 4001 characters long")
                                .hasMessageContaining("upper_key holds at most 4000");
                    }
                    assertThat(db.query("SELECT chunk_no, upper_key FROM dualwrite_backfill_checkpoint"
                            + " WHERE chunk_no > 0")).as(kind.name()).singleElement()
                            .satisfies(row -> assertThat(row.values()).contains("k".repeat(4000)));
                }
            }
        }
    }
}
