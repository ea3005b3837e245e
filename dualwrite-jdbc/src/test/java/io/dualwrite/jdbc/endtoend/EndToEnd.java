package io.dualwrite.jdbc.endtoend;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.changelog.ChangeLog;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shared pieces of the end-to-end tests: the orders tables (old = MariaDB, new = PostgreSQL with
 * {@code amount} renamed {@code amount_total}), the mapping, real mirror executors, and a row-by-row store
 * comparison with the mapping applied.
 */
final class EndToEnd {

    static final String MIGRATION = "orders";

    static final String OLD_ORDERS = "CREATE TABLE orders (id BIGINT AUTO_INCREMENT PRIMARY KEY,"
            + " merchant_id VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL, amount DECIMAL(12,2) NOT NULL,"
            + " created_at DATETIME(6) NOT NULL)";

    static final String NEW_ORDERS = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY,"
            + " merchant_id VARCHAR(20) NOT NULL, status VARCHAR(20) NOT NULL, amount_total NUMERIC(14,4) NOT NULL,"
            + " created_at TIMESTAMP(6) NOT NULL)";

    /** orders → orders_v2, amount renamed amount_total; INSERTs carry the merchant id. */
    static final TableMapping MAPPING = TableMapping.builder("orders").newTable("orders_v2")
            .rename("amount", "amount_total").merchantIdColumn("merchant_id").build();

    private EndToEnd() {
    }

    /** A real executor (circuit breaker, bulkhead, lanes) for mirrors to {@code target}. */
    static MirrorExecutor executor(Store target, MirrorMode mode, Duration timeLimit, ChangeLog changeLog) {
        MirrorConfig config = MirrorConfig.custom().mode(mode).timeLimit(timeLimit).lanes(1).build();
        return MirrorExecutors.create(MIGRATION + "-to-" + target.name().toLowerCase(Locale.ROOT), config, changeLog,
                MirrorObserver.NOOP);
    }

    /** The old store's orders as the new table should hold them (mapping applied), normalised, by id. */
    static Map<String, Map<String, String>> oldRowsMapped(TestDatabase old) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (Map<String, Object> row : old.query("SELECT * FROM orders")) {
            Map<String, Object> mapped = MAPPING.toNewRow(row);
            rows.put(String.valueOf(mapped.get("id")), normalise(mapped));
        }
        return rows;
    }

    /** The new store's orders_v2, normalised, by id. */
    static Map<String, Map<String, String>> newRows(TestDatabase db) {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT * FROM orders_v2")) {
            rows.put(String.valueOf(row.get("id")), normalise(row));
        }
        return rows;
    }

    /** Numbers by value whatever their scale; times as local date-times to the microsecond, whatever the driver type. */
    private static Map<String, String> normalise(Map<String, ?> row) {
        Map<String, String> normalised = new TreeMap<>();
        row.forEach((column, value) -> normalised.put(column.toLowerCase(Locale.ROOT), normaliseValue(value)));
        return normalised;
    }

    private static String normaliseValue(Object value) {
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

    /** Pending change-log entries per row key of orders (the change log lives in the old store). */
    static Map<String, Long> changeLogCountsByKey(TestDatabase old) {
        Map<String, Long> counts = new TreeMap<>();
        for (Map<String, Object> row : old.query("SELECT row_key, COUNT(*) AS n FROM dualwrite_change_log"
                + " WHERE table_name = 'orders' GROUP BY row_key")) {
            counts.put(String.valueOf(row.get("row_key")), ((Number) row.get("n")).longValue());
        }
        return counts;
    }

    static Map<String, Long> counts(Object... keyThenCount) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (int i = 0; i < keyThenCount.length; i += 2) {
            counts.put(String.valueOf(keyThenCount[i]), ((Number) keyThenCount[i + 1]).longValue());
        }
        return new TreeMap<>(counts);
    }
}
