package io.dualwrite.jdbc.convergence;

import io.dualwrite.jdbc.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a whole table with plain JDBC, independent of the library, and compares two stores row by row: each
 * side's query names the same columns under the same labels (e.g. {@code quantity AS qty}), the first one being
 * the key; values are compared by what they are, not by driver class (numbers by value, date-times as local
 * values to the microsecond, text as text).
 */
final class StoreRows {

    private StoreRows() {
    }

    /** The rows of {@code sql} by the text of their first column, each as label → normalised value. */
    static Map<String, Map<String, String>> read(TestDatabase db, String sql) {
        Map<String, Map<String, String>> rows = new TreeMap<>(StoreRows::byNumberThenText);
        for (Map<String, Object> row : db.query(sql)) {
            Map<String, String> normalised = new TreeMap<>();
            row.forEach((column, value) -> normalised.put(column.toLowerCase(Locale.ROOT), text(value)));
            String key = text(row.values().iterator().next());
            if (rows.put(key, normalised) != null) {
                throw new IllegalStateException("key " + key + " appears twice in " + db);
            }
        }
        return rows;
    }

    /** Every difference between the old rows and the new rows, one line each; empty when they are equal. */
    static List<String> differences(Map<String, Map<String, String>> oldRows, Map<String, Map<String, String>> newRows) {
        TreeSet<String> keys = new TreeSet<>(StoreRows::byNumberThenText);
        keys.addAll(oldRows.keySet());
        keys.addAll(newRows.keySet());
        List<String> differences = new ArrayList<>();
        for (String key : keys) {
            Map<String, String> old = oldRows.get(key);
            Map<String, String> now = newRows.get(key);
            if (old == null) {
                differences.add("key " + key + " only in the new store: " + now);
            } else if (now == null) {
                differences.add("key " + key + " missing in the new store: old " + old);
            } else if (!Objects.equals(old, now)) {
                differences.add("key " + key + " differs: old " + old + " new " + now);
            }
        }
        return differences;
    }

    static String text(Object value) {
        if (value == null) {
            return "<null>";
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
        return value.toString();
    }

    private static int byNumberThenText(String a, String b) {
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException notNumbers) {
            return a.compareTo(b);
        }
    }
}
