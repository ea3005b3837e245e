package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mirror.MirrorEvent;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A nineteenth review of the write path's values: values at the edges of what a column holds (trailing spaces,
 * characters beyond a character set or no character at all, years before the common era, a negative zero, numbers
 * beyond a type's range or scale). For each, the new store ends holding the old store's value, compared here by
 * value, or the sync fails and the change log records the row's key: never another value with nothing recorded.
 * Each test ends with the stores compared row by row, after the application wrote the refused rows again with
 * values the column holds and the reconciler completed what was recorded.
 */
class WritePathBreak19Test {

    /** Renames only qty; every other column keeps its name. */
    private static final String OLD_ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, v %s)";
    private static final String NEW_ORDERS = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, v %s)";

    /** The rows of a store, by id: each value as {@code read} gives it from the result set. */
    private static Map<Long, String> rows(TestDatabase db, String table, String v, Function<ResultSet, String> read) {
        Map<Long, String> rows = new LinkedHashMap<>();
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT id, " + v + " AS v FROM " + table + " ORDER BY id")) {
            while (result.next()) {
                rows.put(result.getLong(1), read.apply(result));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** A text exactly, each character outside printable ASCII (and each lone surrogate) as its code. */
    private static String exactText(ResultSet result) {
        try {
            String text = result.getString(2);
            if (text == null) {
                return "<null>";
            }
            StringBuilder shown = new StringBuilder("'");
            text.chars().forEach(c -> shown.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
            return shown.append('\'').toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A number exactly: a double with its sign of zero, another number as its decimal value. */
    private static String exactNumber(ResultSet result) {
        try {
            Object value = result.getObject(2);
            if (value == null) {
                return "<null>";
            }
            if (value instanceof Double || value instanceof Float) {
                double number = ((Number) value).doubleValue();
                return Double.isNaN(number) || Double.isInfinite(number) ? Double.toString(number) : number == 0 ? (Double.doubleToRawLongBits(number) == 0 ? "0" : "-0")
                        : new BigDecimal(Double.toString(number)).stripTrailingZeros().toPlainString();
            }
            return new BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Fixture fixture, String sql, Object... parameters) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    private static void drained(Fixture fixture) throws InterruptedException {
        assertThat(fixture.toNew.awaitIdle(Duration.ofSeconds(60))).isTrue();
    }

    private static void reconciled(Fixture fixture) throws SQLException {
        fixture.reconcilerBuilder().initialBackoff(Duration.ofMillis(1)).maxBackoff(Duration.ofMillis(1)).build().runOnce();
        assertThat(fixture.records()).isEmpty();
    }

    // Failed before its fix: PostgreSQL's instants of 1 BC (the year 0000 of MySQL/MariaDB, which hold it) reached a
    // MariaDB DATETIME or DATE as the year 0001: the copier wrote a date-time of the year 0000 as text (the drivers
    // write it through a calendar without a year 0), but an instant it bound as it was, and the driver moved it a
    // year on. The sync reported success, nothing was recorded. An instant is now written as its UTC date-time's
    // text there too; a year before 0000 is refused and recorded, as before.
    @ParameterizedTest(name = "POSTGRES timestamptz -> MARIADB {0}")
    @CsvSource({"DATETIME(6)", "DATE"})
    void anInstantOfTheYearZeroReachesMariaDbAsThatYear(String newType) throws Exception {
        try (Fixture fixture = Fixture.of(Kind.POSTGRES, Kind.MARIADB)) {
            fixture.onOld(String.format(OLD_ORDERS, "TIMESTAMPTZ"));
            fixture.onNew(String.format(NEW_ORDERS, newType));
            boolean date = newType.equals("DATE");
            write(fixture, "INSERT INTO orders VALUES (1, 1, '0001-01-01 00:00:00+00 BC')");
            write(fixture, "INSERT INTO orders VALUES (2, 2, '0001-06-30 " + (date ? "00:00:00" : "12:34:56.5") + "+00 BC')");
            write(fixture, "INSERT INTO orders VALUES (3, 3, '0001-12-31 " + (date ? "01:00:00" : "23:00:00") + "+01 BC')");
            write(fixture, "INSERT INTO orders VALUES (4, 4, '0002-12-31 00:00:00+00 BC')"); // the year -1: none
            write(fixture, "INSERT INTO orders VALUES (5, 5, '2024-03-31 " + (date ? "02:00:00" : "02:30:00") + "+02')");
            drained(fixture);

            // the old store's instants as UTC date-times, the new store's date-times as their text says, compared here
            Function<ResultSet, String> utc = result -> {
                try {
                    OffsetDateTime instant = result.getObject(2, OffsetDateTime.class);
                    LocalDateTime local = instant.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
                    return date ? local.toLocalDate().toString() : local.toString();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            };
            Function<ResultSet, String> text = result -> {
                try {
                    String value = result.getString(2).strip();
                    return date ? java.time.LocalDate.parse(value).toString()
                            : LocalDateTime.parse(value.replace(' ', 'T')).toString();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            };
            Map<Long, String> old = rows(fixture.oldDb, "orders", "v", utc);
            assertThat(old).containsEntry(1L, date ? "0000-01-01" : "0000-01-01T00:00");
            Map<Long, String> expected = new LinkedHashMap<>(old);
            expected.remove(4L);
            assertThat(rows(fixture.newDb, "orders_v2", "CAST(v AS CHAR)", text)).isEqualTo(expected);
            assertThat(fixture.recordKeys()).containsExactly("orders/4/INSERT");

            write(fixture, "UPDATE orders SET v = '0001-02-03 00:00:00+00 BC' WHERE id = 4");
            drained(fixture);
            reconciled(fixture);
            assertThat(rows(fixture.newDb, "orders_v2", "CAST(v AS CHAR)", text))
                    .isEqualTo(rows(fixture.oldDb, "orders", "v", utc)).containsEntry(4L, date ? "0000-02-03" : "0000-02-03T00:00");
        }
    }

    // Failed before its fix: a text holding half of a UTF-16 surrogate pair without its other half (H2 keeps such a
    // text) reached PostgreSQL with '?' in its place: the driver encodes what names no character as '?', the sync
    // reported success and nothing was recorded. MariaDB refused the row without naming it. Such a text is now
    // refused by name for both (the sync fails and is recorded); a text of whole characters, four-byte ones too, is
    // copied.
    @ParameterizedTest(name = "H2 -> {0} {1}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | TEXT",
        "POSTGRES | VARCHAR(10)",
        "MARIADB  | VARCHAR(10) CHARACTER SET utf8mb4",
        "MARIADB  | TEXT CHARACTER SET utf8mb4"})
    void aTextWithALoneSurrogateIsRefusedNotWrittenWithAQuestionMark(Kind newKind, String newType) throws Exception {
        try (Fixture fixture = Fixture.of(Kind.H2, newKind)) {
            fixture.onOld(String.format(OLD_ORDERS, "VARCHAR(10)"));
            fixture.onNew(String.format(NEW_ORDERS, newType));
            write(fixture, "INSERT INTO orders VALUES (1, 1, ?)", "a\uD800b");
            write(fixture, "INSERT INTO orders VALUES (2, 2, ?)", "\uDC00");
            write(fixture, "INSERT INTO orders VALUES (3, 3, ?)", "b\uDE00\uD83D"); // the pair's halves swapped
            write(fixture, "INSERT INTO orders VALUES (4, 4, ?)", "a\uD83D\uDE00b\uD840\uDC0B"); // whole characters
            drained(fixture);

            assertThat(rows(fixture.oldDb, "orders", "v", WritePathBreak19Test::exactText))
                    .containsEntry(1L, "'a\\ud800b'").containsEntry(4L, "'a\\ud83d\\ude00b\\ud840\\udc0b'");
            assertThat(rows(fixture.newDb, "orders_v2", "v", WritePathBreak19Test::exactText))
                    .containsExactly(Map.entry(4L, "'a\\ud83d\\ude00b\\ud840\\udc0b'"));
            assertThat(fixture.recordKeys()).containsExactlyInAnyOrder("orders/1/INSERT", "orders/2/INSERT", "orders/3/INSERT");
            assertThat(fixture.events).map(MirrorEvent::toString).anySatisfy(event -> assertThat(event)
                    .containsIgnoringCase("column v").contains("surrogate"));

            write(fixture, "UPDATE orders SET v = ? WHERE id = 1", "a\uD800\uDC00b");
            write(fixture, "UPDATE orders SET v = 'c' WHERE id = 2");
            write(fixture, "UPDATE orders SET v = 'd' WHERE id = 3");
            drained(fixture);
            reconciled(fixture);
            assertThat(rows(fixture.newDb, "orders_v2", "v", WritePathBreak19Test::exactText))
                    .isEqualTo(rows(fixture.oldDb, "orders", "v", WritePathBreak19Test::exactText));
        }
    }

    // Failed before its fix: a double's negative zero written into an integer or a decimal column became 0, which
    // has no sign (PostgreSQL's numeric, MariaDB's DECIMAL and BIGINT, H2's INT): the source's double and the
    // column's number differ (Double.compare, and the products' texts -0 and 0), the sync reported success and
    // nothing was recorded. It is now refused by name, as H2's floating-point columns already refused it; a -0 into
    // a floating-point column that holds it is copied.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | DOUBLE PRECISION | POSTGRES | NUMERIC",
        "POSTGRES | DOUBLE PRECISION | MARIADB  | DECIMAL(10,2)",
        "POSTGRES | REAL             | MARIADB  | BIGINT",
        "MARIADB  | DOUBLE           | POSTGRES | NUMERIC(10,2)",
        "MARIADB  | DOUBLE           | H2       | INT",
        "MARIADB  | DOUBLE           | MARIADB  | DECIMAL(20,10)",
        "POSTGRES | DOUBLE PRECISION | H2       | NUMERIC(10,2)"})
    void aNegativeZeroIsRefusedByAColumnWhoseZeroHasNoSign(Kind oldKind, String oldType, Kind newKind, String newType)
            throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld(String.format(OLD_ORDERS, oldType));
            fixture.onNew(String.format(NEW_ORDERS, newType));
            String negativeZero = oldKind == Kind.MARIADB ? "-0e0" : "'-0'"; // (H2 stores a float's -0 as 0)
            write(fixture, "INSERT INTO orders VALUES (1, 1, " + negativeZero + ")");
            write(fixture, "INSERT INTO orders VALUES (2, 2, 0)");
            write(fixture, "INSERT INTO orders VALUES (3, 3, 2)");
            drained(fixture);

            assertThat(rows(fixture.oldDb, "orders", "v", WritePathBreak19Test::exactNumber)).containsEntry(1L, "-0");
            assertThat(rows(fixture.newDb, "orders_v2", "v", WritePathBreak19Test::exactNumber))
                    .isEqualTo(Map.of(2L, "0", 3L, "2"));
            assertThat(fixture.recordKeys()).containsExactly("orders/1/INSERT");
            assertThat(fixture.events).map(MirrorEvent::toString).anySatisfy(event -> assertThat(event)
                    .containsIgnoringCase("column v").contains("negative zero"));

            write(fixture, "UPDATE orders SET v = 0 WHERE id = 1");
            drained(fixture);
            reconciled(fixture);
            assertThat(rows(fixture.newDb, "orders_v2", "v", WritePathBreak19Test::exactNumber))
                    .isEqualTo(rows(fixture.oldDb, "orders", "v", WritePathBreak19Test::exactNumber));
        }
    }

    /** A fixed-length text as its value: without the spaces its column pads it with. */
    private static String unpadded(ResultSet result) {
        try {
            String text = result.getString(2);
            return text == null ? "<null>" : "'" + text.replaceAll(" +$", "") + "'";
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A text as its value, each trailing space its own. */
    private static String spaced(ResultSet result) {
        try {
            String text = result.getString(2);
            return text == null ? "<null>" : "'" + text + "'";
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // Failed before its fix: a text's own trailing spaces written into a CHAR(n) column became the column's padding
    // (PostgreSQL and H2 read 'ab  ' back as 'ab   ', MySQL/MariaDB as 'ab'), so the new store held 'ab' where the
    // old held 'ab  ', as for the row that held 'ab': the sync reported success and nothing was recorded. Such a
    // text is now refused by name into a CHAR column, as a key too; a CHAR source's own padding is cut before (it is
    // no part of the value) and copied, as the texts without trailing spaces are.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
        "MARIADB  | VARCHAR(10) | POSTGRES | CHAR(5)",
        "POSTGRES | VARCHAR(10) | MARIADB  | CHAR(5)",
        "POSTGRES | TEXT        | POSTGRES | CHAR(5)",
        "MARIADB  | VARCHAR(10) | MARIADB  | CHAR(5)",
        "H2       | VARCHAR(10) | H2       | CHAR(5)",
        "MARIADB  | VARCHAR(10) COLLATE utf8mb4_nopad_bin | MARIADB | CHAR(5)"})
    void aTextsOwnTrailingSpacesAreRefusedByACharColumn(Kind oldKind, String oldType, Kind newKind, String newType)
            throws Exception {
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld(String.format(OLD_ORDERS, oldType));
            fixture.onNew(String.format(NEW_ORDERS, newType));
            write(fixture, "INSERT INTO orders VALUES (1, 1, 'ab  ')");
            write(fixture, "INSERT INTO orders VALUES (2, 2, 'ab')");
            write(fixture, "INSERT INTO orders VALUES (3, 3, 'abcd ')");
            write(fixture, "INSERT INTO orders VALUES (4, 4, ' a')");
            write(fixture, "INSERT INTO orders VALUES (5, 5, 'abcde')");
            drained(fixture);

            assertThat(rows(fixture.oldDb, "orders", "v", WritePathBreak19Test::spaced))
                    .containsEntry(1L, "'ab  '").containsEntry(3L, "'abcd '");
            assertThat(rows(fixture.newDb, "orders_v2", "v", WritePathBreak19Test::unpadded))
                    .isEqualTo(Map.of(2L, "'ab'", 4L, "' a'", 5L, "'abcde'"));
            assertThat(fixture.recordKeys()).containsExactlyInAnyOrder("orders/1/INSERT", "orders/3/INSERT");
            assertThat(fixture.events).map(MirrorEvent::toString).anySatisfy(event -> assertThat(event)
                    .containsIgnoringCase("column v").contains("trailing spaces"));

            write(fixture, "UPDATE orders SET v = 'ab' WHERE id = 1");
            write(fixture, "UPDATE orders SET v = 'abcd' WHERE id = 3");
            drained(fixture);
            reconciled(fixture);
            assertThat(rows(fixture.newDb, "orders_v2", "v", WritePathBreak19Test::unpadded))
                    .isEqualTo(rows(fixture.oldDb, "orders", "v", WritePathBreak19Test::spaced));
        }
    }

    // Held (kept as a guard): a CHAR source's padding is no part of its value, so a CHAR(n) into a CHAR(m) is copied
    // whatever the two lengths and products, and an update is copied too; values and keys compare without padding.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
        "POSTGRES | CHAR(5) | MARIADB  | CHAR(5)",
        "POSTGRES | CHAR(3) | POSTGRES | CHAR(5)",
        "POSTGRES | CHAR(8) | H2       | CHAR(5)",
        "MARIADB  | CHAR(5) | POSTGRES | CHAR(8)",
        "H2       | CHAR(5) | POSTGRES | CHAR(5)"})
    void aCharsPaddingIsCopiedIntoAnotherCharAsNoPartOfItsValue(Kind oldKind, String oldType, Kind newKind,
                                                                 String newType) throws Exception {
        try (Fixture fixture = Builder.keyed(oldKind, newKind, oldType, newType)) {
            write(fixture, "INSERT INTO orders VALUES ('k1', 1, 'ab')");
            write(fixture, "INSERT INTO orders VALUES ('k2 ', 2, 'a')");
            write(fixture, "INSERT INTO orders VALUES ('k3', 3, ' ab')");
            write(fixture, "UPDATE orders SET v = 'b' WHERE code = 'k2'");
            drained(fixture);
            assertThat(fixture.records()).isEmpty();
            assertThat(Builder.keyedRows(fixture.newDb, "orders_v2"))
                    .isEqualTo(Builder.keyedRows(fixture.oldDb, "orders"))
                    .isEqualTo(Map.of("'k1'", "'ab'", "'k2'", "'b'", "'k3'", "' ab'"));
        }
    }

    /** Tables keyed by a CHAR code, both columns of one CHAR type per store. */
    private static final class Builder {

        static Fixture keyed(Kind oldKind, Kind newKind, String oldType, String newType) {
            io.dualwrite.mapping.TableMapping mapping = io.dualwrite.mapping.TableMapping.builder("orders")
                    .newTable("orders_v2").primaryKey("code").rename("qty", "quantity").build();
            Fixture fixture = Fixture.builder(oldKind, newKind).mappings(mapping).build();
            fixture.onOld("CREATE TABLE orders (code " + oldType + " PRIMARY KEY, qty INT, v " + oldType + ")");
            fixture.onNew("CREATE TABLE orders_v2 (code " + newType + " PRIMARY KEY, quantity INT, v " + newType + ")");
            return fixture;
        }

        static Map<String, String> keyedRows(TestDatabase db, String table) {
            Map<String, String> rows = new java.util.TreeMap<>();
            try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("SELECT code, v FROM " + table)) {
                while (result.next()) {
                    rows.put("'" + result.getString(1).replaceAll(" +$", "") + "'", unpadded(result));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return rows;
        }
    }

    /**
     * A date or date-time's text as its astronomical date and time: PostgreSQL's {@code 0044-03-15 BC} as {@code
     * -0043-03-15}, MySQL/MariaDB's year 0000 as PostgreSQL's 1 BC, a fraction without its trailing zeros.
     */
    private static String astronomical(ResultSet result) {
        try {
            String text = result.getString(2);
            if (text == null) {
                return "<null>";
            }
            boolean bc = text.endsWith(" BC");
            String[] parts = text.replace(" BC", "").strip().split(" ");
            int dash = parts[0].indexOf('-', 1);
            int year = Integer.parseInt(parts[0].substring(0, dash));
            String date = (bc ? 1 - year : year) + parts[0].substring(dash);
            if (parts.length == 1) {
                return date;
            }
            String time = parts[1].contains(".") ? parts[1].replaceAll("0+$", "").replaceAll("\\.$", "") : parts[1];
            return date + " " + time;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // Held (kept as guards): the kinds of value this round tried that the copier already copied exactly or refused
    // by name, each alone in a row beside a row the column holds: characters beyond utf8mb3, latin1 and ascii, a
    // NUL for PostgreSQL, MariaDB's zero dates and year 0000, years before the common era, BIGINT UNSIGNED beyond a
    // bigint, decimals beyond the target's scale, NaN, the infinities and -0 of a double, and local date-times in a
    // daylight-saving gap or overlap of the JVM's zone. Compared by value: texts exactly, numbers by their decimal
    // value and a zero's sign, dates and date-times as astronomical ones.
    @ParameterizedTest(name = "{0} {1} -> {2} {3}: {4} held {6} (JVM zone {7})")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "POSTGRES | TEXT             | MARIADB  | VARCHAR(10) CHARACTER SET utf8mb3 | 'a\uD83D\uDE00b' | text | false | UTC",
        "POSTGRES | TEXT             | MARIADB  | VARCHAR(10) CHARACTER SET latin1 | 'a\u0101' | text | false | UTC",
        "POSTGRES | TEXT             | MARIADB  | TEXT CHARACTER SET ascii | 'caf\u00e9' | text | false | UTC",
        "MARIADB  | VARCHAR(10) CHARACTER SET utf8mb4 | MARIADB | TEXT CHARACTER SET utf8mb3 | '\uD840\uDC0B' | text | false | UTC",
        "MARIADB  | VARCHAR(10) CHARACTER SET utf8mb4 | POSTGRES | TEXT | 'a\uD83D\uDE00b' | text | true | UTC",
        "MARIADB  | VARCHAR(10) CHARACTER SET utf8mb4 | POSTGRES | TEXT | CONCAT('a', CHAR(0 USING utf8mb4), 'b') | text | false | UTC",
        "H2       | VARCHAR(10)      | POSTGRES | VARCHAR(10) | CONCAT('a', CHAR(0)) | text | false | UTC",
        "MARIADB  | DATETIME         | POSTGRES | TIMESTAMP | '0000-00-00 00:00:00' | date | false | UTC",
        "MARIADB  | DATE             | POSTGRES | DATE | '2024-02-00' | date | false | UTC",
        "MARIADB  | DATE             | POSTGRES | DATE | '0000-01-01' | date | true | UTC",
        "POSTGRES | DATE             | MARIADB  | DATE | '0044-03-15 BC' | date | false | UTC",
        "POSTGRES | TIMESTAMP        | MARIADB  | DATETIME | '0001-01-01 10:00:00 BC' | date | true | UTC",
        "MARIADB  | BIGINT UNSIGNED  | POSTGRES | BIGINT | 18446744073709551615 | number | false | UTC",
        "MARIADB  | BIGINT UNSIGNED  | POSTGRES | NUMERIC(20) | 18446744073709551615 | number | true | UTC",
        "MARIADB  | DECIMAL(20,6)    | POSTGRES | NUMERIC(10,2) | 1.005 | number | false | UTC",
        "POSTGRES | NUMERIC          | MARIADB  | DECIMAL(10,2) | 1.239 | number | false | UTC",
        "POSTGRES | NUMERIC          | POSTGRES | NUMERIC(10,2) | 'NaN' | number | true | UTC",
        "POSTGRES | DOUBLE PRECISION | MARIADB  | DOUBLE | 'NaN' | number | false | UTC",
        "POSTGRES | DOUBLE PRECISION | MARIADB  | DOUBLE | '-Infinity' | number | false | UTC",
        "POSTGRES | DOUBLE PRECISION | MARIADB  | DOUBLE | '-0' | number | true | UTC",
        "MARIADB  | DOUBLE           | POSTGRES | DOUBLE PRECISION | -0e0 | number | true | UTC",
        "MARIADB  | DATETIME(6)      | POSTGRES | TIMESTAMP(6) | '2024-03-31 02:30:00.5' | date | true | Europe/Berlin",
        "POSTGRES | TIMESTAMP        | MARIADB  | DATETIME(6) | '2024-03-31 02:30:00' | date | true | Europe/Berlin",
        "MARIADB  | DATETIME         | MARIADB  | DATETIME | '2024-10-27 02:30:00' | date | true | Europe/Berlin",
        "H2       | TIMESTAMP        | POSTGRES | TIMESTAMP | TIMESTAMP '2024-03-31 02:30:00' | date | true | Europe/Berlin",
        "MARIADB  | DATETIME(6)      | H2       | TIMESTAMP(6) | '2024-03-10 02:30:00' | date | true | America/New_York"})
    void aValueAtTheEdgeOfWhatAColumnHoldsIsCopiedExactlyOrRefusedByName(Kind oldKind, String oldType, Kind newKind,
                                                                         String newType, String literal, String kind,
                                                                         boolean held, String zone) throws Exception {
        java.util.TimeZone saved = java.util.TimeZone.getDefault();
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone(zone));
        try (Fixture fixture = Fixture.of(oldKind, newKind)) {
            fixture.onOld(String.format(OLD_ORDERS, oldType));
            fixture.onNew(String.format(NEW_ORDERS, newType));
            String ok = kind.equals("number") ? "1" : kind.equals("text") ? "'ok'"
                    : oldKind == Kind.H2 ? "TIMESTAMP '2001-02-03 04:05:06'" : "'2001-02-03'";
            write(fixture, "INSERT INTO orders VALUES (1, 1, " + literal + ")");
            write(fixture, "INSERT INTO orders VALUES (2, 2, " + ok + ")");
            drained(fixture);

            Function<ResultSet, String> read = kind.equals("number") ? WritePathBreak19Test::exactNumber
                    : kind.equals("text") ? WritePathBreak19Test::exactText : WritePathBreak19Test::astronomical;
            String oldV = kind.equals("date") ? "CAST(v AS " + (oldKind == Kind.MARIADB ? "CHAR" : "VARCHAR") + ")" : "v";
            String newV = kind.equals("date") ? "CAST(v AS " + (newKind == Kind.MARIADB ? "CHAR" : "VARCHAR") + ")" : "v";
            Map<Long, String> old = rows(fixture.oldDb, "orders", oldV, read);
            Map<Long, String> expected = new LinkedHashMap<>(old);
            if (!held) {
                expected.remove(1L);
            }
            assertThat(rows(fixture.newDb, "orders_v2", newV, read)).isEqualTo(expected);
            assertThat(fixture.recordKeys()).isEqualTo(held ? List.of() : List.of("orders/1/INSERT"));

            write(fixture, "UPDATE orders SET v = " + ok + " WHERE id = 1");
            drained(fixture);
            reconciled(fixture);
            assertThat(rows(fixture.newDb, "orders_v2", newV, read)).isEqualTo(rows(fixture.oldDb, "orders", oldV, read));
        } finally {
            java.util.TimeZone.setDefault(saved);
        }
    }
}
