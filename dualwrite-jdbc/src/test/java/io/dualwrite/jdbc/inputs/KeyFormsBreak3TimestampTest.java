package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Round 3 on MySQL/MariaDB {@code TIMESTAMP} keys named in UTC everywhere (WriteExecution.keyList reads them back
 * as {@code CONVERT_TZ(key, @@session.time_zone, '+00:00')}; CopierSession (JdbcRowCopier, KeyWalk) puts the copier's
 * sessions in UTC). A zone with daylight saving time shows two instants of the autumn's repeated hour as one
 * text, and converting that text back to UTC can give only one of them. The zone {@code Break3/Fold} is a small
 * Central-European-like zone (CET/CEST, 2024 transitions) the tests load into the server's time zone tables as
 * {@code mariadb-tzinfo-to-sql} would. Each test ends comparing both stores instant by instant with plain JDBC.
 */
class KeyFormsBreak3TimestampTest {

    static final String ZONE = "Break3/Fold";
    /** 2024-10-27 00:30 UTC: 02:30 CEST in the zone, the first 02:30. */
    static final long FIRST = 1_729_989_000L;
    /** 2024-10-27 01:30 UTC: 02:30 CET in the zone, the second 02:30. */
    static final long SECOND = 1_729_992_600L;

    private static final String INSTANT_OLD = "SELECT UNIX_TIMESTAMP(id) AS id, qty FROM orders";
    private static final String INSTANT_NEW = "SELECT UNIX_TIMESTAMP(id) AS id, quantity AS qty FROM orders_v2";
    private static final String EPOCH_OLD_PG = "SELECT extract(epoch FROM id)::bigint::text AS id, qty FROM orders";
    private static final String EPOCH_NEW_PG =
            "SELECT extract(epoch FROM id)::bigint::text AS id, quantity AS qty FROM orders_v2";

    // ---------------------------------------------------------------------------------------------------------
    // The repeated hour: two rows, one key text
    // ---------------------------------------------------------------------------------------------------------

    // Failed before its fix. Defeats WriteExecution.keyList (CONVERT_TZ(key, @@session.time_zone, '+00:00')): in a session at a
    // DST zone both rows of the repeated hour read as '2024-10-27 02:30:00' and convert back to ONE instant. The
    // pre-select of an update of both returns that key twice, the count matches (2 = 2), KeyBuffer holds it once;
    // the sync finds a row under it (no backstop), and the other row's new quantity never reaches the new store.
    @Test
    void mariadbUpdateOfBothRowsOfTheRepeatedHourInADaylightSavingZoneSyncsBoth() throws SQLException {
        try (Fixture fixture = foldRows(Kind.MARIADB)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "SET time_zone = '" + ZONE + "'");
                assertThat(distinctTexts(connection)).as("both instants read as one text in the zone").isEqualTo(1);
                run(connection, "UPDATE orders SET qty = qty + 10");
                run(connection, "SET time_zone = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture, INSTANT_OLD, INSTANT_NEW))
                    .containsOnly(Map.entry(String.valueOf(FIRST), "11"), Map.entry(String.valueOf(SECOND), "12"));
        }
    }

