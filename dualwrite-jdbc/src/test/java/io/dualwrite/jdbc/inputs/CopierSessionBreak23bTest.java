package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 23b: a MariaDB session a pool's earlier borrower left in a {@code character_set_connection} of two or four
 * bytes a character. The copier's one session-setting statement is parsed before it sets {@code NAMES utf8mb4}, so its
 * literals were read in that set: {@code '+00:00'} was no time zone, the statement failed, and every sync (and every
 * verification, {@code verify.RowHashBreak23bTest}) on such a session failed.
 */
class CopierSessionBreak23bTest {

    // Failed before its fix: every sync failed with "Unknown or incorrect time zone: '+00:00'" and recorded its keys
    @ParameterizedTest(name = "character_set_connection = {0}")
    @CsvSource({"ucs2", "utf16", "utf32"})
    void aWideConnectionCharacterSetLeftOnAPooledNewSessionFailsNoLiveSync(String charset) throws Exception {
        AtomicBoolean dirty = new AtomicBoolean();
        AtomicReference<HikariDataSource> pool = new AtomicReference<>();
        java.util.function.UnaryOperator<javax.sql.DataSource> wide = real -> {
            pool.set(smallPool(real, 3));
            return PooledSessionStateTest.leftOn(pool.get(), dirty, "SET SESSION character_set_connection = " + charset);
        };
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.H2, Kind.MARIADB).wrapNew(wide).build(), Mirrored.PG)) {
            // a TIMESTAMP column on the new table: the sync puts its session in UTC, with the literal '+00:00'
            fixture.newDb.execute("ALTER TABLE orders_v2 ADD COLUMN seen timestamp NULL");
            dirty.set(true);
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE orders SET qty = 7 WHERE id = 1");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4), (5, 'e', 5)");
            }
            WritePathBreak9Test.drained(fixture);
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        } finally {
            if (pool.get() != null) {
                pool.get().close();
            }
        }
    }

    /** A pool of {@code size} sessions on {@code db}, apart from the database's own pool. */
    private static HikariDataSource smallPool(javax.sql.DataSource db, int size) {
        HikariDataSource pool = (HikariDataSource) db;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pool.getJdbcUrl());
        config.setUsername(pool.getUsername());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }
}
