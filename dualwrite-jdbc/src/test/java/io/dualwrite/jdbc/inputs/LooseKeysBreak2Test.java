package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Inputs whose key value, as the statement writes it, is not the key of the row the database wrote: the new store
 * must end holding exactly the old store's rows under exactly their spellings, or the difference must be recorded;
 * and the caller's own statement must do what it does without the library. Compared with plain JDBC.
 */
class LooseKeysBreak2Test {


    // PostgreSQL reads 'o''k' as o'k: the key the statement names is the literal's value, not its SQL spelling
    @Test
    void postgresDeleteByALiteralWithADoubledQuoteDeletesTheRowFromTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("o'k", "z")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 'o''k'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("z");
        }
    }

    // an escape string: E'k\062' is 'k2'
    @Test
    void postgresDeleteByAnEscapeStringLiteralDeletesTheRowFromTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("k2", "z")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = E'k\\062'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("z");
        }
    }

    // a number literal in exponent form assigned to a text key: MariaDB stores '10', not '1e1'
    @Test
    void mariadbUpdateAssigningAnExponentLiteralToATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("x", "z")) {
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET id = 1e1 WHERE id = 'x'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("10", "z");
        }
    }

    // the same on insert into PostgreSQL: numeric 1e1 is stored in the varchar key as '10'
    @Test
    void postgresInsertOfAnExponentLiteralIntoATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("z")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (1e1, 5)")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("10", "z");
        }
    }

    // an ODBC date escape into a text key: MariaDB stores '2020-01-02'
    @Test
    void mariadbInsertOfAnOdbcDateEscapeIntoATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("z")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ({d '2020-01-02'}, 5)")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("2020-01-02", "z");
        }
    }

    // streamBufferLimit(0) is allowed: a key bound as a reader then cannot be buffered, and a pre-select must
    // not read the reader the caller's own statement is about to send
    @Test
    void mariadbDeleteByAKeyBoundAsAnUnbufferedReaderStillDeletesTheCallersRow() throws SQLException {
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.POSTGRES)
                .customize(builder -> builder.streamBufferLimit(0)).build()) {
            LooseKeyStores.seed(fixture, "c0", "z");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                delete.setCharacterStream(1, new StringReader("c0"));
                assertThat(delete.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("z");
        }
    }

    // PostgreSQL uuid input accepts the form without hyphens and in upper case
    @Test
    void postgresUuidKeyDeletedByItsUnhyphenatedUpperCaseTextLeavesTheTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id UUID PRIMARY KEY, qty INT)",
                    "INSERT INTO orders VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1), ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id UUID PRIMARY KEY, quantity INT)",
                    "INSERT INTO orders_v2 VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1), ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 'A0EEBC999C0B4EF8BB6D6BB9BD380A11'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        }
    }

    // a mapping naming its table with a schema: the catalog must be read for that table, not for a namesake in
    // the current schema whose key is an integer
    @Test
    void h2SchemaQualifiedTextKeyDeletedByANumberLeavesPostgres() throws SQLException {
        TableMapping other = TableMapping.builder("other.orders").newTable("orders_v2").rename("qty", "quantity").build();
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.POSTGRES).mappings(other).build()) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "CREATE SCHEMA other",
                    "CREATE TABLE other.orders (id VARCHAR(20) PRIMARY KEY, qty INT)",
                    "INSERT INTO other.orders VALUES ('007', 1), ('8', 2)");
            fixture.onNew(LooseKeyStores.POSTGRES_ORDERS, "INSERT INTO orders_v2 VALUES ('007', 1), ('8', 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM other.orders WHERE id = ?", 7)).isEqualTo(1);
            Map<String, String> old = LooseKeyStores.rows(fixture.oldDb, "SELECT id, qty FROM other.orders");
            Map<String, String> now = LooseKeyStores.rows(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2");
            if (!now.equals(old)) {
                assertThat(fixture.records()).as("stores differ (old %s, new %s) and nothing is recorded", old, now)
                        .isNotEmpty();
            }
            assertThat(old).containsOnlyKeys("8");
        }
    }

    // the commonest literal of all: an apostrophe in a key inserted with a doubled quote
    @Test
    void postgresInsertOfAKeyWithADoubledQuoteReachesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("z")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('o''k', 5)")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("o'k", "z");
        }
    }

    // an upsert naming its conflicting row by such a literal: the update of the row must reach the target
    @Test
    void postgresOnConflictUpdateOfAKeyWithADoubledQuoteReachesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("o'k", "z")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('o''k', 9)"
                        + " ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsEntry("o'k", "9");
        }
    }

    // MariaDB reads backslash escapes in literals: 'a\tb' holds a tab
    @Test
    void mariadbInsertOfAKeyWithABackslashEscapeReachesPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("z")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES ('a\\tb', 5)")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("a\tb", "z");
        }
    }

    // a fractional literal into an integer key: MariaDB rounds 7.6 to row 8
    @Test
    void mariadbInsertOfAFractionalLiteralIntoAnIntegerKeySyncsTheRoundedKey() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES (1, 1)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)", "INSERT INTO orders_v2 VALUES (1, 1)");
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (7.6, 5)")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("1", "8");
        }
    }

    // the same on PostgreSQL, as the new key of an update
    @Test
    void postgresUpdateAssigningAFractionalLiteralToAnIntegerKeySyncsTheRoundedKey() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES (1, 1), (2, 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)", "INSERT INTO orders_v2 VALUES (1, 1), (2, 2)");
            assertThat(LooseKeyStores.execute(fixture, "UPDATE orders SET id = 7.6 WHERE id = 1")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("2", "8");
        }
    }

    // a text bound as CHAR into a varchar key: PostgreSQL casts bpchar to varchar and drops the trailing space
    @Test
    void postgresInsertOfACharTypedKeyWithATrailingSpaceSyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, 5)")) {
                insert.setObject(1, "k9 ", java.sql.Types.CHAR);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("k9", "z");
        }
    }

    // the same as the new key of an update
    @Test
    void postgresUpdateAssigningACharTypedKeyWithATrailingSpaceSyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("x", "z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE orders SET id = ? WHERE id = 'x'")) {
                update.setObject(1, "k9 ", java.sql.Types.CHAR);
                assertThat(update.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("k9", "z");
        }
    }

    // PostgreSQL's integer input ignores surrounding white space: ' 7' names row 7
    @Test
    void postgresIntegerKeyDeletedByAPaddedTextLiteralLeavesTheTarget() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES (7, 1), (8, 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)", "INSERT INTO orders_v2 VALUES (7, 1), (8, 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ' 7'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("8");
        }
    }

    // MariaDB compares an integer key with text as numbers: '7.0' names row 7
    @Test
    void mariadbIntegerKeyDeletedByADecimalTextLeavesPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id INT PRIMARY KEY, qty INT)", "INSERT INTO orders VALUES (7, 1), (8, 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id INT PRIMARY KEY, quantity INT)", "INSERT INTO orders_v2 VALUES (7, 1), (8, 2)");
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "7.0")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("8");
        }
    }

    // the fast path: a whole number against an integer key names exactly its row and must not be selected first
    @Test
    void integerKeysNamedByWholeNumbersAreNotPreselected() throws SQLException {
        for (Kind kind : new Kind[] {Kind.MARIADB, Kind.POSTGRES, Kind.H2}) {
            List<String> statements = new CopyOnWriteArrayList<>();
            try (Fixture fixture = Fixture.builder(kind, Kind.POSTGRES).wrapOld(db -> recording(db, statements)).build()) {
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)",
                        "INSERT INTO orders VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT)",
                        "INSERT INTO orders_v2 VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)");
                try (Connection connection = fixture.dataSource.getConnection();
                     PreparedStatement update = connection.prepareStatement("UPDATE orders SET qty = qty + 10 WHERE id = ?")) {
                    update.setLong(1, 1);
                    update.executeUpdate();
                    update.setInt(1, 2);
                    update.executeUpdate();
                    update.setBigDecimal(1, new java.math.BigDecimal("3"));
                    update.executeUpdate();
                    update.setBigDecimal(1, new java.math.BigDecimal("4.00"));
                    update.executeUpdate();
                    update.setObject(1, 5L, java.sql.Types.BIGINT);
                    update.executeUpdate();
                }
                assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsEntry("1", "11").containsEntry("5", "15");
                assertThat(statements).as("%s: statements on the old store", kind)
                        .anyMatch(sql -> sql.startsWith("UPDATE orders SET qty"))
                        .noneMatch(sql -> sql.toUpperCase(java.util.Locale.ROOT).contains("FOR UPDATE"))
                        .noneMatch(sql -> sql.toUpperCase(java.util.Locale.ROOT).matches("(?s)\\s*SELECT.*FROM\\s+ORDERS\\b.*"));
            }
        }
    }

    // a whole double bound into a text key: PostgreSQL stores float8 7.0 as '7'
    @Test
    void postgresInsertOfAWholeDoubleIntoATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, 5)")) {
                insert.setDouble(1, 7.0);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("7", "z");
        }
    }

    // a decimal in exponent form bound into a text key: MariaDB stores 1E+3 as '1000'
    @Test
    void mariadbInsertOfAnExponentDecimalIntoATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, 5)")) {
                insert.setBigDecimal(1, new java.math.BigDecimal("1E+3"));
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("1000", "z");
        }
    }

    // a boolean bound into a text key: MariaDB stores true as '1'
    @Test
    void mariadbInsertOfABooleanIntoATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = LooseKeyStores.mariadb("z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, 5)")) {
                insert.setBoolean(1, true);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("1", "z");
        }
    }

    // a number inserted into an ENUM key is the index of a member: 2 stores 'b'
    @Test
    void mariadbInsertOfANumberIntoAnEnumKeySyncsTheMember() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.MARIADB, "('a', 1)",
                    "CREATE TABLE orders (id ENUM('a', 'b', 'c') PRIMARY KEY, qty INT)")) {
            assertThat(LooseKeyStores.execute(fixture, "INSERT INTO orders (id, qty) VALUES (?, 5)", 2)).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("a", "b");
        }
    }

    // a timestamp bound into a text key: MariaDB stores it without Timestamp.toString's '.0'
    @Test
    void mariadbInsertOfATimestampIntoATextKeySyncsTheStoredKey() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id VARCHAR(30) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id VARCHAR(30) PRIMARY KEY, quantity INT)");
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, 5)")) {
                insert.setTimestamp(1, java.sql.Timestamp.valueOf("2020-01-02 03:04:05"));
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).hasSize(1);
        }
    }

    // an upsert whose inserted key is bound as CHAR: PostgreSQL stores 'k2 ' into varchar as 'k2', conflicts with
    // row 'k2' and updates it, but the conflicting row is looked up as 'k2 '
    @Test
    void postgresOnConflictWithACharTypedKeyWithATrailingSpaceUpdatesTheRowInTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.postgres("k2", "z")) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement upsert = connection.prepareStatement("INSERT INTO orders (id, qty) VALUES (?, 9)"
                         + " ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty")) {
                upsert.setObject(1, "k2 ", java.sql.Types.CHAR);
                assertThat(upsert.executeUpdate()).isEqualTo(1);
            }
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsEntry("k2", "9").hasSize(2);
        }
    }

    // H2's MERGE … KEY on a key that ignores case
    @Test
    void h2MergeByAnotherCaseOfAnIgnoreCaseKeyReachesPostgres() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.H2, "('abc', 1), ('z', 2)",
                    "CREATE TABLE orders (id VARCHAR_IGNORECASE(20) PRIMARY KEY, qty INT)")) {
            assertThat(LooseKeyStores.execute(fixture, "MERGE INTO orders (id, qty) KEY (id) VALUES ('ABC', 9)")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).hasSize(2).containsValue("9");
        }
    }

    // a domain over a domain over citext: the catalog read resolves one level only
    @Test
    void postgresDomainOverADomainOverCitextKeyDeletedInAnotherCaseLeavesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('abc', 1), ('abd', 2)",
                    "CREATE EXTENSION IF NOT EXISTS citext", "CREATE DOMAIN loose_text AS citext",
                    "CREATE DOMAIN order_key AS loose_text",
                    "CREATE TABLE orders (id order_key PRIMARY KEY, qty INT)")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = 'ABC'")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("abd");
        }
    }

    // the same with char(n) two domains down: 'k2 ' names row 'k2'
    @Test
    void postgresDomainOverADomainOverCharKeyDeletedWithATrailingSpaceLeavesTheTarget() throws SQLException {
        try (Fixture fixture = LooseKeyStores.into(Kind.POSTGRES, "('k1', 1), ('k2', 2)",
                    "CREATE DOMAIN fixed_text AS CHAR(2)", "CREATE DOMAIN order_key AS fixed_text",
                    "CREATE TABLE orders (id order_key PRIMARY KEY, qty INT)")) {
            assertThat(LooseKeyStores.execute(fixture, "DELETE FROM orders WHERE id = ?", "k2 ")).isEqualTo(1);
            assertThat(LooseKeyStores.sameOrRecorded(fixture)).containsOnlyKeys("k1");
        }
    }

    /** A data source whose connections record the SQL of every statement they prepare or run. */
    static javax.sql.DataSource recording(javax.sql.DataSource target, List<String> statements) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(LooseKeysBreak2Test.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(method, target, args);
                    if (result instanceof Connection connection) {
                        return java.lang.reflect.Proxy.newProxyInstance(LooseKeysBreak2Test.class.getClassLoader(),
                                new Class<?>[] {Connection.class}, (p, m, a) -> {
                                    if (a != null && a.length > 0 && a[0] instanceof String sql
                                            && (m.getName().startsWith("prepare"))) {
                                        statements.add(sql);
                                    }
                                    return invoke(m, connection, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }






}
