package io.dualwrite.jdbc.breakit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Row-by-row comparison of the two stores with plain JDBC, independent of the library: each side's query
 * names the columns under the same labels (e.g. {@code quantity AS qty}) and orders the rows by key; values
 * are compared by what they are, not by driver class (numbers by value, date-times as local values to the
 * microsecond, UUIDs and text as text, bytes as hex).
 */
final class Rows {

    private Rows() {
    }

    /** The normalised rows a query returns, in order. */
    static List<Map<String, String>> of(TestDatabase db, String sql, Object... parameters) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql, parameters)) {
            Map<String, String> normalised = new LinkedHashMap<>();
            row.forEach((column, value) -> normalised.put(column.toLowerCase(Locale.ROOT), text(value)));
            rows.add(normalised);
        }
        return rows;
    }

    /** Asserts that both queries return the same rows, row by row, and returns them. */
    static List<Map<String, String>> assertSame(TestDatabase oldDb, String oldSql, TestDatabase newDb, String newSql) {
        List<Map<String, String>> expected = of(oldDb, oldSql);
        List<Map<String, String>> actual = of(newDb, newSql);
        assertThat(actual).as("new store rows (%s) vs old store rows (%s)", newSql, oldSql).isEqualTo(expected);
        return expected;
    }

    /** The common comparison of the inputs: orders (qty) against orders_v2 (quantity), by id. */
    static List<Map<String, String>> assertOrdersSame(Fixture fixture, String columns) {
        String oldColumns = columns;
        String newColumns = columns.replaceAll("(?i)\\bqty\\b", "quantity AS qty");
        return assertSame(fixture.oldDb, "SELECT " + oldColumns + " FROM orders ORDER BY id",
                fixture.newDb, "SELECT " + newColumns + " FROM orders_v2 ORDER BY id");
    }

    /** One expected row in normalised form, from column/value pairs. */
    static Map<String, String> expected(Object... columnThenValue) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columnThenValue.length; i += 2) {
            row.put(((String) columnThenValue[i]).toLowerCase(Locale.ROOT), text(columnThenValue[i + 1]));
        }
        return row;
    }

    static String text(Object value) {
        if (value == null) {
            return "<null>";
        }
        if (value instanceof Boolean flag) {
            return flag ? "1" : "0";
        }
        if (value instanceof Number number) {
            return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toLocalDateTime().truncatedTo(ChronoUnit.MICROS).toString();
        }
        if (value instanceof LocalDateTime time) {
            return time.truncatedTo(ChronoUnit.MICROS).toString();
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant().truncatedTo(ChronoUnit.MICROS).toString();
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        return value.toString();
    }
}
