package io.dualwrite.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.verify.VerificationJob;
import io.dualwrite.jdbc.verify.VerificationResult;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.mapping.TableMapping;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verification of two tables of {@code rows} rows against the plain alternative: streaming both tables into the
 * JVM in key order and comparing them row by row. {@code verify} moves no row across the wire when the tables are
 * equal (each store sums checksums per key range); with {@code differing} rows (a fraction: 0.001 is 0.1 %) it
 * fetches only the small ranges that hold them. One operation is one whole comparison; the ratio
 * {@code stream / verify} of the average times is the speed-up (target: at least 2 with equal tables, at least
 * 1 with 0.1 % differing). Run: {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main VerifyBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 12, time = 1)
@Measurement(iterations = 5, time = 1)
public class VerifyBenchmark {

    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("amount", "amount_total").build();
    private static final LocalDateTime T0 = LocalDateTime.parse("2026-03-01T08:30:15.123456");

    /** Where the two stores are: {@code mariadb-postgres} compares MariaDB with PostgreSQL (see {@link Databases.Kind}). */
    @Param({"h2", "postgres", "mariadb", "mariadb-postgres"})
    public String store = "h2";

    @Param({"100000"})
    public int rows = 100_000;

    @Param({"0", "0.001"})
    public double differing;

    private Databases.Kind kind;
    private HikariDataSource oldStore;
    private HikariDataSource newStore;
    private Verifier verifier;
    private VerificationJob job;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        kind = Databases.Kind.of(store);
        oldStore = Databases.create(kind.oldStore(), "verify_old");
        newStore = Databases.create(kind.newStore(), "verify_new");
        fill(oldStore, kind.oldStore(), "orders", "amount");
        fill(newStore, kind.newStore(), "orders_v2", "amount_total");
        if (differing > 0) {
            long every = Math.round(1 / differing);
            execute(newStore, "UPDATE orders_v2 SET note = 'drift' WHERE MOD(id, " + every + ") = 0");
        }
        verifier = Verifier.builder().oldDataSource(oldStore).newDataSource(newStore).recordResults(false)
                .recheckDelay(Duration.ZERO).recheckRounds(1).maxDifferences(1_000_000).build();
        job = VerificationJob.builder("orders").table(ORDERS).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        Databases.drop(kind.oldStore(), oldStore);
        Databases.drop(kind.newStore(), newStore);
    }

    /** Checksums per key range in each store; only ranges that differ are split and fetched. */
    @Benchmark
    public long verify() throws SQLException {
        VerificationResult result = verifier.verify(job);
        return result.tables().get(0).differenceCount();
    }

    /** Both tables streamed in key order into the JVM and compared row by row (a merge of two sorted streams). */
    @Benchmark
    public long stream() throws SQLException {
        try (Connection old = oldStore.getConnection(); Connection fresh = newStore.getConnection()) {
            old.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            fresh.setAutoCommit(false);
            try (PreparedStatement oldRows = old.prepareStatement(
                         "SELECT id, merchant_id, amount, paid, created_at, note FROM orders ORDER BY id");
                 PreparedStatement newRows = fresh.prepareStatement(
                         "SELECT id, merchant_id, amount_total, paid, created_at, note FROM orders_v2 ORDER BY id")) {
                oldRows.setFetchSize(10_000);
                newRows.setFetchSize(10_000);
                try (ResultSet a = oldRows.executeQuery(); ResultSet b = newRows.executeQuery()) {
                    long differences = 0;
                    boolean hasA = a.next();
                    boolean hasB = b.next();
                    while (hasA || hasB) {
                        long idA = hasA ? a.getLong(1) : Long.MAX_VALUE;
                        long idB = hasB ? b.getLong(1) : Long.MAX_VALUE;
                        if (idA < idB) {
                            differences++;
                            hasA = a.next();
                        } else if (idB < idA) {
                            differences++;
                            hasB = b.next();
                        } else {
                            if (!Objects.equals(a.getString(2), b.getString(2))
                                    || a.getBigDecimal(3).compareTo(b.getBigDecimal(3)) != 0
                                    || a.getBoolean(4) != b.getBoolean(4)
                                    || !Objects.equals(a.getObject(5, LocalDateTime.class), b.getObject(5, LocalDateTime.class))
                                    || !Objects.equals(a.getString(6), b.getString(6))) {
                                differences++;
                            }
                            hasA = a.next();
                            hasB = b.next();
                        }
                    }
                    old.commit();
                    fresh.commit();
                    return differences;
                }
            }
        }
    }

    private void fill(HikariDataSource store, Databases.Kind product, String table, String amount) throws SQLException {
        // BOOLEAN is TINYINT(1) on MariaDB; its TIMESTAMP is bound to the session's time zone, DATETIME(6) is not.
        execute(store, "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), " + amount
                + " DECIMAL(12,2), paid BOOLEAN, created_at " + BackfillBenchmark.timestamp(product)
                + ", note VARCHAR(40))");
        if (product == Databases.Kind.POSTGRES) {
            // The same values as the batches below, generated by the server (a million rows in seconds).
            execute(store, "INSERT INTO " + table + " SELECT g, 'm-' || (g % 100), g * 7 / 100.0, g % 2 = 0,"
                    + " TIMESTAMP '2026-03-01 08:30:15.123456' + g * INTERVAL '1 second', 'note ' || g"
                    + " FROM generate_series(1, " + rows + ") g");
            execute(store, "VACUUM ANALYZE " + table);
            return;
        }
        try (Connection connection = store.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, ?)")) {
            connection.setAutoCommit(false);
            for (long id = 1; id <= rows; id++) {
                insert.setLong(1, id);
                insert.setString(2, "m-" + id % 100);
                insert.setBigDecimal(3, BigDecimal.valueOf(id * 7, 2));
                insert.setBoolean(4, id % 2 == 0);
                insert.setObject(5, T0.plusSeconds(id));
                insert.setString(6, "note " + id);
                insert.addBatch();
                if (id % 5_000 == 0) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
        if (product == Databases.Kind.MARIADB) {
            execute(store, "ANALYZE TABLE " + table);
        }
    }

    private static void execute(HikariDataSource store, String sql) throws SQLException {
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
