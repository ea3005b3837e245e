package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/** Values that must arrive exactly, beyond those the inputs cover. */
class ExactValuesMoreTest {

    private static void write(Fixture fixture, String... sql) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.executeUpdate(each);
            }
        }
    }

    @Test
    void postgresBit1IntoPostgresBit1() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, flag BIT(1), bits BIT(4))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, flag BIT(1), bits BIT(4))");
            write(fixture, "INSERT INTO orders (id, qty, flag, bits) VALUES (1, 1, B'1', B'1010')",
                    "INSERT INTO orders (id, qty, flag, bits) VALUES (2, 2, B'0', B'0001')");
            Rows.assertSame(fixture.oldDb, "SELECT id, qty, flag::text AS flag, bits::text AS bits FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, flag::text AS flag, bits::text AS bits FROM orders_v2 ORDER BY id");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void mariadbBit1IntoPostgresBooleanAndMariadbBit1() throws SQLException {
        for (Kind target : new Kind[] {Kind.POSTGRES, Kind.MARIADB}) {
            try (Fixture fixture = Fixture.of(Kind.MARIADB, target)) {
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, flag BIT(1))");
                fixture.onNew(target == Kind.POSTGRES ? "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, flag BOOLEAN)"
                        : "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, flag BIT(1))");
                write(fixture, "INSERT INTO orders (id, qty, flag) VALUES (1, 1, b'1')", "INSERT INTO orders (id, qty, flag) VALUES (2, 2, b'0')");
                Rows.assertSame(fixture.oldDb, "SELECT id, qty, flag + 0 AS flag FROM orders ORDER BY id", fixture.newDb,
                        target == Kind.POSTGRES ? "SELECT id, quantity AS qty, CASE WHEN flag THEN 1 ELSE 0 END AS flag FROM orders_v2 ORDER BY id"
                                : "SELECT id, quantity AS qty, flag + 0 AS flag FROM orders_v2 ORDER BY id");
                assertThat(fixture.records()).isEmpty();
            }
        }
    }

    @Test
    void mariadbDatetimeInTheBerlinDstGapWithTheJvmInBerlinIntoPostgres() throws SQLException {
        dstGap(Kind.POSTGRES);
    }

    @Test
    void mariadbDatetimeInTheBerlinDstGapWithTheJvmInBerlinIntoMariadb() throws SQLException {
        dstGap(Kind.MARIADB);
    }

    @Test
    void mariadbDatetimeInTheBerlinDstGapWithTheJvmInBerlinIntoH2() throws SQLException {
        dstGap(Kind.H2);
    }

    private static String format(Kind kind, String column) {
        return switch (kind) {
            case MARIADB -> "DATE_FORMAT(" + column + ", '%Y-%m-%d %H:%i:%s.%f')";
            case POSTGRES -> "to_char(" + column + ", 'YYYY-MM-DD HH24:MI:SS.US')";
            // TO_CHAR renders the value held; FORMATDATETIME goes through the JVM's zone, which shows a Berlin gap's
            // 02:30 as 03:30 when H2 first met the zone in this test (run alone) and not when it met it before
            case H2 -> "TO_CHAR(" + column + ", 'YYYY-MM-DD HH24:MI:SS.FF6')";
        };
    }

    private static void dstGap(Kind target) throws SQLException {
        TimeZone saved = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
        try (Fixture fixture = Fixture.of(Kind.MARIADB, target)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, at DATETIME(6))");
            fixture.onNew(target == Kind.MARIADB ? "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, at DATETIME(6))"
                    : "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, at TIMESTAMP(6))");
            write(fixture, "INSERT INTO orders (id, qty, at) VALUES (1, 1, '2026-03-29 02:30:00.123456')",
                    "INSERT INTO orders (id, qty, at) VALUES (2, 2, '2026-10-25 02:30:00')");
            var rows = Rows.assertSame(fixture.oldDb, "SELECT id, qty, " + format(Kind.MARIADB, "at") + " AS at FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, " + format(target, "at") + " AS at FROM orders_v2 ORDER BY id");
            assertThat(rows.get(0).get("at")).isEqualTo("2026-03-29 02:30:00.123456");
            assertThat(fixture.records()).isEmpty();
        } finally {
            TimeZone.setDefault(saved);
        }
    }

    @Test
    void postgresTimestamp6IntoMariadbDatetime6AndDecimal20x6AndUnsignedMax() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, amount DECIMAL(20,6), big BIGINT UNSIGNED, at DATETIME(6))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, amount NUMERIC(20,6), big NUMERIC(20), at TIMESTAMP(6))");
            write(fixture, "INSERT INTO orders VALUES (1, 1, 99999999999999.999999, 18446744073709551615, '1999-12-31 23:59:59.999999')",
                    "INSERT INTO orders VALUES (2, 2, -0.000001, 0, '1970-01-01 00:00:00.000001')",
                    "INSERT INTO orders VALUES (3, 3, 1.100000, 9223372036854775808, '2038-01-19 03:14:08.5')");
            Rows.assertSame(fixture.oldDb, "SELECT id, qty, CAST(amount AS CHAR) AS amount, CAST(big AS CHAR) AS big, CAST(at AS CHAR) AS at FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, amount::text AS amount, big::text AS big,"
                            + " to_char(at, 'YYYY-MM-DD HH24:MI:SS.US') AS at FROM orders_v2 ORDER BY id");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void mariadbJsonBlobAndEmojiIntoPostgres() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, doc JSON, blob_col LONGBLOB, note TEXT) CHARSET utf8mb4");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, doc JSON, blob_col BYTEA, note TEXT)");
            byte[] bytes = new byte[256];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) i;
            }
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO orders (id, qty, doc, blob_col, note) VALUES (?, ?, ?, ?, ?)")) {
                insert.setLong(1, 1);
                insert.setInt(2, 1);
                insert.setString(3, "{\"b\": 1, \"a\": [\"x\\\\y\", \"😀\"]}");
                insert.setBytes(4, bytes);
                insert.setString(5, "😀 ünï 𝄞 \\ 'q'");
                insert.executeUpdate();
            }
            Rows.assertSame(fixture.oldDb, "SELECT id, qty, doc, HEX(blob_col) AS blob_col, note FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, doc::text AS doc, upper(encode(blob_col, 'hex')) AS blob_col, note FROM orders_v2 ORDER BY id");
            assertThat(fixture.records()).isEmpty();
        }
    }

    @Test
    void postgresJsonbAndUuidColumnIntoMariadb() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, doc JSONB, ref UUID)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, doc JSON, ref CHAR(36))");
            write(fixture, "INSERT INTO orders VALUES (1, 1, '{\"b\": 1, \"a\": \"x\\\\y\"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
            Rows.assertSame(fixture.oldDb, "SELECT id, qty, doc::text AS doc, ref::text AS ref FROM orders ORDER BY id",
                    fixture.newDb, "SELECT id, quantity AS qty, doc, ref FROM orders_v2 ORDER BY id");
            assertThat(fixture.records()).isEmpty();
        }
    }
}
