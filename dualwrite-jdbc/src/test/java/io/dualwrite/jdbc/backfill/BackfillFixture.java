package io.dualwrite.jdbc.backfill;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The backfill tests' stores: an old {@code orders} table and a new {@code orders_v2} table (its {@code status}
 * renamed to {@code state}) on one of four pairs of databases, rows made by the database itself, and a
 * row-by-row comparison of the two tables with plain JDBC.
 */
final class BackfillFixture implements AutoCloseable {

    static final String MIGRATION = "orders";

    /** orders → orders_v2, {@code status} renamed to {@code state}, merchant column {@code merchant_id}. */
    static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("status", "state").merchantIdColumn("merchant_id").build();

    /** The pairs of stores of the Must-show list. */
    enum Pair {
        H2_TO_H2(TestDatabases.Kind.H2, TestDatabases.Kind.H2),
        POSTGRES_TO_POSTGRES(TestDatabases.Kind.POSTGRES, TestDatabases.Kind.POSTGRES),
        MARIADB_TO_MARIADB(TestDatabases.Kind.MARIADB, TestDatabases.Kind.MARIADB),
        MARIADB_TO_POSTGRES(TestDatabases.Kind.MARIADB, TestDatabases.Kind.POSTGRES);

        final TestDatabases.Kind oldKind;
        final TestDatabases.Kind newKind;

        Pair(TestDatabases.Kind oldKind, TestDatabases.Kind newKind) {
            this.oldKind = oldKind;
            this.newKind = newKind;
        }
    }

    final Pair pair;
    final TestDatabase old;
    final TestDatabase fresh;

    private BackfillFixture(Pair pair, TestDatabase old, TestDatabase fresh) {
        this.pair = pair;
        this.old = old;
        this.fresh = fresh;
    }

