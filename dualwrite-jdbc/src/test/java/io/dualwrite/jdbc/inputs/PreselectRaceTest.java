package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeRecord;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * An UPDATE whose WHERE names no key, at READ COMMITTED, while another connection inserts a matching row
 * between the library's key pre-select and the update itself: either every changed row reaches the new store,
 * or a scoped resync is recorded (input 18).
 */
class PreselectRaceTest {

    // input 18
    @Test
    void h2RowInsertedBetweenPreselectAndUpdateIsMirroredOrResynced() throws SQLException {
        race(Kind.H2, "TIMESTAMP(6)");
    }

    // input 18, variant
    @Test
    void postgresRowInsertedBetweenPreselectAndUpdateIsMirroredOrResynced() throws SQLException {
        race(Kind.POSTGRES, "TIMESTAMP(6)");
    }

    // input 18, variant
    @Test
    void mariadbRowInsertedBetweenPreselectAndUpdateIsMirroredOrResynced() throws SQLException {
        race(Kind.MARIADB, "DATETIME(6)");
    }

    private static void race(Kind kind, String timestamp) throws SQLException {
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean inserted = new AtomicBoolean();
        DataSource[] raw = new DataSource[1];
        Intercepting.Hooks hooks = new Intercepting.Hooks() {
            @Override
            public void afterQuery(String sql) throws SQLException {
                if (sql.contains("FOR UPDATE") && armed.compareAndSet(true, false)) {
                    // another connection inserts a matching row and commits, after the pre-select, before the update
                    try (Connection other = raw[0].getConnection(); Statement statement = other.createStatement()) {
                        statement.executeUpdate("INSERT INTO orders (id, qty, status) VALUES (4, 4, 'open')");
                    }
                    inserted.set(true);
                }
            }
        };
        try (Fixture fixture = Fixture.builder(kind, kind).wrapOld(pool -> Intercepting.dataSource(pool, hooks)).build()) {
            raw[0] = fixture.oldDb.dataSource();
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, status VARCHAR(20), touched " + timestamp + ")",
                    "INSERT INTO orders (id, qty, status) VALUES (1, 1, 'open')", "INSERT INTO orders (id, qty, status) VALUES (2, 2, 'open')",
                    "INSERT INTO orders (id, qty, status) VALUES (3, 3, 'closed')");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, status VARCHAR(20), touched " + timestamp + ")",
                    "INSERT INTO orders_v2 (id, quantity, status) VALUES (1, 1, 'open')",
                    "INSERT INTO orders_v2 (id, quantity, status) VALUES (2, 2, 'open')",
                    "INSERT INTO orders_v2 (id, quantity, status) VALUES (3, 3, 'closed')");
            armed.set(true);
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET touched = CURRENT_TIMESTAMP WHERE status = ?")) {
                    update.setString(1, "open");
                    update.executeUpdate();
                }
            }
            assertThat(inserted).as("the other connection inserted between the pre-select and the update").isTrue();
            assertThat(fixture.oldDb.count("SELECT COUNT(*) FROM orders WHERE touched IS NOT NULL"))
                    .as("the update changed the row inserted meanwhile too").isEqualTo(3);

            List<Map<String, String>> oldRows = Rows.of(fixture.oldDb, "SELECT id, qty, status, touched FROM orders ORDER BY id");
            List<Map<String, String>> newRows = Rows.of(fixture.newDb,
                    "SELECT id, quantity AS qty, status, touched FROM orders_v2 ORDER BY id");
            List<ChangeRecord> resyncs = fixture.scopedResyncs();
            assertThat(newRows.equals(oldRows) || resyncs.stream().anyMatch(r -> r.table().equals("orders")))
                    .as("every changed row reached the new store (%s vs %s), or a scoped resync was recorded (%s)",
                            newRows, oldRows, resyncs)
                    .isTrue();
            // the rows whose keys the pre-select found were synced in any case
            assertThat(newRows.subList(0, 2)).isEqualTo(oldRows.subList(0, 2));
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, status, touched")).hasSize(4);
            assertThat(fixture.records()).isEmpty();
        }
    }

    // input 18, variant: MariaDB's driver with useAffectedRows=true counts the rows an UPDATE changed, not those it
    // matched. Row 1 already holds qty 7, so the count (rows 2 and 4) equals the two keys the pre-select found, and
    // the count check passed while row 4 never reached the new store.
    @Test
    void mariadbCountingChangedRowsRowInsertedBetweenPreselectAndUpdateIsMirroredOrResynced() throws SQLException {
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean inserted = new AtomicBoolean();
        DataSource[] raw = new DataSource[1];
        Intercepting.Hooks hooks = new Intercepting.Hooks() {
            @Override
            public void afterQuery(String sql) throws SQLException {
                if (sql.contains("FOR UPDATE") && armed.compareAndSet(true, false)) {
                    try (Connection other = raw[0].getConnection(); Statement statement = other.createStatement()) {
                        statement.executeUpdate("INSERT INTO orders (id, qty, status) VALUES (4, 4, 'open')");
                    }
                    inserted.set(true);
                }
            }
        };
        List<HikariDataSource> pools = new ArrayList<>();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .wrapOld(pool -> Intercepting.dataSource(countingChangedRows(pool, pools), hooks)).build()) {
            raw[0] = fixture.oldDb.dataSource();
            seed(fixture);
            armed.set(true);
            int count = update(fixture, Connection.TRANSACTION_READ_COMMITTED);
            assertThat(inserted).as("the other connection inserted between the pre-select and the update").isTrue();
            assertThat(count).as("the driver counts changed rows: 2 and 4, not 1").isEqualTo(2);

            List<Map<String, String>> oldRows = Rows.of(fixture.oldDb, "SELECT id, qty, status FROM orders ORDER BY id");
            List<Map<String, String>> newRows = Rows.of(fixture.newDb,
                    "SELECT id, quantity AS qty, status FROM orders_v2 ORDER BY id");
            List<ChangeRecord> resyncs = fixture.scopedResyncs();
            assertThat(newRows.equals(oldRows) || resyncs.stream().anyMatch(r -> r.table().equals("orders")))
                    .as("every changed row reached the new store (%s vs %s), or a scoped resync was recorded (%s)",
                            newRows, oldRows, resyncs)
                    .isTrue();
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, status")).hasSize(4);
            assertThat(fixture.records()).isEmpty();
        } finally {
            pools.forEach(HikariDataSource::close);
        }
    }

    // The same driver setting at REPEATABLE READ, where InnoDB's next-key locks keep other inserts out until the
    // update has run: a count below the keys selected (row 1 left as it was) is no reason for a resync.
    @Test
    void mariadbCountingChangedRowsAtRepeatableReadSyncsTheSelectedKeysWithoutAResync() throws SQLException {
        List<HikariDataSource> pools = new ArrayList<>();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .wrapOld(pool -> countingChangedRows(pool, pools)).build()) {
            seed(fixture);
            int count = update(fixture, Connection.TRANSACTION_REPEATABLE_READ);
            assertThat(count).as("the driver counts changed rows: row 2, not rows 1 and 2").isEqualTo(1);
            assertThat(fixture.scopedResyncs()).isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, status")).hasSize(3);
            assertThat(fixture.records()).isEmpty();
        } finally {
            pools.forEach(HikariDataSource::close);
        }
    }

    private static void seed(Fixture fixture) {
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, status VARCHAR(20))",
                "INSERT INTO orders (id, qty, status) VALUES (1, 7, 'open')", "INSERT INTO orders (id, qty, status) VALUES (2, 2, 'open')",
                "INSERT INTO orders (id, qty, status) VALUES (3, 3, 'closed')");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, status VARCHAR(20))",
                "INSERT INTO orders_v2 (id, quantity, status) VALUES (1, 7, 'open')",
                "INSERT INTO orders_v2 (id, quantity, status) VALUES (2, 2, 'open')",
                "INSERT INTO orders_v2 (id, quantity, status) VALUES (3, 3, 'closed')");
    }

    private static int update(Fixture fixture, int isolation) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection()) {
            connection.setTransactionIsolation(isolation);
            try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = 7 WHERE status = ?")) {
                update.setString(1, "open");
                return update.executeUpdate();
            }
        }
    }

    /** A pool on the same database as {@code pool} whose driver counts changed rows ({@code useAffectedRows=true}). */
    private static DataSource countingChangedRows(DataSource pool, List<HikariDataSource> opened) {
        HikariDataSource given = (HikariDataSource) pool;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(given.getJdbcUrl());
        config.setUsername(given.getUsername());
        config.setPassword(given.getPassword());
        config.addDataSourceProperty("useAffectedRows", "true");
        config.setMaximumPoolSize(4);
        HikariDataSource counting = new HikariDataSource(config);
        opened.add(counting);
        return counting;
    }
}
