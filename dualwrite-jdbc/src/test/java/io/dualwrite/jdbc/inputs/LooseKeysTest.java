package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Keys that the authoritative store compares loosely: MariaDB's {@code _ci}/{@code _ai} collations match
 * {@code 'é'} to row {@code 'e'} and {@code 'C0'} to row {@code 'c0'}, PostgreSQL's {@code char(n)} ignores
 * trailing spaces. A write that names a row by another spelling of its key must leave the new store holding
 * exactly the old store's rows under exactly their spellings. Compared by exact key text, independently of the
 * copier.
 */
class LooseKeysTest {


    @Test
    void mariadbUpdateByAnAccentedKeyUpdatesTheRowSpeltWithoutAccentInPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("e", "f")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = 'é'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameRows(fixture)).containsEntry("e", "5").hasSize(2);
        }
    }

    @Test
    void mariadbDeleteByAKeyInAnotherCaseDeletesTheRowFromPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("c0", "c1")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "C0")).isEqualTo(1);
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("c1");
        }
    }

    @Test
    void mariadbDeleteByAnUpperCaseAccentedKeyInATransactionDeletesTheRowFromPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("eclair", "ecole")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                connection.setAutoCommit(false);
                delete.setString(1, "ÉCOLE ");
                assertThat(delete.executeUpdate()).isEqualTo(1);
                connection.commit();
            }
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("eclair");
        }
    }

    // the new spelling replaces the old one in MariaDB; PostgreSQL must not keep the old spelling beside it
    @Test
    void mariadbUpdateThatRespellsAKeyLeavesOnlyTheNewSpellingInPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("abc", "abd")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET id = 'ABC', qty = 4 WHERE id = 'abc'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("ABC", "abd").containsEntry("ABC", "4");
        }
    }

    // MariaDB into MariaDB: an upsert that matches the old spelling must not leave it in place
    @Test
    void mariadbIntoMariadbUpdateThatRespellsAKeyRespellsItInTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld(LooseKeyStores.MARIADB_ORDERS, "INSERT INTO orders VALUES ('abc', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('abc', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET id = 'Abc' WHERE id = 'ABC'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("Abc");
        }
    }

    // REPLACE deletes the row spelt 'c0' and inserts 'C0'
    @Test
    void mariadbReplaceWithAnotherSpellingLeavesOnlyTheNewSpellingInPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("c0", "c1")) {
            LooseKeyStores.execute(fixture, "REPLACE INTO orders (id, qty) VALUES ('C0', 3)");
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("C0", "c1").containsEntry("C0", "3");
        }
    }

    // REPLACE also deletes rows that conflict on another unique key: their keys were never named
    @Test
    void mariadbReplaceConflictingOnASecondUniqueKeyDeletesTheOtherRowFromPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, qty INT)",
                    "INSERT INTO orders VALUES (1, 'a', 1), (2, 'b', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, code VARCHAR(10) UNIQUE, quantity INT)",
                    "INSERT INTO orders_v2 VALUES (1, 'a', 1), (2, 'b', 2)");
            assertThat(LooseKeyStores.execute(fixture, "REPLACE INTO orders (id, code, qty) VALUES (5, 'A', 9)")).isEqualTo(2);
            assertThat(Rows.assertSame(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .extracting(row -> row.get("id")).containsExactly("2", "5");
        }
    }

    // an upsert whose update assigns the key respells the row it conflicted with
    @Test
    void mariadbUpsertThatAssignsTheKeyLeavesOnlyTheNewSpellingInPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("k1", "k2")) {
            LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('K1', 7)"
                        + " ON DUPLICATE KEY UPDATE id = VALUES(id), qty = VALUES(qty)");
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("K1", "k2").containsEntry("K1", "7");
        }
    }

    // several statements in one execute: the keys of each part are not selected first; synced or resynced
    @Test
    void mariadbSeveralStatementsWithKeysSpeltOtherwiseAreSyncedOrResynced() throws SQLException {
        AtomicReference<HikariDataSource> multi = new AtomicReference<>();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).wrapOld(Fixture.multiQueries(multi)).build()) {
            LooseKeyStores.seed(fixture, "e", "c0", "z");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE orders SET qty = 8 WHERE id = 'É'; DELETE FROM orders WHERE id = 'C0'");
            }
            Map<String, String> oldRows = LooseKeyStores.rows(fixture.oldDb, "SELECT id, qty FROM orders");
            assertThat(oldRows).containsOnlyKeys("e", "z").containsEntry("e", "8");
            if (!fixture.scopedResyncs().isEmpty()) { // recorded: the repair of the scope makes the stores agree
                DualWriteSchema.create(fixture.oldDb.dataSource());
                Verifier verifier = fixture.verifier();
                RowCopier copier = RowCopier.builder().oldDataSource(fixture.oldDb.dataSource())
                        .newDataSource(fixture.newDb.dataSource()).build();
                assertThat(ScopedResyncResolver.builder().migration(Fixture.MIGRATION).changeLog(fixture.changeLog)
                        .verifier(verifier).repairer(Repairer.of(copier, verifier)).mapping(Fixture.ORDERS).build()
                        .resolveOnce().failed()).isZero();
            }
            assertThat(LooseKeyStores.sameRows(fixture)).isEqualTo(oldRows);
        } finally {
            multi.get().close();
        }
    }

    // the copier given a key spelt otherwise (a programmatic caller, a change-log entry): the row the source
    // matched is copied under its own spelling
    @Test
    void copierGivenAnotherSpellingCopiesTheRowTheSourceMatched() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("e", "f")) {
            fixture.onOld("UPDATE orders SET qty = 6 WHERE id = 'e'");
            RowCopier.builder().oldDataSource(fixture.oldDb.dataSource()).newDataSource(fixture.newDb.dataSource()).build()
                    .sync(Store.OLD, List.of(new RowCopier.TableKeys(Fixture.ORDERS, List.of("É"), null)));
            assertThat(LooseKeyStores.sameRows(fixture)).containsEntry("e", "6").hasSize(2);
        }
    }

    // PostgreSQL char(n) compares with trailing spaces ignored: 'k1 ' names row 'k1'
    @Test
    void postgresCharKeyWithATrailingSpaceUpdatesAndDeletesTheRow() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id CHAR(4) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('k1', 1), ('k2', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id CHAR(4) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2)");
            updateToFiveThenDelete(fixture, "k1 ", "k2 ");
            Map<String, String> old = LooseKeyStores.rows(fixture.oldDb, "SELECT rtrim(id) AS id, qty FROM orders");
            assertThat(LooseKeyStores.rows(fixture.newDb, "SELECT rtrim(id) AS id, quantity AS qty FROM orders_v2")).isEqualTo(old)
                    .containsOnlyKeys("k1").containsEntry("k1", "5");
        }
    }

    // H2 VARCHAR_IGNORECASE into a case-sensitive VARCHAR: 'ABC' names row 'abc'
    @Test
    void h2IgnoreCaseKeyDeletedAndUpdatedInAnotherCaseReachesTheNewStore() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR_IGNORECASE(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('abc', 1), ('abd', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('abc', 1), ('abd', 2)");
            updateToFiveThenDelete(fixture, "ABD", "ABC");
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("abd").containsEntry("abd", "5");
        }
    }

    // PostgreSQL char(n) into varchar: 'k2 ' names row 'k2', which the target spells without padding
    @Test
    void postgresCharKeyDeletedWithATrailingSpaceLeavesTheVarcharTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id CHAR(2) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('k1', 1), ('k2', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(4) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "k2 ")).isEqualTo(1);
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("k1");
        }
    }

    // NEW_PRIMARY: PostgreSQL (exact) is authoritative and holds 'abc' and 'ABC' as two rows; the MariaDB old store's
    // collation calls them one key. Merging them would leave the stores different with nothing recorded
    @Test
    void keysTheAuthoritativeStoreTellsApartButTheTargetCallsEqualAreRecordedNotMerged() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).phase(MigrationPhase.NEW_PRIMARY).build()) {
            fixture.onOld(LooseKeyStores.MARIADB_ORDERS);
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS);
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                for (String id : new String[] {"abc", "ABC"}) {
                    insert.setString(1, id);
                    insert.setInt(2, id.equals("abc") ? 1 : 2);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
            }
            assertThat(LooseKeyStores.rows(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2")).containsOnlyKeys("abc", "ABC");
            assertThat(LooseKeyStores.rows(fixture.oldDb, "SELECT id, qty FROM orders")).as("the old store's one row of the class")
                    .isEqualTo(Map.of("abc", "1"));
            assertThat(fixture.records()).extracting(record -> record.row().key()).contains("ABC");
        }
    }

    // MariaDB into MariaDB: the target holds a stale spelling of a key no write named ('abc' for the source's 'ABC');
    // the copier's upsert matched it and kept its spelling
    @Test
    void mariadbIntoMariadbCopyOfAKeyWhoseTargetRowIsSpeltOtherwiseRespellsIt() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld(LooseKeyStores.MARIADB_ORDERS, "INSERT INTO orders VALUES ('ABC', 5), ('k', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('abc', 1), ('k', 1)");
            RowCopier.builder().oldDataSource(fixture.oldDb.dataSource()).newDataSource(fixture.newDb.dataSource()).build()
                    .sync(Store.OLD, List.of(new RowCopier.TableKeys(Fixture.ORDERS, List.of("ABC", "k"), null)));
            assertThat(LooseKeyStores.sameRows(fixture)).containsOnlyKeys("ABC", "k").containsEntry("ABC", "5");
        }
    }

    /** Through the data source: sets qty 5 on the row {@code updated} names, then deletes the one {@code deleted} names. */
    private static void updateToFiveThenDelete(Fixture fixture, String updated, String deleted) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
            update.setInt(1, 5);
            update.setString(2, updated);
            assertThat(update.executeUpdate()).isEqualTo(1);
            delete.setString(1, deleted);
            assertThat(delete.executeUpdate()).isEqualTo(1);
        }
    }




}
