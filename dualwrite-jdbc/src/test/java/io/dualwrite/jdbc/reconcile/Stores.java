package io.dualwrite.jdbc.reconcile;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.mapping.TableMapping;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Test helpers: the orders tables on each kind of database, and store comparison with the mapping applied. */
final class Stores {

    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private Stores() {
    }

    static String timestampType(TestDatabase db) {
        return db.kind() == io.dualwrite.jdbc.testing.TestDatabases.Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
    }

    static void createOldOrders(TestDatabase db) {
        db.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                + " paid BOOLEAN, status VARCHAR(20), created_at " + timestampType(db) + ")");
    }

    static void createNewOrders(TestDatabase db) {
        db.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                + " paid BOOLEAN, state VARCHAR(20), created_at " + timestampType(db) + ", currency VARCHAR(3) NOT NULL)");
    }

    /** orders → orders_v2: status renamed to state, currency added. */
    static TableMapping ordersMapping() {
        return TableMapping.builder("orders").newTable("orders_v2").primaryKey("id")
                .rename("status", "state").add("currency", "EUR").build();
    }

    static String orderRow(long id, String status) {
        return "(" + id + ", 'm-" + (id % 7) + "', " + id + ".25, " + (id % 2 == 0 ? "TRUE" : "FALSE") + ", '"
                + status + "', TIMESTAMP '2026-01-01 10:00:00.123456')";
    }

    static ChangeRecord entry(String table, String key, Operation operation) {
        return new ChangeRecord("orders", table, key, operation, "timeout", Store.NEW, null, null, T0);
    }

    /** Old rows as the new table should hold them, normalised, by key. */
    static Map<String, Map<String, String>> expectedNew(TestDatabase old, TableMapping mapping) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (Map<String, Object> row : old.query("SELECT * FROM " + mapping.oldTable())) {
            Map<String, Object> mapped = mapping.toNewRow(row);
            rows.put(key(mapped, mapping.newPrimaryKey()), normalise(mapped));
        }
        return rows;
    }

    /** The new table's rows, normalised, by key. */
    static Map<String, Map<String, String>> actualNew(TestDatabase db, TableMapping mapping) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT * FROM " + mapping.newTable())) {
            rows.put(key(row, mapping.newPrimaryKey()), normalise(row));
        }
        return rows;
    }

    private static String key(Map<String, ?> row, List<String> columns) {
        List<String> parts = new ArrayList<>();
        for (String column : columns) {
            parts.add(normaliseValue(row.get(column.toLowerCase(Locale.ROOT))));
        }
        return String.join("|", parts);
    }

    /** Values compared across databases: numbers by value, booleans as 0/1, times as local date-times. */
    static Map<String, String> normalise(Map<String, ?> row) {
        Map<String, String> normalised = new LinkedHashMap<>();
        row.forEach((column, value) -> normalised.put(column.toLowerCase(Locale.ROOT), normaliseValue(value)));
        return normalised;
    }

    private static String normaliseValue(Object value) {
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
            return timestamp.toLocalDateTime().toString();
        }
        if (value instanceof LocalDateTime || value instanceof UUID) {
            return value.toString();
        }
        return value.toString();
    }
}
