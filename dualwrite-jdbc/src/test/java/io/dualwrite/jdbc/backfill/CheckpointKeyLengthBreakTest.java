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
 * cut upper key would make the next run resume at another key. The columns are those of a table created before
 * round 22 ({@code VARCHAR(4000)}); a table created since holds longer keys, which the limit read from it follows.
 */
class CheckpointKeyLengthBreakTest {

    @Test
    void aChunkKeyLongerThanItsColumnFailsThePlanNamingTheLengthAndTheLimit() throws Exception {
        for (TestDatabases.Kind kind : TestDatabases.Kind.values()) {
            try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
                narrowKeyColumns(db);
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
                    try (Connection connection = lenient.getConnection()) {
                        assertThat(checkpoints.keyCapacity(connection)).as(kind.name()).isEqualTo(4000);
                    }
                    assertThat(db.query("SELECT chunk_no, upper_key FROM dualwrite_backfill_checkpoint"
                            + " WHERE chunk_no > 0")).as(kind.name()).singleElement()
                            .satisfies(row -> assertThat(row.values()).contains("k".repeat(4000)));
                }
            }
        }
    }

    /** Makes the checkpoint's key columns those of a table created before round 22: {@code VARCHAR(4000)}. */
    static void narrowKeyColumns(TestDatabase db) {
        for (String column : java.util.List.of("lower_key", "upper_key")) {
            db.execute(switch (db.kind()) {
                case POSTGRES -> "ALTER TABLE dualwrite_backfill_checkpoint ALTER COLUMN " + column + " TYPE VARCHAR(4000)";
                case H2 -> "ALTER TABLE dualwrite_backfill_checkpoint ALTER COLUMN " + column
                        + " SET DATA TYPE VARCHAR(4000)";
                case MARIADB -> "ALTER TABLE dualwrite_backfill_checkpoint MODIFY " + column + " VARCHAR(4000)";
            });
        }
    }
}
