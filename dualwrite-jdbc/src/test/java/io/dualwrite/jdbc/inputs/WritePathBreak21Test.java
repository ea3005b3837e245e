package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A twenty-first review of the write path's keys and values: the driver's own objects that {@code unwrap} hands out,
 * and spellings and shapes of a write the earlier rounds did not try. For each, the new store ends holding exactly
 * the old store's rows, or the write is recorded (its keys, or a scoped resync of the table) and the library's own
 * tools repair it: never a difference with nothing recorded, never an exception for the caller. Each test ends with
 * the stores compared row by row with plain JDBC.
 */
class WritePathBreak21Test {

    private static final String ROWS = "(1, 'a', 1), (2, 'b', 2), (3, 'c', 3)";

    /** Old store of {@code oldKind}, new of {@code newKind}: orders → orders_v2, qty renamed quantity. */
    private static Fixture orders(Kind oldKind, Kind newKind) {
        Fixture fixture = Fixture.of(oldKind, newKind);
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, qty INT)",
                "INSERT INTO orders VALUES " + ROWS);
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)",
                "INSERT INTO orders_v2 VALUES " + ROWS);
        return fixture;
    }

    private static final String UPDATE = "UPDATE orders SET qty = 50 WHERE id = 1";

    /** Writes {@code UPDATE} (or a row by COPY) through the driver's object that {@code how} unwraps from {@code proxy}. */
    private static void writeThroughDriverObject(Kind kind, String how, Connection proxy) throws Exception {
        switch (how) {
            case "connection" -> {
                Class<? extends Connection> type = switch (kind) {
                    case POSTGRES -> org.postgresql.jdbc.PgConnection.class;
                    case MARIADB -> org.mariadb.jdbc.Connection.class;
                    default -> org.h2.jdbc.JdbcConnection.class;
                };
                try (Statement raw = proxy.unwrap(type).createStatement()) {
                    raw.executeUpdate(UPDATE);
                }
            }
            case "copy" -> proxy.unwrap(org.postgresql.PGConnection.class).getCopyAPI()
                    .copyIn("COPY orders FROM STDIN (FORMAT csv)", new StringReader("9,i,9\n"));
            case "statement" -> {
                Class<? extends Statement> type = switch (kind) {
                    case POSTGRES -> org.postgresql.jdbc.PgStatement.class;
                    case MARIADB -> org.mariadb.jdbc.Statement.class;
                    default -> org.h2.jdbc.JdbcStatement.class;
                };
                try (Statement statement = proxy.createStatement()) {
                    statement.unwrap(type).executeUpdate(UPDATE);
                }
            }
            case "statement-connection" -> {
                try (Statement statement = proxy.createStatement()) {
                    Statement raw = (Statement) statement.unwrap(Class.forName(kind == Kind.POSTGRES
                            ? "org.postgresql.jdbc.PgStatement" : kind == Kind.MARIADB ? "org.mariadb.jdbc.Statement"
                            : "org.h2.jdbc.JdbcStatement"));
                    try (Statement other = raw.getConnection().createStatement()) {
                        other.executeUpdate(UPDATE);
                    }
                }
            }
            case "metadata" -> {
                java.sql.DatabaseMetaData raw = (java.sql.DatabaseMetaData) proxy.getMetaData().unwrap(
                        Class.forName(kind == Kind.POSTGRES ? "org.postgresql.jdbc.PgDatabaseMetaData"
                                : kind == Kind.MARIADB ? "org.mariadb.jdbc.DatabaseMetaData"
                                : "org.h2.jdbc.JdbcDatabaseMetaData"));
                try (Statement other = raw.getConnection().createStatement()) {
                    other.executeUpdate(UPDATE);
                }
            }
            case "result-set" -> {
                try (Statement statement = proxy.createStatement();
                     ResultSet results = statement.executeQuery("SELECT id FROM orders")) {
                    ResultSet raw = (ResultSet) results.unwrap(Class.forName(kind == Kind.POSTGRES
                            ? "org.postgresql.jdbc.PgResultSet" : kind == Kind.MARIADB
                            ? "org.mariadb.jdbc.client.result.Result" : "org.h2.jdbc.JdbcResultSet"));
                    try (Statement other = raw.getStatement().getConnection().createStatement()) {
                        other.executeUpdate(UPDATE);
                    }
                }
            }
            case "metadata-result-set" -> {
                try (ResultSet tables = proxy.getMetaData().getTables(null, null, "%", null)) {
                    ResultSet raw = (ResultSet) tables.unwrap(Class.forName(kind == Kind.POSTGRES
                            ? "org.postgresql.jdbc.PgResultSet" : "org.h2.jdbc.JdbcResultSet"));
                    try (Statement other = raw.getStatement().getConnection().createStatement()) {
                        other.executeUpdate(UPDATE);
                    }
                }
            }
            default -> throw new IllegalArgumentException(how);
        }
    }

    // Failed before its fix (left open by round 20): unwrap of a proxy to a type only the driver's own object is (its
    // connection class, PGConnection for COPY, its statement, metadata or result set, and from them the raw
    // connection) handed the application an object whose writes the library never saw: the update or the copied row
    // reached the old store only, with nothing recorded. Handing out a driver object now marks the session: every
    // mapped table gets a scoped resync at once in auto-commit, and again at each end of the session's transactions
    // and at its close, which the tools resolve.
    @ParameterizedTest(name = "{0} -> {1}: {2}, auto-commit {3}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | POSTGRES | connection           | true",
        "POSTGRES | POSTGRES | connection           | false",
        "POSTGRES | POSTGRES | copy                 | true",
        "POSTGRES | POSTGRES | copy                 | false",
        "POSTGRES | POSTGRES | statement            | true",
        "POSTGRES | POSTGRES | statement-connection | false",
        "POSTGRES | POSTGRES | metadata             | true",
        "POSTGRES | POSTGRES | result-set           | true",
        "MARIADB  | MARIADB  | connection           | true",
        "MARIADB  | MARIADB  | statement            | false",
        "MARIADB  | MARIADB  | metadata             | false",
        "MARIADB  | MARIADB  | result-set           | true",
        "MARIADB  | POSTGRES | connection           | true",
        "MARIADB  | POSTGRES | statement-connection | true",
        "H2       | H2       | connection           | true",
        "H2       | H2       | connection           | false",
        "H2       | H2       | statement            | true",
        "H2       | H2       | metadata             | true",
        "H2       | H2       | result-set           | false",
        "POSTGRES | POSTGRES | metadata-result-set  | true",
        "POSTGRES | POSTGRES | metadata-result-set  | false"})
    void aWriteThroughAnUnwrappedDriverObjectIsNeverSilent(Kind oldKind, Kind newKind, String how,
                                                           boolean autoCommit) throws Exception {
        try (Fixture fixture = orders(oldKind, newKind)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                connection.setAutoCommit(autoCommit);
                writeThroughDriverObject(oldKind, how, connection);
                if (!autoCommit) {
                    connection.commit();
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();

            assertThat(Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id"))
                    .as("the write reached the old store").isNotEqualTo(Rows.of(fixture.newDb,
                            "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"));
            assertThat(fixture.records()).as("recorded").isNotEmpty().allMatch(ChangeRecord::isScoped)
                    .extracting(ChangeRecord::table).containsOnly("orders");
            fixture.resolveRecords();
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Held, and kept as a guard of the fix above: unwrap to a JDBC interface answers the library's proxy, whose writes
    // are mirrored exactly, and isWrapperFor hands nothing out, so neither records a resync.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"POSTGRES", "MARIADB", "H2"})
    void unwrapToAJdbcInterfaceStaysBehindTheProxyAndRecordsNothing(Kind kind) throws Exception {
        try (Fixture fixture = orders(kind, kind)) {
            try (Connection connection = fixture.dataSource.getConnection()) {
                assertThat(connection.isWrapperFor(kind == Kind.POSTGRES ? org.postgresql.PGConnection.class
                        : kind == Kind.MARIADB ? org.mariadb.jdbc.Connection.class : org.h2.jdbc.JdbcConnection.class))
                        .isTrue();
                try (Statement statement = connection.unwrap(Connection.class).createStatement()) {
                    statement.unwrap(Statement.class).executeUpdate(UPDATE);
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();

            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).hasSize(3);
        }
    }

    // Failed before its fix: a double copied into a decimal column of PostgreSQL was bound as a double, and the server's
    // cast of a float8 to numeric keeps 15 significant digits (a float4's, 6): 0.30000000000000004 arrived as 0.3 and
    // 1.2345678f as 1.23457, another number, with the sync reporting success and nothing recorded. A float copied into
    // a decimal of a declared scale was refused for digits it does not have (0.1f read as 0.10000000149011612). A
    // double or float is now written into a decimal column as its shortest exact text (the number the source's
    // product shows, which reads back as the same double or float), and checked against the column as that number.
    @ParameterizedTest(name = "{0} {1} -> {3} {4}: {2}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | DOUBLE           | 0.30000000000000004  | POSTGRES | NUMERIC",
        "POSTGRES | DOUBLE PRECISION | 0.30000000000000004  | POSTGRES | NUMERIC",
        "POSTGRES | DOUBLE PRECISION | 1.2345678901234567   | POSTGRES | NUMERIC(30, 20)",
        "H2       | DOUBLE PRECISION | 123456.78901234567   | POSTGRES | NUMERIC",
        "POSTGRES | REAL             | 1.2345678            | POSTGRES | NUMERIC",
        "MARIADB  | FLOAT            | 0.1                  | POSTGRES | NUMERIC(10, 2)",
        "POSTGRES | REAL             | 0.1                  | MARIADB  | DECIMAL(10, 2)",
        "MARIADB  | DOUBLE           | 0.30000000000000004  | MARIADB  | DECIMAL(30, 20)",
        "POSTGRES | DOUBLE PRECISION | 0.30000000000000004  | H2       | NUMERIC(30, 20)"})
    void aFloatingPointValueArrivesInADecimalColumnAsTheSameNumber(Kind oldKind, String oldType, String value,
                                                                   Kind newKind, String newType) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, v " + oldType + ")");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, v " + newType + ")");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, qty, v) VALUES (1, 1, " + value + ")");
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();

            assertThat(fixture.records()).as("copied, not refused").isEmpty();
            boolean single = oldType.equals("REAL") || oldType.equals("FLOAT");
            Object old = number(fixture.oldDb.dataSource(), "SELECT v FROM orders WHERE id = 1", single);
            Object copied = number(fixture.newDb.dataSource(), "SELECT v FROM orders_v2 WHERE id = 1", single);
            assertThat(copied).as("the new store's decimal reads back as the old store's number").isEqualTo(old);
            Rows.assertOrdersSame(fixture, "id, qty");
        }
    }

    // Failed before its fix, the same fault as a key: a MariaDB DOUBLE key copied into a PostgreSQL NUMERIC key arrived
    // as 0.3 (a PostgreSQL float8 key too), and the update of the row then synced a key the new store does not hold.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"MARIADB", "POSTGRES"})
    void aFloatingPointKeyArrivesInADecimalKeyAsTheSameNumber(Kind oldKind) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id " + (oldKind == Kind.MARIADB ? "DOUBLE" : "DOUBLE PRECISION")
                    + " PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id NUMERIC PRIMARY KEY, quantity INT)");
            for (String sql : new String[] {"INSERT INTO orders VALUES (0.30000000000000004, 1), (0.1, 2)",
                    "UPDATE orders SET qty = 5 WHERE id = 0.30000000000000004", "DELETE FROM orders WHERE qty = 2"}) {
                try (Connection connection = fixture.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate(sql);
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();

            if (oldKind == Kind.POSTGRES) {
                // the multi-row insert's keys come back as text PostgreSQL does not promise to render alike: a scoped
                // resync, which verification refuses by name for a float8 key against a numeric one; it stays pending
                assertThat(fixture.records()).singleElement()
                        .satisfies(record -> assertThat(record.reason()).isEqualTo("keys-not-returned"));
            } else {
                assertThat(fixture.records()).isEmpty();
            }
            assertThat(number(fixture.newDb.dataSource(), "SELECT id FROM orders_v2", false))
                    .isEqualTo(number(fixture.oldDb.dataSource(), "SELECT id FROM orders", false));
            Rows.assertOrdersSame(fixture, "id, qty");
        }
    }

    /** The one value {@code sql} selects, read by plain JDBC as a float ({@code single}) or a double. */
    private static Object number(javax.sql.DataSource dataSource, String sql, boolean single) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return single ? (Object) rows.getFloat(1) : (Object) rows.getDouble(1);
        }
    }

    /** Inserts one row (code w) asking for its generated key under {@code maxRows} 1: the count and the key. */
    private static String insertOneUnderMaxRowsOne(Connection connection) throws Exception {
        try (java.sql.PreparedStatement one = connection.prepareStatement(
                "INSERT INTO orders (code, qty) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            one.setMaxRows(1);
            one.setString(1, "w");
            one.setInt(2, 4);
            String count = "count " + one.executeUpdate();
            try (ResultSet keys = one.getGeneratedKeys()) {
                return count + (keys.next() ? ", key " + keys.getLong(1) : ", no key");
            }
        }
    }

    /** Runs {@code how}'s insert of three rows (codes x, y, z) asking for generated keys under {@code maxRows}. */
    private static String insertWithKeysUnderMaxRows(Connection connection, Kind kind, String how, int maxRows)
            throws Exception {
        String values = "VALUES ('x', 1), ('y', 2), ('z', 3)";
        String upsert = kind == Kind.MARIADB ? " ON DUPLICATE KEY UPDATE qty = qty + 100"
                : kind == Kind.POSTGRES ? " ON CONFLICT (code) DO UPDATE SET qty = orders.qty + 100" : "";
        java.sql.PreparedStatement prepared = switch (how) {
            case "prepared-columns" -> connection.prepareStatement("INSERT INTO orders (code, qty) " + values,
                    new String[] {"id"});
            case "prepared-generated" -> connection.prepareStatement("INSERT INTO orders (code, qty) " + values,
                    Statement.RETURN_GENERATED_KEYS);
            case "upsert" -> connection.prepareStatement("INSERT INTO orders (code, qty) VALUES ('a', 5), ('y', 2),"
                    + " ('z', 3)" + upsert, Statement.RETURN_GENERATED_KEYS);
            case "explicit-ids" -> connection.prepareStatement("INSERT INTO orders (id, code, qty) VALUES (20, 'x', 1),"
                    + " (21, 'y', 2), (22, 'z', 3)", Statement.RETURN_GENERATED_KEYS);
            default -> null;
        };
        try (Statement statement = prepared != null ? prepared : connection.createStatement()) {
            statement.setMaxRows(maxRows);
            StringBuilder seen = new StringBuilder("count ");
            switch (how) {
                case "statement" -> seen.append(statement.executeUpdate("INSERT INTO orders (code, qty) " + values,
                        Statement.RETURN_GENERATED_KEYS));
                case "statement-select" -> seen.append(statement.execute("INSERT INTO orders (code, qty) SELECT"
                        + " CONCAT(code, 'x'), qty FROM orders", new String[] {"id"}));
                default -> seen.append(prepared.executeUpdate());
            }
            seen.append(", keys ");
            try (ResultSet keys = statement.getGeneratedKeys()) {
                while (keys.next()) {
                    seen.append(keys.getLong(1)).append(' ');
                }
            }
            return seen.toString();
        }
    }

    // Failed before its fix: PostgreSQL's driver returns the generated keys the application asked for as the rows of a
    // RETURNING it adds, and the statement's maxRows stops them (and the update count) at that many; the library,
    // which leaves the application's maxRows in force so that the application sees what the driver gives, took the
    // first keys for all: the other rows of a multi-row insert (VALUES or SELECT, Statement or PreparedStatement, keys
    // asked by flag, names or indexes) reached the old store only, with nothing recorded. Keys read under a maxRows
    // they reach now record a scoped resync of the table (keys-cut-by-max-rows), unless there is a key for each row of
    // the VALUES list. H2 and MariaDB return every key whatever maxRows says (held, kept as guards).
    @ParameterizedTest(name = "{0}: {1}, maxRows {2}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | statement          | 1",
        "POSTGRES | statement          | 2",
        "POSTGRES | statement-select   | 1",
        "POSTGRES | prepared-columns   | 1",
        "POSTGRES | prepared-generated | 2",
        "POSTGRES | upsert             | 1",
        "POSTGRES | explicit-ids       | 1",
        "H2       | statement          | 1",
        "H2       | prepared-columns   | 1",
        "MARIADB  | statement          | 1",
        "MARIADB  | prepared-generated | 1",
        "MARIADB  | upsert             | 1"})
    void keysTheApplicationAskedForUnderMaxRowsAreNeverCutSilently(Kind kind, String how, int maxRows)
            throws Exception {
        try (Fixture fixture = Fixture.of(kind, kind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT " + (kind == Kind.MARIADB ? "AUTO_INCREMENT"
                    : "GENERATED BY DEFAULT AS IDENTITY (START WITH 10)") + " PRIMARY KEY, code VARCHAR(20) UNIQUE,"
                    + " qty INT)" + (kind == Kind.MARIADB ? " AUTO_INCREMENT = 10" : ""),
                    "INSERT INTO orders (id, code, qty) VALUES " + ROWS);
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)",
                    "INSERT INTO orders_v2 VALUES " + ROWS);
            try (Connection connection = fixture.dataSource.getConnection()) {
                insertWithKeysUnderMaxRows(connection, kind, how, maxRows);
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();

            if (!Rows.of(fixture.oldDb, "SELECT id, code, qty FROM orders ORDER BY id").equals(
                    Rows.of(fixture.newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"))) {
                assertThat(fixture.records()).as("a difference is recorded").isNotEmpty();
            }
            fixture.resolveRecords();
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    // Held, kept as a guard of the fix above: what the application sees under maxRows is what the driver gives without
    // the library (the keys cut at maxRows on PostgreSQL, all of them on H2 and MariaDB's first key only), and a
    // single-row insert under maxRows 1 keeps its exact key, recording nothing.
    @ParameterizedTest(name = "{0}")
    @CsvSource({"POSTGRES", "H2", "MARIADB"})
    void keysUnderMaxRowsAreAsTheDriverGivesThemAndASingleRowStaysExact(Kind kind) throws Exception {
        try (Fixture fixture = Fixture.of(kind, kind)) {
            String table = "CREATE TABLE orders (id BIGINT " + (kind == Kind.MARIADB ? "AUTO_INCREMENT"
                    : "GENERATED BY DEFAULT AS IDENTITY (START WITH 10)") + " PRIMARY KEY, code VARCHAR(20) UNIQUE,"
                    + " qty INT)" + (kind == Kind.MARIADB ? " AUTO_INCREMENT = 10" : "");
            fixture.onOld(table);
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20) UNIQUE, quantity INT)");
            String throughLibrary;
            try (Connection connection = fixture.dataSource.getConnection()) {
                throughLibrary = insertWithKeysUnderMaxRows(connection, kind, "prepared-generated", 1)
                        + " / " + insertOneUnderMaxRowsOne(connection);
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            assertThat(fixture.records()).as("only the three-row insert's resync (PostgreSQL)")
                    .allSatisfy(record -> assertThat(record.reason()).isEqualTo("keys-cut-by-max-rows"));
            fixture.resolveRecords();
            assertThat(fixture.records()).isEmpty();
            Rows.assertOrdersSame(fixture, "id, code, qty");

            fixture.onOld("DROP TABLE orders", table);
            String plain;
            try (Connection connection = fixture.oldDb.dataSource().getConnection()) {
                plain = insertWithKeysUnderMaxRows(connection, kind, "prepared-generated", 1)
                        + " / " + insertOneUnderMaxRowsOne(connection);
            }
            assertThat(throughLibrary).isEqualTo(plain);
        }
    }
}
