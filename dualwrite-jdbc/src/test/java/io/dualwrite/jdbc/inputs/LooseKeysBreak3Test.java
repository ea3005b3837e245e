package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Third review of keys named by a value other than the row's stored key: keys the database stores in another
 * form than written, literal forms, schema-qualified names and views. Each test ends comparing both stores row
 * by row with plain JDBC (keys rendered as text by each database), or checks the change log where the stores may
 * differ.
 */
class LooseKeysBreak3Test {

    // a view that is not simple (DISTINCT) but that unconditional DO INSTEAD rules make updatable: PostgreSQL
    // calls it updatable, yet refuses FOR UPDATE on it (0A000), which the pool takes for a broken connection
    @Test
    void postgresDistinctViewWithInsteadRulesKeepsTheCallersConnectionAndConverges() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders_base (id CHAR(2) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders_base VALUES ('k1', 1), ('k2', 2)",
                    "CREATE VIEW orders AS SELECT DISTINCT id, qty FROM orders_base",
                    "CREATE RULE orders_delete AS ON DELETE TO orders DO INSTEAD DELETE FROM orders_base WHERE id = OLD.id",
                    "CREATE RULE orders_update AS ON UPDATE TO orders DO INSTEAD"
                            + " UPDATE orders_base SET id = NEW.id, qty = NEW.qty WHERE id = OLD.id");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(4) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                    delete.setString(1, "k2 ");
                    delete.executeUpdate();
                }
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery("SELECT count(*) FROM orders_base")) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).isEqualTo(1);
                }
                connection.commit();
            }
            Map<String, String> old = LooseKeyStores.sameOrRecorded(fixture, "SELECT id, qty FROM orders_base",
                    "SELECT id, quantity AS qty FROM orders_v2");
            assertThat(old).containsOnlyKeys("k1");
        }
    }

    // the same through a quoted schema against a qualified mapping: PostgreSQL's "Other" is not other
    @Test
    void newPrimaryQuotedSchemaOtherThanTheMappingsLeavesTheMigratedRowsAlone() throws SQLException {
        io.dualwrite.mapping.TableMapping qualified = io.dualwrite.mapping.TableMapping.builder("other.orders")
                .newTable("orders_v2").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).phase(MigrationPhase.NEW_PRIMARY)
                .mappings(qualified).build()) {
            fixture.onOld("CREATE SCHEMA other", "CREATE TABLE other.orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO other.orders VALUES ('k1', 1)",
                    "CREATE SCHEMA \"Other\"", "CREATE TABLE \"Other\".orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO \"Other\".orders VALUES ('k1', 1)");
            fixture.onNew("CREATE SCHEMA \"Other\"", "CREATE TABLE \"Other\".orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO \"Other\".orders VALUES ('k1', 1)",
                    "CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1)");
            LooseKeyStores.execute(fixture, "UPDATE \"Other\".orders SET qty = 99 WHERE id = 'k1'");
            assertThat(LooseKeyStores.rows(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2")).containsEntry("k1", "1");
            assertThat(LooseKeyStores.rows(fixture.oldDb, "SELECT id, qty FROM other.orders")).containsEntry("k1", "1");
        }
    }

    // regressions: keys known exactly must not be resynced
    @Test
    void h2UuidKeyInsertIsSyncedWithoutAResync() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id UUID PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id UUID PRIMARY KEY, quantity INT)");
            UUID id = UUID.fromString("0e9b7f1c-3a43-4c55-9d2e-7a6b5c4d3e2f");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                insert.setObject(1, id);
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(fixture.recordKeys()).as("records after a write whose keys were known").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, "SELECT CAST(id AS VARCHAR) AS id, quantity AS qty FROM orders_v2"))
                    .isEqualTo(LooseKeyStores.rows(fixture.oldDb, "SELECT CAST(id AS VARCHAR) AS id, qty FROM orders"));
        }
    }

    // a composite key mixing a whole decimal into an INT and text into a VARCHAR is known exactly
    @Test
    void mariadbCompositeKeyOfTextAndWholeDecimalIsSyncedWithoutAResync() throws SQLException {
        io.dualwrite.mapping.TableMapping mapping = io.dualwrite.mapping.TableMapping.builder("orders")
                .newTable("orders_v2").primaryKey("code", "n").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mappings(mapping).build()) {
            fixture.onOld("CREATE TABLE orders (code VARCHAR(10), n INT, qty INT, PRIMARY KEY (code, n))");
            fixture.onNew("CREATE TABLE orders_v2 (code VARCHAR(10), n INT, quantity INT, PRIMARY KEY (code, n))");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (n, code, qty) VALUES (?, ?, ?)")) {
                insert.setBigDecimal(1, new BigDecimal("7.00"));
                insert.setString(2, "a");
                insert.setInt(3, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(fixture.recordKeys()).as("records after a write whose keys were known").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, "SELECT code || '/' || n AS id, quantity AS qty FROM orders_v2"))
                    .isEqualTo(LooseKeyStores.rows(fixture.oldDb, "SELECT CONCAT(code, '/', n) AS id, qty FROM orders"));
        }
    }

    // the performance path: a Long into an integer key reads the catalog at most once per table
    @Test
    void longKeysOnAnIntegerKeyReadTheCatalogAtMostOnce() throws SQLException {
        AtomicInteger catalogReads = new AtomicInteger();
        Intercepting.Hooks hooks = new Intercepting.Hooks() {
            @Override
            public void beforePrepare(String sql) {
                String lower = sql.toLowerCase(Locale.ROOT);
                if (lower.contains("information_schema") || lower.contains("pg_class") || lower.contains("pg_attribute")) {
                    catalogReads.incrementAndGet();
                }
            }
        };
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES)
                .wrapOld(real -> Intercepting.dataSource(real, hooks)).build()) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT)");
            int afterFirst = 0;
            for (long id = 1; id <= 3; id++) {
                try (Connection connection = fixture.dataSource.getConnection();
                     PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                    insert.setLong(1, id);
                    insert.setInt(2, 1);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
                afterFirst = id == 1 ? catalogReads.get() : afterFirst;
            }
            // the key's columns, its triggers, its own cascading foreign keys and its storage engine (whether its
            // writes end with the transaction), read with the first write and not again within catalogRefresh; and
            // the copier's check that no temporary table hides the table on the session it borrowed (MariaDB 11.2+),
            // made once per session and table within catalogRefresh; and the table's home (the database that holds
            // it, which the copier's statements name), read with its columns
            assertThat(afterFirst).isLessThanOrEqualTo(6);
            assertThat(catalogReads.get()).isEqualTo(afterFirst);
            assertThat(fixture.recordKeys()).as("records after a write whose keys were known").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2"))
                    .isEqualTo(LooseKeyStores.rows(fixture.oldDb, "SELECT id, qty FROM orders"));
        }
    }

    // MySQL/MariaDB read "K1" as a string (no ANSI_QUOTES); a parser that reads it as a column must not lose it
    @Test
    void mariadbDoubleQuotedStringKeysReachPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('k1', 1), ('k2', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = \"K1\"")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (\"k3\", 3)")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = \"K2\"")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsOnlyKeys("k1", "k3").containsEntry("k1", "5");
        }
    }

    // PostgreSQL reads N'k2 ' as character (bpchar): compared with a varchar key it ignores trailing spaces and
    // deletes row 'k2'; the literal read as the text 'k2 ' names no row
    @Test
    void postgresNationalLiteralWithATrailingSpaceDeletesTheRowFromTheTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('k1', 1), ('k2', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = N'k2 '")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsOnlyKeys("k1");
        }
    }

    @Test
    void postgresNationalLiteralWithTrailingSpacesInsertedIntoAVarcharKeyReachesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.empty(Kind.POSTGRES)) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (N'k3 ', 3)")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT id || '|' AS id, qty FROM orders",
                    "SELECT id || '|' AS id, quantity AS qty FROM orders_v2")).containsOnlyKeys("k3|");
        }
    }

    // inputs expected to pass: text into an integer key, a qualified statement against an unqualified mapping
    @Test
    void mariadbZeroPaddedTextIntoAnIntegerKeyReachesPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)");
                 Statement statement = connection.createStatement()) {
                insert.setString(1, "007");
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 4 WHERE id = '07'")).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsOnlyKeys("7").containsEntry("7", "4");
        }
    }

    @Test
    void newPrimaryQualifiedStatementOnTheMappedTableReachesBothStores() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).phase(MigrationPhase.NEW_PRIMARY).build()) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES ('k1', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE public.orders SET qty = 5 WHERE id = 'k1'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsEntry("k1", "5");
        }
    }

    // expected to pass: equalities written value-first, or with the column parenthesised, on a loose key
    @Test
    void mariadbReversedAndParenthesisedEqualitiesOnALooseKeyReachPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('k1', 1), ('k2', 2), ('e', 3)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2), ('e', 3)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE 'K1' = id")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 6 WHERE (id) = 'É'")).isEqualTo(1);
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 'K2' AND qty = 2")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsOnlyKeys("e", "k1").containsEntry("k1", "5").containsEntry("e", "6");
        }
    }

    // NEW_PRIMARY from a loose MariaDB new store into PostgreSQL, with a composite key whose text part is
    // renamed: the copier's second lock and read run in the NEW -> OLD direction
    @Test
    void newPrimaryCompositeRenamedKeyUpdatedByAnotherSpellingReachesTheOldStore() throws SQLException {
        io.dualwrite.mapping.TableMapping mapping = io.dualwrite.mapping.TableMapping.builder("orders")
                .newTable("orders_v2").primaryKey("code", "n").rename("code", "label").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.MARIADB).phase(MigrationPhase.NEW_PRIMARY)
                .mappings(mapping).build()) {
            fixture.onOld("CREATE TABLE orders (code VARCHAR(10), n INT, qty INT, PRIMARY KEY (code, n))",
                    "INSERT INTO orders VALUES ('e', 1, 1), ('maedchen', 2, 2)");
            fixture.onNew("CREATE TABLE orders_v2 (label VARCHAR(10) COLLATE utf8mb4_german2_ci, n INT, quantity INT,"
                            + " PRIMARY KEY (label, n))",
                    "INSERT INTO orders_v2 VALUES ('e', 1, 1), ('maedchen', 2, 2)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = ? WHERE code = ? AND n = ?")) {
                update.setInt(1, 7);
                update.setString(2, "É");
                update.setInt(3, 1);
                assertThat(update.executeUpdate()).isEqualTo(1);
                update.setInt(1, 8);
                update.setString(2, "Mädchen");
                update.setInt(3, 2);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            Map<String, String> now = LooseKeyStores.rows(fixture.newDb, "SELECT CONCAT(label, '/', n) AS id, quantity AS qty FROM orders_v2");
            Map<String, String> old = LooseKeyStores.rows(fixture.oldDb, "SELECT code || '/' || n AS id, qty FROM orders");
            assertThat(now).containsEntry("e/1", "7").containsEntry("maedchen/2", "8");
            assertThat(old).as("old store, records %s", fixture.recordKeys()).isEqualTo(now);
        }
    }

    // the same through a simple view over a DISTINCT view that INSTEAD OF triggers make writable: PostgreSQL
    // calls the outer view updatable (its base counts triggers), yet refuses FOR UPDATE on it
    @Test
    void postgresSimpleViewOverATriggerWritableDistinctViewKeepsTheCallersConnection() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders_base (id CHAR(2) PRIMARY KEY, qty INT)",
                    "INSERT INTO orders_base VALUES ('k1', 1), ('k2', 2)",
                    "CREATE VIEW orders_inner AS SELECT DISTINCT id, qty FROM orders_base",
                    "CREATE FUNCTION orders_delete() RETURNS trigger LANGUAGE plpgsql AS"
                            + " $$ BEGIN DELETE FROM orders_base WHERE id = OLD.id; RETURN OLD; END $$",
                    "CREATE TRIGGER orders_delete INSTEAD OF DELETE ON orders_inner FOR EACH ROW EXECUTE FUNCTION orders_delete()",
                    "CREATE VIEW orders AS SELECT id, qty FROM orders_inner");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(4) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1), ('k2', 2)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                    delete.setString(1, "k2 ");
                    delete.executeUpdate();
                }
                connection.commit();
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT id, qty FROM orders_base", "SELECT id, quantity AS qty FROM orders_v2"))
                    .containsOnlyKeys("k1");
        }
    }

    // an ENUM in a composite key marks the whole table: a Long into its INT column is now resynced
    @Test
    void mariadbLongIntoTheIntegerPartOfAKeyWithAnEnumIsSyncedWithoutAResync() throws SQLException {
        io.dualwrite.mapping.TableMapping mapping = io.dualwrite.mapping.TableMapping.builder("orders")
                .newTable("orders_v2").primaryKey("kind", "n").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES).mappings(mapping).build()) {
            fixture.onOld("CREATE TABLE orders (kind ENUM('a', 'b') NOT NULL, n BIGINT, qty INT, PRIMARY KEY (kind, n))");
            fixture.onNew("CREATE TABLE orders_v2 (kind VARCHAR(1), n BIGINT, quantity INT, PRIMARY KEY (kind, n))");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (kind, n, qty) VALUES (?, ?, ?)")) {
                insert.setString(1, "a");
                insert.setLong(2, 7);
                insert.setInt(3, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(fixture.recordKeys()).as("records after a write whose keys were known").isEmpty();
            assertThat(LooseKeyStores.rows(fixture.newDb, "SELECT kind || '/' || n AS id, quantity AS qty FROM orders_v2"))
                    .isEqualTo(LooseKeyStores.rows(fixture.oldDb, "SELECT CONCAT(kind, '/', n) AS id, qty FROM orders"));
        }
    }

    // a mapping named with its schema (public.orders) and the application's statements naming the bare table
    @Test
    void postgresMappingQualifiedWithTheDefaultSchemaMirrorsUnqualifiedStatements() throws SQLException {
        io.dualwrite.mapping.TableMapping qualified = io.dualwrite.mapping.TableMapping.builder("public.orders")
                .newTable("orders_v2").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.POSTGRES, Kind.POSTGRES).mappings(qualified).build()) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES ('k1', 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('k1', 1)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET qty = 5 WHERE id = 'k1'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsEntry("k1", "5");
        }
    }

    // literals whose text depends on the database's escapes, inserted as keys
    @Test
    void postgresStandardStringWithABackslashInsertedAsAKeyReachesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.empty(Kind.POSTGRES)) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('a\\b', 1), (E'c\\\\d', 2)")).isEqualTo(2);
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsOnlyKeys("a\\b", "c\\d");
        }
    }

    @Test
    void mariadbEscapedLiteralInsertedAsAKeyReachesPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.empty(Kind.MARIADB)) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('a\\\\b', 1), ('o\\'k', 2)")).isEqualTo(2);
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsOnlyKeys("a\\b", "o'k");
        }
    }

    // values of another Java type into numeric keys: true into TINYINT(1) is 1, 7.0 into INT is 7
    @Test
    void mariadbBooleanAndWholeDoubleIntoIntegerKeysReachPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                insert.setBoolean(1, true);
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
                insert.setDouble(1, 7.0);
                insert.setInt(2, 7);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsOnlyKeys("1", "7");
        }
    }

    // MariaDB's AUTO_INCREMENT generates a key for an explicit 0 or NULL: the row's key is not the value written
    @Test
    void mariadbAutoIncrementKeyWrittenAsZeroOrNullReachesPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                insert.setLong(1, 0);
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
                insert.setNull(1, java.sql.Types.BIGINT);
                insert.setInt(2, 2);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture))
                    .containsOnlyKeys("1", "2");
        }
    }

    // expected to pass: an H2 mapping qualified by its schema, its key read from that schema's catalog
    @Test
    void h2QualifiedMappingWithAnIgnoreCaseKeyDeletedInAnotherCaseLeavesPostgres() throws SQLException {
        io.dualwrite.mapping.TableMapping qualified = io.dualwrite.mapping.TableMapping.builder("other.orders")
                .newTable("orders_v2").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.POSTGRES).mappings(qualified).build()) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "CREATE SCHEMA other",
                    "CREATE TABLE other.orders (id VARCHAR_IGNORECASE(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO other.orders VALUES ('abc', 1), ('abd', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('abc', 1), ('abd', 2)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM other.orders WHERE id = ?")) {
                delete.setString(1, "ABC");
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT id, qty FROM other.orders", "SELECT id, quantity AS qty FROM orders_v2"))
                    .containsOnlyKeys("abd");
        }
    }

    // MariaDB's DATETIME (no fraction) drops the .6 the caller bound: the row's key is 10:00:00, the buffered
    // key 10:00:00.6 names no row, and the new store never receives the row
    @Test
    void mariadbDatetimeKeyInsertedWithAFractionOfASecondReachesPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id DATETIME PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP(0) PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                insert.setTimestamp(1, Timestamp.valueOf("2024-01-01 10:00:00.6"));
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT DATE_FORMAT(id, '%Y-%m-%d %H:%i:%s') AS id, qty FROM orders",
                    "SELECT to_char(id, 'YYYY-MM-DD HH24:MI:SS') AS id, quantity AS qty FROM orders_v2"))
                    .containsOnlyKeys("2024-01-01 10:00:00");
        }
    }

    // the same on PostgreSQL's timestamp(0), which rounds: .6 is stored as 10:00:01
    @Test
    void postgresTimestampZeroKeyInsertedWithAFractionOfASecondReachesTheTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id TIMESTAMP(0) PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP(0) PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                insert.setTimestamp(1, Timestamp.valueOf("2024-01-01 10:00:00.6"));
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT to_char(id, 'YYYY-MM-DD HH24:MI:SS') AS id, qty FROM orders",
                    "SELECT to_char(id, 'YYYY-MM-DD HH24:MI:SS') AS id, quantity AS qty FROM orders_v2"))
                    .containsOnlyKeys("2024-01-01 10:00:01");
        }
    }

    // MariaDB's BINARY(4) pads the bytes the caller bound with zeros: row 0x01020000, buffered key 0x0102
    @Test
    void mariadbBinaryKeyInsertedShorterThanTheColumnReachesPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BINARY(4) PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id BYTEA PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                insert.setBytes(1, new byte[] {1, 2});
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT HEX(id) AS id, qty FROM orders",
                    "SELECT upper(encode(id, 'hex')) AS id, quantity AS qty FROM orders_v2"))
                    .containsOnlyKeys("01020000");
        }
    }

    // a numeric string bound to a MariaDB ENUM key that no member spells is a member's index: '2' stores 'b'
    @Test
    void mariadbEnumKeyInsertedByANumericStringReachesPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id ENUM('a', 'b', 'c') PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                insert.setString(1, "2");
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT CAST(id AS CHAR) AS id, qty FROM orders",
                    "SELECT id, quantity AS qty FROM orders_v2")).containsOnlyKeys("b");
        }
    }

    // PostgreSQL stores 'abc  ' into varchar(3) as 'abc' (excess spaces are cut, not refused); the key compares
    // exactly, so the buffered 'abc  ' names no row
    @Test
    void postgresVarcharKeyInsertedWithSpacesBeyondItsLengthReachesTheTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(3) PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(3) PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                insert.setString(1, "abc  ");
                insert.setInt(2, 1);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT id || '|' AS id, qty FROM orders",
                    "SELECT id || '|' AS id, quantity AS qty FROM orders_v2")).containsOnlyKeys("abc|");
        }
    }

    // MariaDB outside strict mode cuts a key longer than its column: 'abcdef' is stored as 'abc'
    @Test
    void mariadbNonStrictTruncatedKeyReachesPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(3) PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET SESSION sql_mode = ''");
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, ?)")) {
                    insert.setString(1, "abcdef");
                    insert.setInt(2, 1);
                    assertThat(insert.executeUpdate()).isEqualTo(1);
                }
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT id, qty FROM orders", "SELECT id, quantity AS qty FROM orders_v2"))
                    .containsOnlyKeys("abc");
        }
    }

    // a MariaDB TIMESTAMP key written in the caller's session zone: the text '2024-01-01 10:00:00' names another
    // instant in any other session
    @Test
    void mariadbTimestampKeyWrittenInTheCallersSessionZoneReachesTheTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id TIMESTAMP NOT NULL PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id TIMESTAMP NOT NULL PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET time_zone = '+05:00'");
                assertThat(statement.executeUpdate("INSERT INTO orders (id, qty) VALUES ('2024-01-01 10:00:00', 1)")).isEqualTo(1);
                statement.execute("SET time_zone = DEFAULT");
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture, "SELECT UNIX_TIMESTAMP(id) AS id, qty FROM orders",
                    "SELECT UNIX_TIMESTAMP(id) AS id, quantity AS qty FROM orders_v2")).hasSize(1);
        }
    }
}