    /** Both databases, dualwrite's tables in the old one, and the two orders tables (empty). */
    static BackfillFixture create(Pair pair) throws SQLException {
        TestDatabase old = TestDatabases.create(pair.oldKind);
        TestDatabase fresh = TestDatabases.create(pair.newKind);
        DualWriteSchema.create(old.dataSource());
        old.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                + " status VARCHAR(20), created_at " + timestamp(old) + ")");
        fresh.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                + " state VARCHAR(20), created_at " + timestamp(fresh) + ")");
        return new BackfillFixture(pair, old, fresh);
    }

    static String timestamp(TestDatabase db) {
        return db.kind() == TestDatabases.Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
    }

    /**
     * Inserts orders {@code from..to} (inclusive) in the old store, made by the database: merchant
     * {@code m-<id % 7>}, amount {@code id × 1.25}, one of three statuses, a time {@code id} seconds after
     * 2026-01-01 00:00:00.123456.
     */
    void seed(long from, long to) {
        String sql = switch (old.kind()) {
            case H2 -> "INSERT INTO orders SELECT X, 'm-' || MOD(X, 7), X * 1.25,"
                    + " CASE MOD(X, 3) WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE 'shipped' END,"
                    + " DATEADD(SECOND, X, TIMESTAMP '2026-01-01 00:00:00.123456') FROM SYSTEM_RANGE(" + from + ", " + to + ")";
            case POSTGRES -> "INSERT INTO orders SELECT g, 'm-' || (g % 7), g * 1.25,"
                    + " CASE g % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE 'shipped' END,"
                    + " TIMESTAMP '2026-01-01 00:00:00.123456' + g * INTERVAL '1 second' FROM generate_series("
                    + from + ", " + to + ") g";
            case MARIADB -> "INSERT INTO orders SELECT seq, CONCAT('m-', seq % 7), seq * 1.25,"
                    + " CASE seq % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' ELSE 'shipped' END,"
                    + " TIMESTAMP '2026-01-01 00:00:00.123456' + INTERVAL seq SECOND FROM seq_" + from + "_to_" + to;
        };
        old.execute(sql);
    }

    /** A job builder on the two stores' pools with the orders mapping. */
    BackfillJob.Builder job() {
        return BackfillJob.builder().migration(MIGRATION).oldDataSource(old.dataSource())
                .newDataSource(fresh.dataSource()).mapping(ORDERS);
    }

    /** A separate pool to a test database, as another application instance would have. */
    static HikariDataSource instancePool(TestDatabase db, String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.pool().getJdbcUrl());
        config.setUsername(db.pool().getUsername());
        if (db.pool().getDataSource() != null) {
            config.setDataSource(db.pool().getDataSource());
        }
        config.setPoolName(name + "-" + db.name());
        config.setMaximumPoolSize(12);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }

    /** The old orders as the new table should hold them, by id. */
    Map<String, List<String>> expected() {
        return read(old.dataSource(), "SELECT id, merchant_id, amount, status, created_at FROM orders");
    }

    /** The new table's rows, by id. */
    Map<String, List<String>> actual() {
        return read(fresh.dataSource(), "SELECT id, merchant_id, amount, state, created_at FROM orders_v2");
    }

    /** Differences between the old table's rows (through the mapping) and the new table's, at most 20 described. */
    List<String> differences() {
        return differences(expected(), actual());
    }

    static List<String> differences(Map<String, List<String>> expected, Map<String, List<String>> actual) {
        List<String> differences = new ArrayList<>();
        int count = 0;
        for (Map.Entry<String, List<String>> row : expected.entrySet()) {
            List<String> other = actual.get(row.getKey());
            if (!row.getValue().equals(other)) {
                count++;
                if (differences.size() < 20) {
                    differences.add("key " + row.getKey() + ": old " + row.getValue() + ", new " + other);
                }
            }
        }
        for (String key : actual.keySet()) {
            if (!expected.containsKey(key)) {
                count++;
                if (differences.size() < 20) {
                    differences.add("key " + key + ": only in new " + actual.get(key));
                }
            }
        }
        if (count > differences.size()) {
            differences.add("... " + (count - differences.size()) + " more");
        }
        return differences;
    }

    /** Every row of a query by its first column's text; values normalised (numbers by value, date-times local). */
    static Map<String, List<String>> read(DataSource dataSource, String sql) {
        Map<String, List<String>> rows = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setFetchSize(5_000);
            try (ResultSet result = statement.executeQuery()) {
                ResultSetMetaData meta = result.getMetaData();
                while (result.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        values.add(normalise(result, i, meta.getColumnType(i)));
                    }
                    rows.put(values.get(0), values);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read: " + sql, e);
        }
        return rows;
    }

    private static String normalise(ResultSet result, int column, int type) throws SQLException {
        String text = result.getString(column);
        if (text == null) {
            return "<null>";
        }
        return switch (type) {
            case java.sql.Types.DECIMAL, java.sql.Types.NUMERIC, java.sql.Types.BIGINT, java.sql.Types.INTEGER,
                 java.sql.Types.SMALLINT -> {
                BigDecimal number = new BigDecimal(text.strip());
                yield number.signum() == 0 ? "0" : number.stripTrailingZeros().toPlainString();
            }
            case java.sql.Types.TIMESTAMP -> LocalDateTime.parse(text.strip().replace(' ', 'T')).toString();
            default -> text;
        };
    }

    /** A copier wrapper that counts how often each key was synced, across every run that shares the map. */
    static final class CountingCopier implements RowCopier {
        private final RowCopier delegate;
        final Map<String, AtomicInteger> syncs;
        final AtomicInteger calls = new AtomicInteger();

        CountingCopier(RowCopier delegate, Map<String, AtomicInteger> syncs) {
            this.delegate = delegate;
            this.syncs = syncs;
        }

        static Map<String, AtomicInteger> counts() {
            return new ConcurrentHashMap<>();
        }

        @Override
        public SyncResult sync(Store from, List<TableKeys> tables) throws SQLException {
            calls.incrementAndGet();
            SyncResult result = delegate.sync(from, tables);
            tables.forEach(table -> table.keys().forEach(
                    key -> syncs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet()));
            return result;
        }
    }

    /** A copier wrapper that fails hard (an {@link Error}, as a crash would) on its {@code n}-th call. */
    static final class CrashingCopier implements RowCopier {
        private final RowCopier delegate;
        private final int crashAt;
        private final AtomicInteger calls = new AtomicInteger();

        CrashingCopier(RowCopier delegate, int crashAt) {
            this.delegate = delegate;
            this.crashAt = crashAt;
        }

        @Override
        public SyncResult sync(Store from, List<TableKeys> tables) throws SQLException {
            if (calls.incrementAndGet() == crashAt) {
                throw new Crash();
            }
            return delegate.sync(from, tables);
        }
    }

    /** The crash of {@link CrashingCopier}. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash() {
            super("worker crashed (test hook)");
        }
    }

    RowCopier plainCopier() {
        return RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource()).build();
    }

    long checkpointRows(String status) {
        return old.count("SELECT COUNT(*) FROM dualwrite_backfill_checkpoint WHERE chunk_no > 0 AND status = ?", status);
    }

    @Override
    public void close() {
        Objects.requireNonNull(old).close();
        fresh.close();
    }
}