    // Failed before its fix. The same into PostgreSQL timestamptz, each row by an unambiguous condition (UNIX_TIMESTAMP(id) =
    // ?), one statement each: one pre-select reads its row back under the other row's key, whose row exists; that
    // update is lost.
    @Test
    void mariadbUpdatesOfEachRepeatedHourRowByItsInstantReachPostgresTimestamptz() throws SQLException {
        try (Fixture fixture = foldRowsIntoPostgres()) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "SET time_zone = '" + ZONE + "'");
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET qty = ? WHERE UNIX_TIMESTAMP(id) = ?")) {
                    update.setInt(1, 20);
                    update.setLong(2, SECOND);
                    assertThat(update.executeUpdate()).isOne();
                }
                try (PreparedStatement update = connection.prepareStatement(
                        "UPDATE orders SET qty = ? WHERE UNIX_TIMESTAMP(id) = ?")) {
                    update.setInt(1, 10);
                    update.setLong(2, FIRST);
                    assertThat(update.executeUpdate()).isOne();
                }
                run(connection, "SET time_zone = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture, INSTANT_OLD, EPOCH_NEW_PG))
                    .containsOnly(Map.entry(String.valueOf(FIRST), "10"), Map.entry(String.valueOf(SECOND), "20"));
        }
    }

    // Failed before its fix. A delete by another column of each row of the repeated hour, one statement per row: one of the
    // two pre-selects reads its row back under the other row's key; that key is synced while the other row still
    // exists (a delete expects nothing), so the deleted row stays in the new store.
    @Test
    void mariadbDeletesOfTheRepeatedHourRowsByAnotherColumnRemoveBothFromTheNewStore() throws SQLException {
        try (Fixture fixture = foldRows(Kind.MARIADB)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "SET time_zone = '" + ZONE + "'");
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE qty = ?")) {
                    delete.setInt(1, 2);
                    assertThat(delete.executeUpdate()).isOne();
                    assertThat(LooseKeyStores.rows(fixture.newDb, INSTANT_NEW)).as("after the first delete")
                            .isEqualTo(LooseKeyStores.rows(fixture.oldDb, INSTANT_OLD));
                    delete.setInt(1, 1);
                    assertThat(delete.executeUpdate()).isOne();
                }
                run(connection, "SET time_zone = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture, INSTANT_OLD, INSTANT_NEW)).isEmpty();
        }
    }

    // Failed before its fix. A composite key (shop, at TIMESTAMP) into PostgreSQL timestamptz: an update by the key's first
    // part pre-selects both rows of the repeated hour as one key (WriteExecution.keyList converts each part).
    @Test
    void mariadbCompositeKeyWithATimestampPartUpdatedInADaylightSavingZoneReachesPostgres() throws SQLException {
        TableMapping composite = TableMapping.builder("orders").newTable("orders_v2").primaryKey("shop", "at")
                .rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mappings(composite).build()) {
            installZone(fixture.oldDb);
            fixture.onOld("CREATE TABLE orders (shop INT NOT NULL, at TIMESTAMP NOT NULL, qty INT, PRIMARY KEY (shop, at))",
                    "INSERT INTO orders VALUES (1, FROM_UNIXTIME(" + FIRST + "), 1), (1, FROM_UNIXTIME(" + SECOND + "), 2)");
            fixture.onNew("CREATE TABLE orders_v2 (shop INT NOT NULL, at timestamptz NOT NULL, quantity INT,"
                            + " PRIMARY KEY (shop, at))",
                    "INSERT INTO orders_v2 VALUES (1, to_timestamp(" + FIRST + "), 1), (1, to_timestamp(" + SECOND + "), 2)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "SET time_zone = '" + ZONE + "'");
                try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = qty * 7 WHERE shop = ?")) {
                    update.setInt(1, 1);
                    assertThat(update.executeUpdate()).isEqualTo(2);
                }
                run(connection, "SET time_zone = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture,
                    "SELECT CONCAT(shop, '/', UNIX_TIMESTAMP(at)) AS id, qty FROM orders",
                    "SELECT shop || '/' || extract(epoch FROM at)::bigint AS id, quantity AS qty FROM orders_v2"))
                    .containsOnly(Map.entry("1/" + FIRST, "7"), Map.entry("1/" + SECOND, "14"));
        }
    }

    // Failed before its fix. NEW_PRIMARY with a MariaDB new store: the write runs on orders_v2 in the zoned session, the same
    // read-back collapses the two instants, and the old store (PostgreSQL timestamptz) keeps the old quantity.
    @Test
    void newPrimaryMariadbUpdateOfTheRepeatedHourReachesTheOldPostgresStore() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.MARIADB).phase(MigrationPhase.NEW_PRIMARY).build()) {
            installZone(fixture.newDb);
            fixture.onOld("CREATE TABLE orders (id timestamptz PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES (to_timestamp(" + FIRST + "), 1), (to_timestamp(" + SECOND + "), 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES (FROM_UNIXTIME(" + FIRST + "), 1), (FROM_UNIXTIME(" + SECOND + "), 2)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "SET time_zone = '" + ZONE + "'");
                run(connection, "UPDATE orders SET qty = qty + 10");
                run(connection, "SET time_zone = DEFAULT");
            }
            Map<String, String> authoritative = LooseKeyStores.rows(fixture.newDb, INSTANT_NEW);
            assertThat(authoritative).containsOnly(Map.entry(String.valueOf(FIRST), "11"),
                    Map.entry(String.valueOf(SECOND), "12"));
            assertThat(LooseKeyStores.converged(fixture, EPOCH_OLD_PG, INSTANT_NEW)).isEqualTo(authoritative);
        }
    }

    // passes: an insert of the repeated hour's text in the zoned session stores the instant the same conversion
    // gives (the literal and CONVERT_TZ both go through the zone's local-to-UTC rule), and the read-back by the
    // value as written (WriteExecution.exactKey) finds only that row, next to the other instant's row.
    @Test
    void mariadbInsertOfTheRepeatedHourTextNextToTheOtherInstantIsSyncedExactly() throws SQLException {
        try (Fixture fixture = timestamps(Kind.MARIADB)) {
            installZone(fixture.oldDb);
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "SET time_zone = '" + ZONE + "'");
                run(connection, "INSERT INTO orders (id, qty) VALUES ('2024-10-27 02:30:00', 1)");
                long stored = instantOf(connection);
                long other = stored == FIRST ? SECOND : FIRST;
                run(connection, "SET time_zone = DEFAULT");
                fixture.onOld("INSERT INTO orders VALUES (FROM_UNIXTIME(" + other + "), 2)");
                fixture.onNew("INSERT INTO orders_v2 VALUES (FROM_UNIXTIME(" + other + "), 2)");
                run(connection, "SET time_zone = '" + ZONE + "'");
                run(connection, "UPDATE orders SET qty = 5 WHERE id = '2024-10-27 02:30:00'");
                run(connection, "SET time_zone = DEFAULT");
            }
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, INSTANT_NEW)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, INSTANT_OLD))
                    .hasSize(2).containsValue("5");
        }
    }

    // passes: an upsert that conflicts on another unique column (code) with the row of the second 02:30 would have
    // its conflicting key read back through the same CONVERT_TZ (WriteExecution.conflictingKeys), as the first 02:30;
    // but its own TIMESTAMP key is read back first (a column of its own form), finds no row (the upsert updated
    // instead of inserting) and records "upsert-keys-unknown", which the repair resolves.
    @Test
    void mariadbUpsertConflictingOnAnotherUniqueColumnWithTheSecondRepeatedHourRowReachesTheNewStore()
            throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            installZone(fixture.oldDb);
            fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, code VARCHAR(10) UNIQUE, qty INT)",
                    "INSERT INTO orders VALUES (FROM_UNIXTIME(" + FIRST + "), 'c1', 1), (FROM_UNIXTIME(" + SECOND + "), 'c2', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, code VARCHAR(10) UNIQUE, quantity INT)",
                    "INSERT INTO orders_v2 VALUES (FROM_UNIXTIME(" + FIRST + "), 'c1', 1), (FROM_UNIXTIME(" + SECOND + "), 'c2', 2)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "SET time_zone = '" + ZONE + "'");
                try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO orders (id, code, qty)"
                        + " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE qty = VALUES(qty)")) {
                    upsert.setString(1, "2024-01-01 12:00:00");
                    upsert.setString(2, "c2");
                    upsert.setInt(3, 20);
                    assertThat(upsert.executeUpdate()).isPositive();
                }
                run(connection, "SET time_zone = DEFAULT");
            }
            assertThat(LooseKeyStores.converged(fixture, INSTANT_OLD, INSTANT_NEW))
                    .containsOnly(Map.entry(String.valueOf(FIRST), "1"), Map.entry(String.valueOf(SECOND), "20"));
        }
    }

    // passes: the backfill walks and copies TIMESTAMP keys in UTC (KeyWalk.keys, CopierSession) even when both
    // pools put their sessions in the daylight-saving zone; the repeated hour's two instants stay two rows.
    @Test
    void backfillOfTheRepeatedHourThroughPoolsInADaylightSavingZoneKeepsBothInstants() throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .wrapOld(real -> zoned(real, ZONE)).wrapNew(real -> zoned(real, ZONE)).build()) {
            installZone(fixture.oldDb);
            fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, quantity INT)");
            StringBuilder values = new StringBuilder();
            for (int quarter = 0; quarter < 24; quarter++) { // 2024-10-26 23:00 UTC to 2024-10-27 05:00 UTC
                values.append(quarter == 0 ? "" : ", ").append("(FROM_UNIXTIME(").append(1_729_983_600L + quarter * 900L)
                        .append("), ").append(quarter).append(')');
            }
            fixture.onOld("INSERT INTO orders VALUES " + values);
            DualWriteSchema.create(fixture.oldDb.dataSource());
            io.dualwrite.jdbc.backfill.BackfillResult result = io.dualwrite.jdbc.backfill.BackfillJob.builder()
                    .migration("fold").oldDataSource(fixture.oldStore).newDataSource(fixture.newStoreUp)
                    .mapping(io.dualwrite.jdbc.inputs.Fixture.ORDERS).chunkRows(4, 8).build().run();
            assertThat(result.rowsCopied()).isEqualTo(24);
            assertThat(LooseKeyStores.rows(fixture.newDb, INSTANT_NEW)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, INSTANT_OLD))
                    .hasSize(24).containsEntry(String.valueOf(FIRST), "6").containsEntry(String.valueOf(SECOND), "10");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The reconciler and the verification of TIMESTAMP keys
    // ---------------------------------------------------------------------------------------------------------

    // passes: a TIMESTAMP key written in a session left at +05:00 while the new store is down is recorded in UTC
    // (WriteExecution.keyList) and the reconciler's copier binds it in UTC (CopierSession).
    @Test
    void mariadbTimestampKeyRecordedWhileTheNewStoreWasDownIsRepairedByTheReconcilerAtTheSameInstant()
            throws SQLException {
        try (Fixture fixture = timestamps(Kind.MARIADB)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "SET time_zone = '+05:00'");
            }
            fixture.newStoreDown();
            try (Connection connection = fixture.dataSource.getConnection()) {
                run(connection, "INSERT INTO orders (id, qty) VALUES ('2024-01-01 10:00:00', 3)");
                run(connection, "SET time_zone = DEFAULT");
            }
            fixture.newStoreBack();
            assertThat(fixture.records()).as("the failed sync is recorded").isNotEmpty();
            fixture.reconciler().runOnce();
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, INSTANT_NEW)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, INSTANT_OLD))
                    .containsOnly(Map.entry("1704085200", "3"));
        }
    }

    // passes if the verification and repair of a scoped resync (ScopedResyncResolver, Verifier, Repairer) compare
    // and copy TIMESTAMP keys in UTC whatever zone their pools put sessions in (+05:00 old, -03:00 new). The resync
    // comes from the backstop: a trigger created after the first write adds an hour to the inserted key.
    @Test
    void mariadbScopedResyncOfATimestampKeyedTableIsRepairedByPoolsInOtherZones() throws SQLException {
        try (Fixture fixture = timestamps(Kind.MARIADB)) {
            fixture.onOld("INSERT INTO orders VALUES (FROM_UNIXTIME(1704067200), 1)");
            fixture.onNew("INSERT INTO orders_v2 VALUES (FROM_UNIXTIME(1704067200), 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE qty = ?", 1)).isOne();
            fixture.onOld("CREATE TRIGGER later BEFORE INSERT ON orders FOR EACH ROW SET NEW.id = NEW.id + INTERVAL 1 HOUR");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (FROM_UNIXTIME(?), ?)",
                    1704070800L, 6)).isOne();
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, ?)",
                    "2024-01-01 03:00:00", 7)).isOne();
            assertThat(fixture.scopedResyncs()).as("the backstop recorded the key left elsewhere").isNotEmpty();
            DataSource oldZoned = zoned(fixture.oldDb.dataSource(), "+05:00");
            DataSource newZoned = zoned(fixture.newDb.dataSource(), "-03:00");
            DualWriteSchema.create(fixture.oldDb.dataSource());
            Verifier verifier = fixture.verifierOf(oldZoned, newZoned);
            RowCopier copier = RowCopier.builder().oldDataSource(oldZoned).newDataSource(newZoned).build();
            assertThat(ScopedResyncResolver.builder().migration(Fixture.MIGRATION).changeLog(fixture.changeLog)
                    .verifier(verifier).repairer(Repairer.of(copier, verifier)).mapping(Fixture.ORDERS).build()
                    .resolveOnce().failed()).isZero();
            assertThat(fixture.records()).isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, INSTANT_NEW)).isEqualTo(LooseKeyStores.rows(fixture.oldDb, INSTANT_OLD))
                    .hasSize(3).containsEntry("1704067200", "5");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    static Fixture timestamps(Kind kind) {
        Fixture fixture = Fixture.of(kind, kind);
        fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)");
        fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, quantity INT)");
        return fixture;
    }

    /** MariaDB into MariaDB, TIMESTAMP keys, both stores holding the two instants of the repeated hour (qty 1, 2). */
    private static Fixture foldRows(Kind kind) {
        Fixture fixture = timestamps(kind);
        installZone(fixture.oldDb);
        fixture.onOld("INSERT INTO orders VALUES (FROM_UNIXTIME(" + FIRST + "), 1), (FROM_UNIXTIME(" + SECOND + "), 2)");
        fixture.onNew("INSERT INTO orders_v2 VALUES (FROM_UNIXTIME(" + FIRST + "), 1), (FROM_UNIXTIME(" + SECOND + "), 2)");
        return fixture;
    }

    private static Fixture foldRowsIntoPostgres() {
        Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES);
        installZone(fixture.oldDb);
        fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)",
                "INSERT INTO orders VALUES (FROM_UNIXTIME(" + FIRST + "), 1), (FROM_UNIXTIME(" + SECOND + "), 2)");
        fixture.onNew("CREATE TABLE orders_v2 (id timestamptz PRIMARY KEY, quantity INT)",
                "INSERT INTO orders_v2 VALUES (to_timestamp(" + FIRST + "), 1), (to_timestamp(" + SECOND + "), 2)");
        return fixture;
    }

    /**
     * Loads {@link #ZONE} into the server's time zone tables (shared by every database of the server; idempotent):
     * CET (+01:00) and CEST (+02:00), summer time from 2024-03-31 01:00 UTC to 2024-10-27 01:00 UTC.
     */
    static void installZone(io.dualwrite.jdbc.testing.TestDatabase db) {
        db.execute("INSERT IGNORE INTO mysql.time_zone (Time_zone_id, Use_leap_seconds) VALUES (7319, 'N')",
                "INSERT IGNORE INTO mysql.time_zone_name (Name, Time_zone_id) VALUES ('" + ZONE + "', 7319)",
                "INSERT IGNORE INTO mysql.time_zone_transition_type (Time_zone_id, Transition_type_id, `Offset`, Is_DST,"
                        + " Abbreviation) VALUES (7319, 0, 3600, 0, 'CET'), (7319, 1, 7200, 1, 'CEST')",
                "INSERT IGNORE INTO mysql.time_zone_transition (Time_zone_id, Transition_time, Transition_type_id)"
                        + " VALUES (7319, 1711846800, 1), (7319, 1729990800, 0)");
    }

    private static int distinctTexts(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(DISTINCT CAST(id AS CHAR)), COUNT(*) FROM orders")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(2)).isEqualTo(2);
            return rows.getInt(1);
        }
    }

    private static long instantOf(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT UNIX_TIMESTAMP(id) FROM orders")) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }

    static void run(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** A data source whose every connection is put in {@code zone}, as a pool's init SQL would. */
    static DataSource zoned(DataSource real, String zone) {
        return (DataSource) Proxy.newProxyInstance(KeyFormsBreak3TimestampTest.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(real, args);
                        if (method.getName().equals("getConnection")) {
                            LooseKeyStores.session((Connection) result, "SET time_zone = '" + zone + "'");
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
