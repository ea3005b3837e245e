package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Write-path inputs of a break review: conditions that name other rows when run again (sequences, user variables,
 * functions with side effects), MySQL's {@code ||}, XA transactions, generated keys requested by other columns, DDL
 * that rewrites rows, literals with backslashes, mappings that contradict themselves, and what the caller sees. Each
 * ends with {@link #converge}: after the mirrors, the scoped-resync resolver and one reconciler run, the stores hold
 * the same rows, or a record remains; a caller's-view test compares with plain JDBC on the same database.
 */
class WritePathReviewTest {

    // ---------------------------------------------------------------- helpers

    private static Fixture pg() {
        return Mirrored.seed(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), Mirrored.PG);
    }

    private static Fixture maria() {
        return Mirrored.seed(Fixture.of(Kind.MARIADB, Kind.MARIADB), Mirrored.MARIA);
    }

    /** Seeds 1 'a' 1, 2 'b' 2, 3 'c' 3 into an old table of the given DDL (e.g. with a generated key). */
    private static Fixture seeded(Fixture fixture, String oldDdl) {
        return Mirrored.seed(fixture, oldDdl);
    }

    private static void run(Fixture fixture, String... sql) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.execute(each);
            }
        }
    }

    private static void resolve(Fixture fixture) throws SQLException {
        System.out.println("REVIEW " + fixture.resolveRecords());
    }

    /** Both stores hold the same orders rows after resolving, or something remains recorded. */
    private static void converge(Fixture fixture, String label) throws SQLException {
        List<String> before = fixture.recordKeys();
        resolve(fixture);
        var old = Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
        var now = Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id");
        System.out.println("REVIEW " + label + ": recorded " + before + " old=" + old + " new=" + now
                + " left=" + fixture.recordKeys());
        if (!now.equals(old)) {
            assertThat(fixture.recordKeys()).as("%s: new %s differs from old %s and nothing remains recorded (recorded before"
                    + " resolving: %s)", label, now, old, before).isNotEmpty();
        }
    }

    private static List<Map<String, String>> oldRows(Fixture fixture) {
        return Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id");
    }

    // ---------------------------------------------------------------- comments and literals MariaDB reads otherwise

    @Test
    void mariadbExecutableCommentWidensTheWhere() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "UPDATE orders SET qty = 9 WHERE id = 1 /*! OR id = 2 */");
            assertThat(Rows.of(fixture.oldDb, "SELECT qty FROM orders WHERE id = 2")).containsExactly(Rows.expected("qty", 9));
            converge(fixture, "maria /*! */");
        }
    }

    @Test
    void mariadbBackslashQuoteHidesTheRealWhere() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "UPDATE orders SET code = 'z\\' WHERE id=2 -- ' WHERE id = 1");
            converge(fixture, "maria backslash quote");
        }
    }

    @Test
    void mariadbNoBackslashEscapesSessionHidesTheRealWhere() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')",
                    "UPDATE orders SET code = 'z\\' WHERE id = 1 -- ', code = 'y' WHERE id = 2");
            converge(fixture, "maria NO_BACKSLASH_ESCAPES");
        }
    }

    @Test
    void postgresNonStandardStringsHideTheRealWhere() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "SET standard_conforming_strings = off",
                    "UPDATE orders SET code = 'z\\' WHERE id = 2 -- ' WHERE id = 1");
            converge(fixture, "pg standard_conforming_strings off");
        }
    }

    // ---------------------------------------------------------------- insert shapes

    private static final String MARIA_AUTO = "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)";
    private static final String PG_IDENTITY = "CREATE TABLE orders (id BIGINT GENERATED BY DEFAULT AS IDENTITY (START WITH 10) PRIMARY KEY,"
            + " code VARCHAR(20) UNIQUE, qty INT)";

    @Test
    void mariadbZeroKeyIsGenerated() throws SQLException {
        try (Fixture fixture = seeded(Fixture.of(Kind.MARIADB, Kind.MARIADB), MARIA_AUTO)) {
            run(fixture, "INSERT INTO orders (id, code, qty) VALUES (0, 'd', 4)");
            converge(fixture, "maria key 0 generated");
        }
    }

    // ---------------------------------------------------------------- key assignments

    @Test
    void postgresTupleSetAssignsTheKey() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "UPDATE orders SET (id, qty) = (10, 5) WHERE id = 1");
            converge(fixture, "pg SET (id, qty) = (10, 5)");
        }
    }

    // ---------------------------------------------------------------- pre-selects that see other rows

    @Test
    void postgresSequenceInWhereAdvancesBetweenPreselectAndDelete() throws SQLException {
        try (Fixture fixture = pg()) {
            fixture.onOld("CREATE SEQUENCE s");
            run(fixture, "DELETE FROM orders WHERE id = (SELECT nextval('s'))");
            System.out.println("REVIEW seq old " + oldRows(fixture));
            converge(fixture, "pg nextval in WHERE");
        }
    }

    // ---------------------------------------------------------------- writes the text does not name

    @Test
    void mariadbExecuteImmediate() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "EXECUTE IMMEDIATE 'UPDATE orders SET qty = 9 WHERE id = 1'");
            converge(fixture, "maria EXECUTE IMMEDIATE");
        }
    }




    // ---------------------------------------------------------------- transaction control the data source misreads

    @Test
    void postgresCommitAndChain() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "BEGIN", "UPDATE orders SET qty = 10 WHERE id = 1", "COMMIT AND CHAIN",
                    "UPDATE orders SET qty = 20 WHERE id = 2", "COMMIT");
            converge(fixture, "pg COMMIT AND CHAIN");
        }
    }

    @Test
    void mariadbXaTransaction() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "XA START 'x1'", "UPDATE orders SET qty = 10 WHERE id = 1", "XA END 'x1'", "XA COMMIT 'x1' ONE PHASE");
            converge(fixture, "maria XA ONE PHASE");
        }
    }

    @Test
    void mariadbXaTransactionTwoPhase() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "XA START 'x2'", "UPDATE orders SET qty = 10 WHERE id = 1", "XA END 'x2'", "XA PREPARE 'x2'",
                    "XA COMMIT 'x2'");
            converge(fixture, "maria XA two phase");
        }
    }

    // the transaction manager commits a prepared XA transaction from another session: its keys went into it as
    // outbox entries, which the reconciler syncs
    @Test
    void mariadbXaTransactionCommittedByAnotherSession() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .customize(builder -> builder.outboxGrace(java.time.Duration.ZERO)).build(), Mirrored.MARIA)) {
            run(fixture, "XA START 'x4'", "UPDATE orders SET qty = 10 WHERE id = 1",
                    "INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)", "XA END 'x4'", "XA PREPARE 'x4'");
            run(fixture, "XA COMMIT 'x4'");
            converge(fixture, "maria XA committed elsewhere");
        }
    }

    @Test
    void mariadbXaTransactionRolledBackByAnotherSessionLeavesNothing() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB)
                .customize(builder -> builder.outboxGrace(java.time.Duration.ZERO)).build(), Mirrored.MARIA)) {
            run(fixture, "XA START 'x5'", "INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5)", "XA END 'x5'",
                    "XA PREPARE 'x5'");
            run(fixture, "XA ROLLBACK 'x5'");
            converge(fixture, "maria XA rolled back elsewhere");
            assertThat(fixture.newDb.count("SELECT count(*) FROM orders_v2 WHERE id = 5")).isZero();
        }
    }

    @Test
    void mariadbXaRollback() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "XA START 'x3'", "INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)", "XA END 'x3'",
                    "XA ROLLBACK 'x3'");
            converge(fixture, "maria XA ROLLBACK");
        }
    }

    // ---------------------------------------------------------------- caller's view

    @Test
    void mariadbGeneratedKeysNotRequested() throws SQLException {
        String plain;
        try (TestDatabase db = TestDatabases.create(Kind.MARIADB)) {
            db.execute(MARIA_AUTO, "INSERT INTO orders (code, qty) VALUES ('a', 1), ('b', 2), ('c', 3)");
            try (Connection connection = db.dataSource().getConnection()) {
                plain = keysWithoutRequest(connection);
            }
        }
        try (Fixture fixture = seeded(Fixture.of(Kind.MARIADB, Kind.MARIADB), MARIA_AUTO)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                assertThat(keysWithoutRequest(connection)).isEqualTo(plain);
            }
            converge(fixture, "maria keys not requested");
        }
    }

    @Test
    void postgresGeneratedKeysNotRequested() throws SQLException {
        String plain;
        try (TestDatabase db = TestDatabases.create(Kind.POSTGRES)) {
            db.execute(PG_IDENTITY);
            try (Connection connection = db.dataSource().getConnection()) {
                plain = keysWithoutRequest(connection);
            }
        }
        try (Fixture fixture = seeded(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), PG_IDENTITY)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                assertThat(keysWithoutRequest(connection)).isEqualTo(plain);
            }
            converge(fixture, "pg keys not requested");
        }
    }

    private static String keysWithoutRequest(Connection connection) throws SQLException {
        StringBuilder seen = new StringBuilder();
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (code, qty) VALUES (?, ?)")) {
            insert.setString(1, "d");
            insert.setInt(2, 4);
            seen.append("execute=").append(insert.execute()).append(" count=").append(insert.getUpdateCount());
            seen.append(" more=").append(insert.getMoreResults()).append(" count2=").append(insert.getUpdateCount());
            try (ResultSet keys = insert.getGeneratedKeys()) {
                seen.append(" columns=").append(keys.getMetaData().getColumnCount());
                while (keys.next()) {
                    seen.append(" row=").append(keys.getString(1));
                }
            } catch (SQLException e) {
                seen.append(" keys threw ").append(e.getSQLState()).append(' ').append(e.getMessage());
            }
        }
        return seen.toString();
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void renamedAndDroppedColumnFailsAtBuild() {
        assertThatThrownBy(() -> TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity").drop("qty").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void duplicateKeyColumnFailsAtBuild() {
        assertThatThrownBy(() -> TableMapping.builder("orders").primaryKey("id", "ID").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- more inputs

    /** Runs the statements on a fresh plain database seeded like the fixture's old store; returns its orders rows. */
    private static List<Map<String, String>> plain(Kind kind, String ddl, String[] setup, String... sql) throws SQLException {
        try (TestDatabase db = TestDatabases.create(kind)) {
            db.execute(ddl, "INSERT INTO orders (id, code, qty) VALUES (1, 'a', 1)", "INSERT INTO orders (id, code, qty) VALUES (2, 'b', 2)",
                    "INSERT INTO orders (id, code, qty) VALUES (3, 'c', 3)");
            db.execute(setup);
            try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement()) {
                for (String each : sql) {
                    statement.execute(each);
                }
            }
            return Rows.of(db, "SELECT id, code, qty FROM orders ORDER BY id");
        }
    }

    @Test
    void postgresSequenceInWhereCallerView() throws SQLException {
        String[] setup = {"CREATE SEQUENCE s"};
        String sql = "DELETE FROM orders WHERE id = (SELECT nextval('s'))";
        var expected = plain(Kind.POSTGRES, Mirrored.PG, setup, sql);
        try (Fixture fixture = pg()) {
            fixture.onOld(setup);
            run(fixture, sql);
            assertThat(oldRows(fixture)).as("old store after the statement, vs plain JDBC").isEqualTo(expected);
        }
    }

    @Test
    void mariadbUserVariableInWhereCallerView() throws SQLException {
        String[] setup = {};
        var expected = plain(Kind.MARIADB, Mirrored.MARIA, setup, "SET @n = 0", "DELETE FROM orders WHERE id = (@n := @n + 1)");
        try (Fixture fixture = maria()) {
            run(fixture, "SET @n = 0", "DELETE FROM orders WHERE id = (@n := @n + 1)");
            assertThat(oldRows(fixture)).as("old store after the statement, vs plain JDBC").isEqualTo(expected);
        }
    }

    @Test
    void postgresVolatileFunctionInWhereRunsTwice() throws SQLException {
        String[] setup = {"CREATE TABLE hits (n INT)", "CREATE FUNCTION hit() RETURNS bigint LANGUAGE sql AS"
                + " 'INSERT INTO hits VALUES (1); SELECT 2::bigint'"};
        String sql = "UPDATE orders SET qty = 9 WHERE id = (SELECT hit())";
        long plainHits;
        try (TestDatabase db = TestDatabases.create(Kind.POSTGRES)) {
            db.execute(Mirrored.PG, "INSERT INTO orders VALUES (2, 'b', 2)");
            db.execute(setup);
            db.execute(sql);
            plainHits = db.count("SELECT count(*) FROM hits");
        }
        try (Fixture fixture = pg()) {
            fixture.onOld(setup);
            run(fixture, sql);
            assertThat(fixture.oldDb.count("SELECT count(*) FROM hits")).as("side effects of the caller's statement").isEqualTo(plainHits);
            converge(fixture, "pg volatile function in WHERE");
        }
    }

    @Test
    void postgresGeneratedKeysByNonKeyIntegerColumn() throws SQLException {
        try (Fixture fixture = seeded(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), PG_IDENTITY)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (code, qty) VALUES (?, ?)", new String[] {"qty"})) {
                insert.setString(1, "d");
                insert.setInt(2, 2);
                assertThat(insert.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getInt(1)).isEqualTo(2);
                }
            }
            converge(fixture, "pg generated keys String[]{qty}");
        }
    }

    @Test
    void postgresGeneratedKeysByNonKeyTextColumnIsRepairable() throws SQLException {
        try (Fixture fixture = seeded(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), PG_IDENTITY)) {
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (code, qty) VALUES (?, ?)", new String[] {"code"})) {
                insert.setString(1, "d");
                insert.setInt(2, 4);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            resolve(fixture);
            assertThat(Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .as("new store after the reconciler (records left %s)", fixture.recordKeys()).isEqualTo(oldRows(fixture));
        }
    }





    @Test
    void mariadbDoubleDashWithoutSpaceIsMinusMinus() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "DELETE FROM orders WHERE id = 2--1");
            System.out.println("REVIEW --1 old " + oldRows(fixture));
            converge(fixture, "maria id = 2--1");
        }
    }

    @Test
    void mariadbDoubleAmpersandAndDoublePipe() throws SQLException {
        try (Fixture fixture = maria()) {
            run(fixture, "UPDATE orders SET qty = 9 WHERE id = 1 && TRUE || id = 3");
            converge(fixture, "maria && ||");
        }
    }


    @Test
    void postgresAlterTableUsingRewritesData() throws SQLException {
        try (Fixture fixture = pg()) {
            run(fixture, "ALTER TABLE orders ALTER COLUMN qty TYPE INT USING qty + 100");
            converge(fixture, "pg ALTER TABLE ... USING");
        }
    }

    @Test
    void mariadbNewPrimaryAddedColumnLiteralWithBackslash() throws SQLException {
        TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2").rename("qty", "quantity")
                .add("note", "C:\\temp\\").build();
        try (Fixture fixture = Fixture.builder(Kind.MARIADB, Kind.MARIADB).phase(io.dualwrite.MigrationPhase.NEW_PRIMARY)
                .mappings(mapping).build()) {
            fixture.onOld(Mirrored.MARIA);
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT, note VARCHAR(100))");
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (4, 'd', 4)")).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.newDb, "SELECT id, note FROM orders_v2"))
                    .containsExactly(Rows.expected("id", 4, "note", "C:\\temp\\"));
        }
    }
}
