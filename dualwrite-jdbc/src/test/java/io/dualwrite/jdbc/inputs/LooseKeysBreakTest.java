package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Further inputs whose key names a row spelt otherwise than the key: the new store must end holding exactly the
 * old store's rows under exactly their spellings, or the difference must be recorded in the change log. Compared
 * by exact key text with plain JDBC.
 */
class LooseKeysBreakTest {


    // MariaDB compares a text key with a number as numbers: WHERE id = 1 deletes row '01'
    @Test
    void mariadbDeleteByAnIntegerParameterOnATextKeyDeletesTheZeroPaddedRowFromPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("01", "2")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", 1)).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("2");
        }
    }

    // the same with a number literal in the SQL text: WHERE id = 7 updates row '007'
    @Test
    void mariadbUpdateByAnIntegerLiteralOnATextKeyUpdatesTheZeroPaddedRowInPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("007", "8")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = 7")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsEntry("007", "5");
        }
    }

    // a key bound as a Clob is text to the database but not a String to the write path
    @Test
    void mariadbDeleteByAClobParameterInAnotherCaseDeletesTheRowFromPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("c0", "d")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                java.sql.Clob clob = connection.createClob();
                clob.setString(1, "C0");
                delete.setClob(1, clob);
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("d");
        }
    }

    // PgJDBC sends a Types.CHAR parameter as bpchar: against a varchar key, 'k2 ' then matches row 'k2'
    @Test
    void postgresVarcharKeyDeletedByACharTypedParameterWithATrailingSpaceLeavesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('k1', 1), ('k2', 2)",
                    "CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                delete.setObject(1, "k2 ", java.sql.Types.CHAR);
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("k1");
        }
    }

    // a key column whose type is a domain over citext
    @Test
    void postgresDomainOverCitextKeyDeletedInAnotherCaseLeavesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('abc', 1), ('abd', 2)",
                    "CREATE EXTENSION IF NOT EXISTS citext", "CREATE DOMAIN order_key AS citext",
                    "CREATE TABLE orders (id order_key PRIMARY KEY, qty INT)")) {
                // a literal: a varchar parameter would compare as text, exactly
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 'ABC'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("abd");
        }
    }

    @Test
    void postgresCitextKeyDeletedInAnotherCaseLeavesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('abc', 1), ('abd', 2)",
                    "CREATE EXTENSION IF NOT EXISTS citext",
                    "CREATE TABLE orders (id citext PRIMARY KEY, qty INT)")) {
                // a literal: a varchar parameter would compare as text, exactly
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 'ABC'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("abd");
        }
    }

    // an H2 database collation (SET COLLATION … STRENGTH PRIMARY) makes every VARCHAR compare loosely
    @Test
    void h2DatabaseCollationKeyDeletedByAnAccentedSpellingLeavesPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.H2, "('e', 1), ('f', 2)",
                    "SET COLLATION ENGLISH STRENGTH PRIMARY",
                    "CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "É")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("f");
        }
    }

    // H2's IGNORECASE setting makes the VARCHAR columns created after it VARCHAR_IGNORECASE
    @Test
    void h2IgnoreCaseSettingKeyDeletedInAnotherCaseLeavesPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.H2, "('abc', 1), ('abd', 2)",
                    "SET IGNORECASE TRUE",
                    "CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "ABC")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("abd");
        }
    }

    // a key column whose type is a domain over char(n): 'k2 ' names row 'k2' as with char(n) itself
    @Test
    void postgresDomainOverCharKeyDeletedWithATrailingSpaceLeavesTheVarcharTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE DOMAIN order_key AS CHAR(2)",
                    "CREATE TABLE orders (id order_key PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('k1', 1), ('k2', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(4) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "k2 ")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("k1");
        }
    }

    // a key column whose type is a domain with a nondeterministic collation
    @Test
    void postgresDomainWithNondeterministicCollationDeletedInAnotherCaseLeavesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('abc', 1), ('abd', 2)",
                    "CREATE COLLATION ci_keys (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                    "CREATE DOMAIN order_key AS VARCHAR(20) COLLATE ci_keys",
                    "CREATE TABLE orders (id order_key PRIMARY KEY, qty INT)")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "ABC")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("abd");
        }
    }

    // PostgreSQL nondeterministic collation: an upsert that respells the key it conflicted with
    @Test
    void postgresOnConflictAssigningExcludedKeyRespellsTheRowInTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('abc', 1), ('abd', 2)",
                    "CREATE COLLATION ci_keys (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                    "CREATE TABLE orders (id VARCHAR(20) COLLATE ci_keys PRIMARY KEY, qty INT)")) {
            LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('ABC', 9)"
                        + " ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id, qty = EXCLUDED.qty");
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("ABC", "abd").containsEntry("ABC", "9");
        }
    }

    // H2 compares a text key with a number as numbers: WHERE id = 1 deletes row '01'
    @Test
    void h2DeleteByAnIntegerParameterOnATextKeyDeletesTheZeroPaddedRowFromTheTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('01', 1), ('2', 2)");
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS, "INSERT INTO orders_v2 VALUES ('01', 1), ('2', 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", 1)).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("2");
        }
    }

    // a prepared batch of updates by keys spelt otherwise
    @Test
    void mariadbBatchOfUpdatesByKeysSpeltOtherwiseReachesPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("e", "c0", "z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                update.setInt(1, 11);
                update.setString(2, "É");
                update.addBatch();
                update.setInt(1, 12);
                update.setString(2, "C0 ");
                update.addBatch();
                assertThat(update.executeBatch()).containsExactly(1, 1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsEntry("e", "11").containsEntry("c0", "12");
        }
    }

    // a prepared batch that respells a key and then names the respelt row by a third spelling
    @Test
    void mariadbBatchThatRespellsAndThenDeletesByAThirdSpellingReachesPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("e", "z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET id = ?, qty = ? WHERE id = ?")) {
                update.setString(1, "E");
                update.setInt(2, 3);
                update.setString(3, "e");
                update.addBatch();
                update.setString(1, "é");
                update.setInt(2, 4);
                update.setString(3, "É");
                update.addBatch();
                assertThat(update.executeBatch()).containsExactly(1, 1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("é", "z").containsEntry("é", "4");
        }
    }

    @Test
    void mariadbDeleteByAnInListOfOtherSpellingsDeletesTheRowsFromPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("e", "c0", "z")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id IN ('É', 'C0 ')")).isEqualTo(2);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("z");
        }
    }

    @Test
    void mariadbUpsertWithoutKeyAssignmentInAnotherSpellingUpdatesTheRowInPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("e", "z")) {
            LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('É', 7) ON DUPLICATE KEY UPDATE qty = VALUES(qty)");
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("e", "z").containsEntry("e", "7");
        }
    }

    @Test
    void mariadbInsertIgnoreOfAnotherSpellingLeavesPostgresAlone() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("e", "z")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT IGNORE INTO orders (id, qty) VALUES ('É', 7), ('y', 8)")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("e", "y", "z").containsEntry("e", "1");
        }
    }

    // NFD spelling (e + combining acute) against a row spelt NFC
    @Test
    void mariadbUpdateByADecomposedSpellingUpdatesTheComposedRowInPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("\u00e9", "z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE id = ?")) {
                update.setInt(1, 6);
                update.setString(2, "e\u0301");
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsEntry("\u00e9", "6").hasSize(2);
        }
    }

    @Test
    void mariadbCompositeKeyWithOneTextColumnDeletedInAnotherCaseLeavesPostgres() throws SQLException {
        TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2").primaryKey("tenant", "id")
                .rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mappings(mapping).build()) {
            fixture.onOld("CREATE TABLE orders (tenant INT, id VARCHAR(20) COLLATE utf8mb4_unicode_ci, qty INT,"
                    + " PRIMARY KEY (tenant, id))", "INSERT INTO orders VALUES (1, 'e', 1), (1, 'f', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (tenant INT, id VARCHAR(20), quantity INT, PRIMARY KEY (tenant, id))",
                    "INSERT INTO orders_v2 VALUES (1, 'e', 1), (1, 'f', 2)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE tenant = ? AND id = ?")) {
                delete.setInt(1, 1);
                delete.setString(2, "É");
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("f");
        }
    }

    @Test
    void mariadbAsyncDeleteByAnotherCaseDeletesTheRowFromPostgres() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mode(MirrorMode.ASYNC).build()) {
            LooseKeyStores.seed(fixture, "c0", "c1");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "C0")).isEqualTo(1);
            fixture.awaitMirrors(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("c1");
        }
    }

    // a pre-select PostgreSQL refuses (FOR UPDATE of a view with DISTINCT, deleted through an INSTEAD OF trigger,
    // SQLSTATE 0A000): the caller's delete must still run, and the key as written ('k2 ') must not then stand for
    // the row the char(n) key named ('k2')
    @Test
    void postgresCharKeyWhosePreselectFailsIsNotSyncedUnderTheSpellingAsWritten() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders_base (id CHAR(2) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders_base VALUES ('k1', 1), ('k2', 2)",
                    "CREATE VIEW orders AS SELECT DISTINCT id, qty FROM orders_base",
                    "CREATE FUNCTION orders_delete() RETURNS trigger LANGUAGE plpgsql AS"
                            + " $$ BEGIN DELETE FROM orders_base WHERE id = OLD.id; RETURN OLD; END $$",
                    "CREATE TRIGGER orders_delete INSTEAD OF DELETE ON orders FOR EACH ROW EXECUTE FUNCTION orders_delete()");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(4) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "k2 ")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("k1");
        }
    }

    // an upsert whose update clause moves the conflicting row to a key that is neither inserted nor read before
    @Test
    void mariadbUpsertThatMovesTheConflictingRowToAComputedKeySyncsTheNewKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("k1", "k2")) {
            LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('K1', 7)"
                        + " ON DUPLICATE KEY UPDATE id = CONCAT(id, 'x'), qty = VALUES(qty)");
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("k1x", "k2").containsEntry("k1x", "7");
        }
    }

    @Test
    void mariadbUpsertThatMovesTheConflictingRowToALiteralKeySyncsTheNewKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("k1", "k2")) {
            LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('k1', 7)"
                        + " ON DUPLICATE KEY UPDATE id = 'moved', qty = VALUES(qty)");
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("moved", "k2").containsEntry("moved", "7");
        }
    }

    @Test
    void postgresOnConflictThatMovesTheConflictingRowToAComputedKeySyncsTheNewKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('k1', 1), ('k2', 2)",
                    "CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)")) {
            LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('k1', 7)"
                        + " ON CONFLICT (id) DO UPDATE SET id = orders.id || 'x', qty = EXCLUDED.qty");
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("k1x", "k2").containsEntry("k1x", "7");
        }
    }

    // the reverse: an integer key named by a text H2 converts ('01' names row 1)
    @Test
    void h2IntegerKeyDeletedByAZeroPaddedTextLeavesPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES (1, 1), (2, 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES (1, 1), (2, 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "01")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("2");
        }
    }

    // the copier given another spelling (a programmatic caller, a change-log entry) of a citext source's row
    @Test
    void copierGivenAnotherSpellingOfACitextSourceRowCopiesTheRow() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('abc', 1), ('abd', 2)",
                    "CREATE EXTENSION IF NOT EXISTS citext",
                    "CREATE TABLE orders (id citext PRIMARY KEY, qty INT)")) {
            fixture.onOld("UPDATE orders SET qty = 6 WHERE id = 'abc'");
            RowCopier.builder().oldDataSource(fixture.oldDb.dataSource()).newDataSource(fixture.newDb.dataSource()).build()
                    .sync(Store.OLD, List.of(new RowCopier.TableKeys(Fixture.ORDERS, List.of("ABC"), null)));
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsEntry("abc", "6").hasSize(2);
        }
    }

    // NEW_PRIMARY: MariaDB authoritative as the new store, PostgreSQL varchar as the old one
    @Test
    void newPrimaryMariadbDeleteByAnotherCaseDeletesTheRowFromTheOldPostgresStore() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.MARIADB).phase(MigrationPhase.NEW_PRIMARY).build()) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('c0', 1), ('e', 2), ('z', 3)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('c0', 1), ('e', 2), ('z', 3)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?");
                 Statement statement = connection.createStatement()) {
                delete.setString(1, "C0");
                assertThat(delete.executeUpdate()).isEqualTo(1);
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 9 WHERE id = 'É'")).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("e", "z").containsEntry("e", "9");
        }
    }

    // an H2 domain over VARCHAR_IGNORECASE
    @Test
    void h2DomainOverIgnoreCaseKeyDeletedInAnotherCaseLeavesPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.H2, "('abc', 1), ('abd', 2)",
                    "CREATE DOMAIN ORDER_KEY AS VARCHAR_IGNORECASE(20)",
                    "CREATE TABLE orders (id ORDER_KEY PRIMARY KEY, qty INT)")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "ABC")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("abd");
        }
    }




}
