package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round 21's fixes of the write path's values, attacked: a double or float copied into a decimal column is to arrive
 * as the number the source's product shows for it. Each test ends with the stores compared by plain JDBC.
 */
class WritePathFixesBreak21Test {

    // Failed before its fix: round 21 wrote a double or float into a decimal column as Double.toString's or
    // Float.toString's text, which on Java 17 is longer than the shortest decimal that reads back as the same number
    // for some doubles (fixed only in Java 19) and on every version for the subnormals: MariaDB's DOUBLE 8.41e21
    // arrived in a PostgreSQL NUMERIC as 8409999999999999000000, PostgreSQL's smallest subnormal 5e-324 as 4.9e-324,
    // a REAL 1e-45 as 1.4e-45: other numbers than the product shows, the sync reporting success and nothing recorded
    // (the same double, so a check reading both as doubles passes). Asserted here without the library: the copied
    // decimal reads back as the old store's number and has no more digits than the old store's own text of it.
    // Guards (held): 1e23, 2e23 and a REAL 3e10, which PostgreSQL itself shows with 16 (8) digits.
    @ParameterizedTest(name = "{0} {1} -> {3} {4}: {2}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | DOUBLE PRECISION | 1e23                 | POSTGRES | NUMERIC",
        "POSTGRES | DOUBLE PRECISION | 2e23                 | POSTGRES | NUMERIC",
        "MARIADB  | DOUBLE           | 8.41e21              | POSTGRES | NUMERIC",
        "POSTGRES | DOUBLE PRECISION | 5e-324               | POSTGRES | NUMERIC",
        "POSTGRES | REAL             | 3e10                 | POSTGRES | NUMERIC",
        "POSTGRES | REAL             | 1e-45                | POSTGRES | NUMERIC",
        "POSTGRES | DOUBLE PRECISION | 1e23                 | MARIADB  | DECIMAL(30, 0)",
        "POSTGRES | DOUBLE PRECISION | 1e23                 | H2       | NUMERIC(30, 0)",
        // guards: the texts round 21 tested, which Java 17 already writes shortest
        "POSTGRES | DOUBLE PRECISION | 0.30000000000000004  | POSTGRES | NUMERIC",
        "POSTGRES | REAL             | 1.2345678            | POSTGRES | NUMERIC"})
    void aFloatingPointValueArrivesInADecimalColumnAsTheNumberItsProductShows(Kind oldKind, String oldType,
                                                                              String value, Kind newKind,
                                                                              String newType) throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, v " + oldType + ")");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, v " + newType + ")");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, qty, v) VALUES (1, 1, " + value + ")");
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();

            assertThat(fixture.records()).as("copied, not refused").isEmpty();
            String shown = text(fixture.oldDb.dataSource(), oldKind == Kind.MARIADB
                    ? "SELECT CAST(v AS CHAR) FROM orders WHERE id = 1" : "SELECT CAST(v AS TEXT) FROM orders WHERE id = 1");
            BigDecimal copied = decimal(fixture.newDb.dataSource(), "SELECT v FROM orders_v2 WHERE id = 1");
            BigDecimal shownNumber = new BigDecimal(shown);
            boolean single = oldType.equals("REAL");
            assertThat(single ? (Object) copied.floatValue() : (Object) copied.doubleValue())
                    .as("the new store's decimal %s reads back as the old store's number %s", copied, shown)
                    .isEqualTo(single ? (Object) shownNumber.floatValue() : (Object) shownNumber.doubleValue());
            assertThat(copied.stripTrailingZeros().precision())
                    .as("%s has no more digits than the old store shows, %s", copied, shown)
                    .isLessThanOrEqualTo(shownNumber.stripTrailingZeros().precision());
            Rows.assertOrdersSame(fixture, "id, qty");
            io.dualwrite.jdbc.schema.DualWriteSchema.create(fixture.oldDb.dataSource());
            io.dualwrite.jdbc.verify.VerificationResult verified = fixture.verifier().verify(
                    io.dualwrite.jdbc.verify.VerificationJob.builder(Fixture.MIGRATION).table(Fixture.ORDERS).build());
            assertThat(verified.clean()).as("verification finds no difference: %s", verified.toText()).isTrue();
        }
    }

    // Failed before its fix, the same fault as a key: MariaDB's DOUBLE key 8.41e21 became the PostgreSQL NUMERIC key
    // 8409999999999999000000, 2.82879384806159e17 became 282879384806159008 and 1.387364135037754e18 1387364135037754110,
    // other numbers than the old store shows (the update of the row then found it by the same long text). Now each
    // key arrives as the old store shows it, and the update and the delete reach that row. (A PostgreSQL float8 key's
    // insert records a scoped resync, keys-not-returned, as round 21 says: not a member here.)
    @ParameterizedTest(name = "{0}")
    @CsvSource({"8.41e21", "2.82879384806159e17", "1.387364135037754e18"})
    void aFloatingPointKeyArrivesInADecimalKeyAsTheNumberItsProductShows(String key) throws Exception {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id DOUBLE PRIMARY KEY, qty INT)");
            fixture.onNew("CREATE TABLE orders_v2 (id NUMERIC PRIMARY KEY, quantity INT)");
            for (String sql : new String[] {"INSERT INTO orders VALUES (" + key + ", 1)", "INSERT INTO orders VALUES (2, 2)",
                    "UPDATE orders SET qty = 5 WHERE id = " + key, "DELETE FROM orders WHERE id = 2"}) {
                try (Connection connection = fixture.dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.executeUpdate(sql);
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();

            assertThat(fixture.records()).isEmpty();
            String shown = text(fixture.oldDb.dataSource(), "SELECT CAST(id AS CHAR) FROM orders");
            BigDecimal copied = decimal(fixture.newDb.dataSource(), "SELECT id FROM orders_v2");
            assertThat(copied).as("the old store shows %s", shown).isEqualByComparingTo(new BigDecimal(shown));
            assertThat(Rows.of(fixture.newDb, "SELECT quantity FROM orders_v2")).as("the update reached the row")
                    .containsExactly(Rows.expected("quantity", 5));
            // compared by the old store's own text of the key (the shared row helper renders a double by Java's text)
            assertThat(Rows.of(fixture.newDb, "SELECT id FROM orders_v2")).hasSize(1);
            assertThat(Rows.of(fixture.oldDb, "SELECT id FROM orders")).hasSize(1);
        }
    }

    // Held (guards of round 21's driver-object fix): other ways to a driver object. A CallableStatement unwrapped to
    // the driver's, an Array of the connection (createArrayOf) whose result set is unwrapped, and the metadata's
    // getConnection (the proxy: mirrored exactly, nothing recorded; PostgreSQL's generated keys are the library's own
    // result set, which no driver type unwraps from). The
    // update through the raw connection each leads to is recorded as a scoped resync the tools resolve.
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"POSTGRES, callable", "POSTGRES, array-result-set", "H2, callable",
            "H2, array-result-set", "POSTGRES, metadata-connection", "MARIADB, metadata-connection"})
    void otherWaysToADriverObjectAreNeverSilent(Kind kind, String how) throws Exception {
        try (Fixture fixture = Fixture.of(kind, kind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)",
                    "INSERT INTO orders VALUES (1, 'a', 1), (2, 'b', 2)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)",
                    "INSERT INTO orders_v2 VALUES (1, 'a', 1), (2, 'b', 2)");
            String update = "UPDATE orders SET qty = 50 WHERE id = 1";
            try (Connection proxy = fixture.dataSource.getConnection()) {
                Connection raw;
                switch (how) {
                    case "callable" -> raw = ((java.sql.Statement) proxy.prepareCall("{call abs(?)}").unwrap(
                            Class.forName(kind == Kind.POSTGRES ? "org.postgresql.jdbc.PgCallableStatement"
                                    : "org.h2.jdbc.JdbcCallableStatement"))).getConnection();
                    case "array-result-set" -> {
                        ResultSet elements = proxy.createArrayOf("INTEGER", new Object[] {1, 2}).getResultSet();
                        assertThat(elements.getStatement()).as("no raw statement reachable as it is").isNull();
                        ResultSet unwrapped = (ResultSet) elements.unwrap(Class.forName(kind == Kind.POSTGRES
                                ? "org.postgresql.jdbc.PgResultSet" : "org.h2.jdbc.JdbcResultSet"));
                        raw = unwrapped.getStatement() == null
                                ? ((java.sql.Statement) proxy.createStatement().unwrap(Class.forName(
                                        kind == Kind.POSTGRES ? "org.postgresql.jdbc.PgStatement"
                                                : "org.h2.jdbc.JdbcStatement"))).getConnection()
                                : unwrapped.getStatement().getConnection();
                    }
                    default -> raw = proxy.getMetaData().getConnection();
                }
                try (Statement statement = raw.createStatement()) {
                    statement.executeUpdate(update);
                }
                if (how.equals("metadata-connection")) {
                    assertThat(raw).as("the metadata leads back to the proxy").isSameAs(proxy);
                }
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
            if (how.equals("metadata-connection")) {
                assertThat(fixture.records()).isEmpty();
            } else {
                assertThat(fixture.records()).as("recorded").isNotEmpty()
                        .allMatch(io.dualwrite.changelog.ChangeRecord::isScoped);
                fixture.resolveRecords();
                assertThat(fixture.records()).isEmpty();
            }
            Rows.assertOrdersSame(fixture, "id, code, qty");
        }
    }

    private static String text(javax.sql.DataSource dataSource, String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getString(1);
        }
    }

    private static BigDecimal decimal(javax.sql.DataSource dataSource, String sql) throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as(sql).isTrue();
            return rows.getBigDecimal(1);
        }
    }

    // Held (guards): NaN and the infinities into a decimal column, and floats into a DECIMAL(p,s) they do not fit. Where
    // the column holds the value (PostgreSQL's NUMERIC holds NaN and the infinities, a NUMERIC(10,2) NaN) it arrives
    // as it is; otherwise the row is not copied and its key is recorded, the reason named in the WARN: the library's
    // own check (MariaDB and H2 hold no NaN, 1e300 and a REAL 3e10 have too many digits for NUMERIC(10,2)) or
    // PostgreSQL's refusal of an infinity in a NUMERIC(10,2), which the copier names with the value.
    @ParameterizedTest(name = "{0} -> {2} {3}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "DOUBLE PRECISION | 'Infinity'  | POSTGRES | NUMERIC(10, 2) | false",
        "DOUBLE PRECISION | '-Infinity' | POSTGRES | NUMERIC(10, 2) | false",
        "REAL             | 'Infinity'  | POSTGRES | NUMERIC(10, 2) | false",
        "DOUBLE PRECISION | 'NaN'       | POSTGRES | NUMERIC(10, 2) | true",
        "DOUBLE PRECISION | 'Infinity'  | POSTGRES | NUMERIC        | true",
        "REAL             | '-Infinity' | POSTGRES | NUMERIC        | true",
        "DOUBLE PRECISION | 'NaN'       | MARIADB  | DECIMAL(10, 2) | false",
        "DOUBLE PRECISION | 'NaN'       | H2       | NUMERIC(10, 2) | false",
        "DOUBLE PRECISION | 1e300       | POSTGRES | NUMERIC(10, 2) | false",
        "REAL             | 3e10        | POSTGRES | NUMERIC(10, 2) | false"})
    void aSpecialOrTooLargeFloatIntoADecimalIsCopiedAsItIsOrRecorded(String oldType, String value, Kind newKind,
                                                                    String newType, boolean copied) throws Exception {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, newKind)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, v " + oldType + ")");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, v " + newType + ")");
            try (Connection connection = fixture.dataSource.getConnection();
                 Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, qty, v) VALUES (1, 1, " + value + ")");
            }
            assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();

            if (copied) {
                assertThat(fixture.records()).isEmpty();
                assertThat(text(fixture.newDb.dataSource(), "SELECT CAST(v AS TEXT) FROM orders_v2 WHERE id = 1"))
                        .isEqualTo(text(fixture.oldDb.dataSource(), "SELECT CAST(v AS TEXT) FROM orders WHERE id = 1"));
                Rows.assertOrdersSame(fixture, "id, qty");
            } else {
                assertThat(fixture.records()).singleElement().satisfies(record -> {
                    assertThat(record.key()).isEqualTo("1");
                    assertThat(record.reason()).isEqualTo("failed");
                });
                assertThat(Rows.of(fixture.newDb, "SELECT id FROM orders_v2")).as("nothing copied").isEmpty();
                assertThat(Rows.of(fixture.oldDb, "SELECT id, qty FROM orders")).hasSize(1);
            }
        }
    }
}
