package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Values and columns the copier could not copy (the sync failed every time, recorded) or changed on the way: columns
 * the target computes, PostgreSQL identity columns {@code GENERATED ALWAYS}, numbers that are not numbers, money
 * beyond a double, times with their offset, 24:00:00, XML declarations, MySQL dates with a zero month or day and
 * spatial types whose names contain "INT". Each is written live, then changed while the new store is down and
 * repaired by the reconciler; both stores are compared by each test's own SQL, as text.
 */
class ExactValuesBreak5Test {

    private static void write(Fixture fixture, String... sql) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String each : sql) {
                statement.executeUpdate(each);
            }
        }
    }

    /**
     * Writes {@code inserts} live, then with the new store down raises every row's qty, and lets the reconciler
     * repair what that recorded: the live sync and the repair both copy every value.
     */
    private static void liveThenRepaired(Fixture fixture, String... inserts) throws SQLException {
        write(fixture, inserts);
        assertThat(fixture.records()).as("a live sync failed").isEmpty();
        fixture.newStoreDown();
        write(fixture, "UPDATE orders SET qty = qty + 1");
        fixture.newStoreBack();
        assertThat(fixture.records()).as("the writes while the new store was down").isNotEmpty();
        fixture.resolveRecords();
        assertThat(fixture.records()).as("a repair failed").isEmpty();
    }

    private static List<Map<String, String>> assertSame(Fixture fixture, String oldValues, String newValues) {
        return Rows.assertSame(fixture.oldDb, "SELECT id, qty, " + oldValues + " FROM orders ORDER BY id",
                fixture.newDb, "SELECT id, quantity AS qty, " + newValues + " FROM orders_v2 ORDER BY id");
    }

    private static String generated(Kind kind, String column) {
        return switch (kind) {
            case POSTGRES -> "INT GENERATED ALWAYS AS (" + column + " * 2) STORED";
            case MARIADB -> "INT AS (" + column + " * 2) PERSISTENT";
            case H2 -> "INT GENERATED ALWAYS AS (" + column + " * 2)";
        };
    }

    private static String virtual(Kind kind, String column) {
        return switch (kind) {
            case POSTGRES -> "INT GENERATED ALWAYS AS (" + column + " + 1) VIRTUAL";
            case MARIADB -> "INT AS (" + column + " + 1) VIRTUAL";
            case H2 -> generated(kind, column);
        };
    }

    // INVISIBLE columns (MariaDB, H2): SELECT * leaves them out, so the copier never read them and the new store's
    // stayed NULL, with nothing recorded.
    @Test
    void invisibleColumnsAreCopiedLikeAnyOther() throws SQLException {
        for (Kind kind : new Kind[] {Kind.MARIADB, Kind.H2}) {
            try (Fixture fixture = Fixture.of(kind, kind)) {
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, secret VARCHAR(10) INVISIBLE, note VARCHAR(10))");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, secret VARCHAR(10) INVISIBLE, note VARCHAR(10))");
                liveThenRepaired(fixture, "INSERT INTO orders (id, qty, secret, note) VALUES (1, 1, 'hidden', 'shown')",
                        "INSERT INTO orders (id, qty, note) VALUES (2, 1, 'shown')");
                assertThat(assertSame(fixture, "secret, note", "secret, note")).as(kind.name())
                        .first().isEqualTo(Rows.expected("id", 1, "qty", 2, "secret", "hidden", "note", "shown"));
            }
        }
    }

    // Generated columns: the target computes them and refuses a given value (PostgreSQL "cannot insert a
    // non-DEFAULT value", MariaDB error 1906, H2 "cannot be assigned"), so every sync of such a table failed.
    @Test
    void generatedColumnsOnBothStoresAreComputedByTheNewStoreNotWritten() throws SQLException {
        for (Kind kind : Kind.values()) {
            try (Fixture fixture = Fixture.of(kind, kind)) {
                // v: computed when read (MariaDB and PostgreSQL 18 VIRTUAL)
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, g " + generated(kind, "qty")
                        + ", v " + virtual(kind, "qty") + ")");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, g " + generated(kind, "quantity")
                        + ", v " + virtual(kind, "quantity") + ")");
                liveThenRepaired(fixture, "INSERT INTO orders (id, qty) VALUES (1, 3)", "INSERT INTO orders (id, qty) VALUES (2, 5)");
                assertThat(assertSame(fixture, "g, v", "g, v")).as(kind.name()).hasSize(2)
                        .first().isEqualTo(Rows.expected("id", 1, "qty", 4, "g", 8, "v", kind == Kind.H2 ? 8 : 5));
            }
        }
    }

    @Test
    void aColumnGeneratedOnlyOnTheNewStoreIsComputedThereFromTheCopiedColumns() throws SQLException {
        for (Kind kind : Kind.values()) {
            try (Fixture fixture = Fixture.of(kind, kind)) {
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, g INT)");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, g " + generated(kind, "quantity") + ")");
                // the old store's g holds what the new store computes (round 20: a value computed otherwise is
                // refused by name, aValueTheNewStoreComputesOtherwiseIsRefusedByName in WritePathBreak20Test)
                write(fixture, "INSERT INTO orders (id, qty, g) VALUES (1, 3, 6)");
                assertThat(fixture.records()).as("a live sync failed").isEmpty();
                fixture.newStoreDown();
                write(fixture, "UPDATE orders SET qty = qty + 1", "UPDATE orders SET g = qty * 2");
                fixture.newStoreBack();
                assertThat(fixture.records()).as("the writes while the new store was down").isNotEmpty();
                fixture.resolveRecords();
                assertThat(fixture.records()).as("a repair failed").isEmpty();
                assertThat(assertSame(fixture, "g", "g")).as(kind.name()).hasSize(1);
            }
        }
    }

    // A PostgreSQL identity key GENERATED ALWAYS on the new store: the old store's key is inserted with OVERRIDING
    // SYSTEM VALUE (without it every insert failed); a non-key identity column GENERATED ALWAYS likewise, never updated.
    @Test
    void postgresIdentityColumnsGeneratedAlwaysTakeTheOldStoresValues() throws SQLException {
        for (Kind old : new Kind[] {Kind.POSTGRES, Kind.MARIADB}) {
            try (Fixture fixture = Fixture.of(old, Kind.POSTGRES)) {
                fixture.onOld(old == Kind.POSTGRES
                        ? "CREATE TABLE orders (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty INT, n BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 100))"
                        : "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, qty INT, n BIGINT)");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, quantity INT,"
                        + " n BIGINT GENERATED ALWAYS AS IDENTITY)");
                String n = old == Kind.POSTGRES ? "" : ", n";
                String nValue = old == Kind.POSTGRES ? "" : ", 100";
                liveThenRepaired(fixture, "INSERT INTO orders (qty" + n + ") VALUES (3" + nValue + ")",
                        "INSERT INTO orders (qty" + n + ") VALUES (4" + nValue.replace("100", "101") + ")",
                        "INSERT INTO orders (qty" + n + ") VALUES (5" + nValue.replace("100", "102") + ")",
                        "DELETE FROM orders WHERE qty = 4");
                assertThat(assertSame(fixture, "n", "n")).as(old.name())
                        .containsExactly(Rows.expected("id", 1, "qty", 4, "n", 100), Rows.expected("id", 3, "qty", 6, "n", 102));
            }
        }
    }

    // An H2 identity column GENERATED ALWAYS on the new store: H2's MERGE … KEY cannot assign it at all ("Generated
    // column cannot be assigned"), so every sync into such a table failed and stayed recorded. Key and non-key
    // identity columns, from an H2 and from a MariaDB old store, live and through repair.
    @Test
    void h2IdentityColumnsGeneratedAlwaysTakeTheOldStoresValues() throws SQLException {
        for (Kind old : new Kind[] {Kind.H2, Kind.MARIADB}) {
            try (Fixture fixture = Fixture.of(old, Kind.H2)) {
                fixture.onOld(old == Kind.H2
                        ? "CREATE TABLE orders (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, qty INT, n BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 100))"
                        : "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY, qty INT, n BIGINT)");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, quantity INT,"
                        + " n BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 500))");
                String n = old == Kind.H2 ? "" : ", n";
                String nValue = old == Kind.H2 ? "" : ", 100";
                liveThenRepaired(fixture, "INSERT INTO orders (qty" + n + ") VALUES (3" + nValue + ")",
                        "INSERT INTO orders (qty" + n + ") VALUES (4" + nValue.replace("100", "101") + ")",
                        "INSERT INTO orders (qty" + n + ") VALUES (5" + nValue.replace("100", "102") + ")",
                        "DELETE FROM orders WHERE qty = 4");
                assertThat(assertSame(fixture, "n", "n")).as(old.name())
                        .containsExactly(Rows.expected("id", 1, "qty", 4, "n", 100), Rows.expected("id", 3, "qty", 6, "n", 102));
            }
        }
    }

    // A table whose only columns besides the key are identity columns: nothing is left to update on a match.
    @Test
    void h2TableOfKeyAndIdentityOnlyConverges() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, n BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 7))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, n BIGINT GENERATED ALWAYS AS IDENTITY)");
            liveThenRepaired(fixture, "INSERT INTO orders (id, qty) VALUES (10, 1)", "INSERT INTO orders (id, qty) VALUES (20, NULL)");
            assertThat(assertSame(fixture, "n", "n"))
                    .containsExactly(Rows.expected("id", 10, "qty", 2, "n", 7), Rows.expected("id", 20, "qty", null, "n", 8));
        }
    }

    // PostgreSQL numeric and H2 DECFLOAT hold NaN and ±Infinity, which no BigDecimal holds: the sync failed every time.
    @Test
    void numbersThatAreNotNumbersCopyAsThemselves() throws SQLException {
        for (Kind kind : new Kind[] {Kind.POSTGRES, Kind.H2}) {
            String type = kind == Kind.POSTGRES ? "NUMERIC" : "DECFLOAT";
            try (Fixture fixture = Fixture.of(kind, kind)) {
                // w: a precision, which holds NaN (PostgreSQL) but no infinity
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, v " + type + ", w " + type + "(10))");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, v " + type + ", w " + type + "(10))");
                String[] values = {"'NaN'", "'Infinity'", "'-Infinity'", "1.50", "NULL"};
                String[] precise = {"'NaN'", "NULL", "NULL", "-1.5", "NULL"};
                String[] inserts = new String[values.length];
                for (int i = 0; i < values.length; i++) {
                    inserts[i] = "INSERT INTO orders (id, qty, v, w) VALUES (" + (i + 1) + ", 1, CAST(" + values[i] + " AS "
                            + type + "), CAST(" + precise[i] + " AS " + type + "))";
                }
                liveThenRepaired(fixture, inserts);
                String text = kind == Kind.POSTGRES ? "v::text AS v, w::text AS w" : "CAST(v AS VARCHAR) AS v, CAST(w AS VARCHAR) AS w";
                assertThat(assertSame(fixture, text, text)).as(kind.name()).hasSize(5)
                        .extracting(row -> row.get("v")).containsExactly(kind == Kind.POSTGRES
                                ? new String[] {"NaN", "Infinity", "-Infinity", "1.50", "<null>"}
                                : new String[] {"NaN", "Infinity", "-Infinity", "1.5", "<null>"}); // DECFLOAT: no scale
            }
        }
    }

    @Test
    void aNumberThatIsNotANumberIsRecordedWhereTheNewStoreCannotHoldIt() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, v NUMERIC)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, v DECIMAL(20,2))");
            write(fixture, "INSERT INTO orders (id, qty, v) VALUES (1, 1, 'NaN')", "INSERT INTO orders (id, qty, v) VALUES (2, 1, 2.5)");
            assertThat(fixture.recordKeys()).containsExactly("orders/1/INSERT");
            assertThat(fixture.newDb.query("SELECT id, CAST(v AS CHAR) AS v FROM orders_v2 ORDER BY id"))
                    .containsExactly(Fixture.row("id", 2L, "v", "2.50"));
        }
    }

    // PostgreSQL bit strings into MariaDB BIT(n): B'101' was stored as the bytes of the text "101" (0x313031) with
    // nothing recorded, and B'10000000' into BIT(8) failed ("Data too long"). The digits are the column's number.
    @Test
    void postgresBitStringsLandInMariadbBitColumnsAsTheirNumbers() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, b VARBIT(64), f BIT(8))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, b BIT(64), f BIT(8))");
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, B'101', B'10000000')",
                    "INSERT INTO orders VALUES (2, 1, B'1', B'00000001')",
                    "INSERT INTO orders VALUES (3, 1, B'" + "1".repeat(64) + "', B'11111111')",
                    "INSERT INTO orders VALUES (4, 1, B'0000000000000000100000000', NULL)",
                    "INSERT INTO orders VALUES (5, 1, NULL, B'01010101')");
            // both as binary digits without leading zeros (PostgreSQL's text of the bits, MariaDB's BIN of the number)
            String digits = "CASE WHEN %1$s IS NULL THEN 'null' ELSE COALESCE(NULLIF(ltrim(%1$s::text, '0'), ''), '0') END AS %1$s";
            assertThat(assertSame(fixture, digits.formatted("b") + ", " + digits.formatted("f"),
                    "COALESCE(BIN(b + 0), 'null') AS b, COALESCE(BIN(f + 0), 'null') AS f"))
                    .extracting(row -> row.get("b") + "/" + row.get("f"))
                    .containsExactly("101/10000000", "1/1", "1".repeat(64) + "/11111111", "100000000/null", "null/1010101");
        }
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) { // and between PostgreSQL stores, as they are
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, b VARBIT(64), f BIT(8))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, b VARBIT(64), f BIT(8))");
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, B'00101', B'10000000')",
                    "INSERT INTO orders VALUES (2, 1, B'', NULL)");
            assertThat(assertSame(fixture, "b::text AS b, f::text AS f", "b::text AS b, f::text AS f"))
                    .extracting(row -> row.get("b") + "/" + row.get("f")).containsExactly("00101/10000000", "/<null>");
        }
    }

    // An H2 TIME(9) finer than a microsecond into a PostgreSQL time: PostgreSQL rounded 23:59:59.9999997 to 24:00:00,
    // another day's end, and 12:00:00.0000004 to 12:00:00; the copier then wrote 23:59:59.999999 for the first, still
    // another value. Since tools round 12 the copier refuses both by name (verification reports a rounded time), so
    // their syncs stay recorded through the reconciler's repair until the mapping or the column changes; a time
    // PostgreSQL holds (23:59:59.999999) is copied.
    @Test
    void anH2TimeFinerThanAMicrosecondIsRefusedByPostgresAndStaysRecorded() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, t TIME(9))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, t TIME)");
            write(fixture, "INSERT INTO orders VALUES (1, 1, TIME '23:59:59.9999997')",
                    "INSERT INTO orders VALUES (2, 1, TIME '23:59:59.999999')",
                    "INSERT INTO orders VALUES (3, 1, TIME '12:00:00.0000004')");
            assertThat(fixture.records()).extracting(io.dualwrite.changelog.ChangeRecord::key)
                    .as("the refused rows' syncs").containsExactlyInAnyOrder("1", "3");
            fixture.resolveRecords();
            assertThat(fixture.records()).extracting(io.dualwrite.changelog.ChangeRecord::key)
                    .as("still refused").containsExactlyInAnyOrder("1", "3");
            assertThat(fixture.newDb.query("SELECT id, t::text AS t FROM orders_v2 ORDER BY id"))
                    .extracting(row -> row.get("id") + " " + row.get("t")).containsExactly("2 23:59:59.999999");
        }
    }

    // PostgreSQL money: the driver read it as a double, failing on the text's group separators and keeping 15 digits.
    @Test
    void postgresMoneyCopiesEveryDigit() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, m MONEY)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, m MONEY)");
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, '92233720368547758.07')",
                    "INSERT INTO orders VALUES (2, 1, '-92233720368547758.08')", "INSERT INTO orders VALUES (3, 1, '0.01')",
                    "INSERT INTO orders VALUES (4, 1, '1234567890123.45')", "INSERT INTO orders VALUES (5, 1, NULL)");
            assertThat(assertSame(fixture, "m::numeric::text AS m", "m::numeric::text AS m"))
                    .extracting(row -> row.get("m")).containsExactly("92233720368547758.07", "-92233720368547758.08", "0.01",
                            "1234567890123.45", "<null>");
        }
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, m MONEY)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, m DECIMAL(19,2))");
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, '92233720368547758.07')");
            assertThat(assertSame(fixture, "m::numeric::text AS m", "CAST(m AS CHAR) AS m")).hasSize(1);
        }
    }

    // PostgreSQL timetz: the driver has no LocalTime for it, so every sync failed.
    @Test
    void postgresTimeWithTimeZoneKeepsItsOffset() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, t TIMETZ, u TIMETZ(0))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, t TIMETZ, u TIMETZ(0))");
            fixture.onNew("ALTER DATABASE " + fixture.newDb.name() + " SET timezone = 'Asia/Kolkata'");
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, '12:00:00+05', '00:00:00-11:30')",
                    "INSERT INTO orders VALUES (2, 1, '23:59:59.999999+14', '24:00:00+00')");
            assertThat(assertSame(fixture, "t::text AS t, u::text AS u", "t::text AS t, u::text AS u"))
                    .extracting(row -> row.get("t")).containsExactly("12:00:00+05", "23:59:59.999999+14");
        }
    }

    // PostgreSQL time 24:00:00: the driver's LocalTime.MAX, which MariaDB stored as 23:59:59 with nothing recorded.
    @Test
    void postgresMidnightAtTheEndOfTheDayStays24Hours() throws SQLException {
        for (Kind target : new Kind[] {Kind.POSTGRES, Kind.MARIADB}) {
            try (Fixture fixture = Fixture.of(Kind.POSTGRES, target)) {
                fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, t TIME)");
                fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, t TIME" + (target == Kind.MARIADB ? "(6)" : "") + ")");
                liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, '24:00:00')", "INSERT INTO orders VALUES (2, 1, '23:59:59.999999')");
                assertThat(assertSame(fixture, "to_char(t, 'HH24:MI:SS.US') AS t", target == Kind.MARIADB
                        ? "DATE_FORMAT(t, '%H:%i:%s.%f') AS t" : "to_char(t, 'HH24:MI:SS.US') AS t"))
                        .as(target.name()).extracting(row -> row.get("t")).containsExactly("24:00:00.000000", "23:59:59.999999");
            }
        }
    }

    @Test
    void postgresMidnightAtTheEndOfTheDayIsRecordedWhereTheNewStoreCannotHoldIt() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.H2)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, t TIME)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, t TIME(9))");
            write(fixture, "INSERT INTO orders VALUES (1, 1, '24:00:00')");
            assertThat(fixture.recordKeys()).containsExactly("orders/1/INSERT");
            assertThat(fixture.newDb.count("SELECT COUNT(*) FROM orders_v2")).isZero();
        }
    }

    // PostgreSQL infinity and -infinity: the driver's largest and smallest Java values, which H2 stored as the years
    // 999999999 and -999999999 with nothing recorded.
    @Test
    void postgresInfinitiesStayInfiniteOrAreRecorded() throws SQLException {
        String create = "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, ts TIMESTAMP, tz TIMESTAMPTZ, d DATE)";
        String text = "ts::text AS ts, tz::text AS tz, d::text AS d";
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld(create);
            fixture.onNew(create.replace("orders", "orders_v2").replace("qty", "quantity"));
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, 'infinity', 'infinity', 'infinity')",
                    "INSERT INTO orders VALUES (2, 1, '-infinity', '-infinity', '-infinity')",
                    "INSERT INTO orders VALUES (3, 1, '294276-12-31 23:59:59.999999', '4713-01-01 00:00:00+00 BC', '5874897-12-31')");
            assertThat(assertSame(fixture, text, text)).extracting(row -> row.get("tz"))
                    .containsExactly("infinity", "-infinity", "4713-01-01 00:00:00+00 BC");
        }
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.H2)) {
            fixture.onOld(create);
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, ts TIMESTAMP(9), tz TIMESTAMP(9) WITH TIME ZONE, d DATE)");
            write(fixture, "INSERT INTO orders VALUES (1, 1, 'infinity', NULL, NULL)", "INSERT INTO orders VALUES (2, 1, NULL, '-infinity', NULL)",
                    "INSERT INTO orders VALUES (3, 1, NULL, NULL, 'infinity')", "INSERT INTO orders VALUES (4, 1, '2024-01-01 10:00', NULL, NULL)");
            assertThat(fixture.recordKeys()).containsExactly("orders/1/INSERT", "orders/2/INSERT", "orders/3/INSERT");
            assertThat(fixture.newDb.query("SELECT id FROM orders_v2")).containsExactly(Fixture.row("id", 4L));
        }
    }

    // PostgreSQL xml: read as the driver's SQLXML, a document lost its XML declaration with nothing recorded.
    @Test
    void postgresXmlKeepsItsDeclarationAndSpacing() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, x XML)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, x XML)");
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, '<?xml version=\"1.0\"?><a/>')",
                    "INSERT INTO orders VALUES (2, 1, '<?xml version=\"1.0\" standalone=\"yes\"?><a  x=\"1\" >t&amp;</a>')",
                    "INSERT INTO orders VALUES (3, 1, 'text <b>content</b> only')");
            assertThat(assertSame(fixture, "x::text AS x", "x::text AS x")).extracting(row -> row.get("x"))
                    .first().isEqualTo("<?xml version=\"1.0\"?><a/>");
        }
    }

    // MariaDB dates with a zero month or day, stored without NO_ZERO_IN_DATE: no LocalDate, so every sync failed;
    // and dates of the year 0000, which the driver wrote as 0001 (with nothing recorded).
    @Test
    void mariadbDatesWithAZeroMonthOrDayCopyAsStored() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, d DATE, t DATETIME(6))");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, d DATE, t DATETIME(6))");
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, '2024-00-00', '2024-00-15 10:00:00.5')",
                    "INSERT INTO orders VALUES (2, 1, '2024-02-00', '0000-01-01 00:00:00')",
                    "INSERT INTO orders VALUES (4, 1, '0000-12-31', '0000-02-28 12:00:00')",
                    "INSERT INTO orders VALUES (3, 1, '0000-00-00', '2024-05-00 23:59:59.999999')");
            assertThat(assertSame(fixture, "CAST(d AS CHAR) AS d, CAST(t AS CHAR) AS t", "CAST(d AS CHAR) AS d, CAST(t AS CHAR) AS t"))
                    .extracting(row -> row.get("d")).containsExactly("2024-00-00", "2024-02-00", "0000-00-00", "0000-12-31");
        }
    }

    @Test
    void mariadbDateWithAZeroMonthIsRecordedWhereTheNewStoreCannotHoldIt() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, d DATE)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, d DATE)");
            write(fixture, "INSERT INTO orders VALUES (1, 1, '2024-00-10')", "INSERT INTO orders VALUES (2, 1, '2024-01-10')");
            assertThat(fixture.recordKeys()).containsExactly("orders/1/INSERT");
            assertThat(fixture.newDb.count("SELECT COUNT(*) FROM orders_v2 WHERE id = 2")).isOne();
        }
    }

    // MariaDB POINT and MULTIPOINT: their names contain "INT", so they were read as numbers and every sync failed.
    @Test
    void mariadbSpatialTypesWhoseNamesContainIntAreNotReadAsNumbers() throws SQLException {
        try (Fixture fixture = Fixture.of(Kind.MARIADB, Kind.MARIADB)) {
            fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, p POINT, mp MULTIPOINT, i MEDIUMINT UNSIGNED)");
            fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, p POINT, mp MULTIPOINT, i MEDIUMINT UNSIGNED)");
            liveThenRepaired(fixture, "INSERT INTO orders VALUES (1, 1, POINT(1.5, -2), ST_GeomFromText('MULTIPOINT(1 2, 3 4)'), 16777215)",
                    "INSERT INTO orders VALUES (2, 1, NULL, NULL, 0)");
            assertThat(assertSame(fixture, "ST_AsText(p) AS p, ST_AsText(mp) AS mp, i", "ST_AsText(p) AS p, ST_AsText(mp) AS mp, i"))
                    .first().isEqualTo(Rows.expected("id", 1, "qty", 2, "p", "POINT(1.5 -2)", "mp", "MULTIPOINT(1 2,3 4)", "i", 16777215));
        }
    }
}
