package io.dualwrite.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.mapping.TableMapping;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
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
 * A backfill of {@code rows} rows (100,000) against a plain JDBC batch copy of the same rows, one thread each,
 * on H2, PostgreSQL, MariaDB and from MariaDB to PostgreSQL:
 * each operation copies the whole old table into an empty new one ({@link Mode#SingleShotTime}; rows per
 * second are {@code rows} divided by the time). The target: the backfill at 0.70× the plain copy's rows per
 * second or better.
 *
 * <p>Both jobs have the same name, so one {@code resetCheckpoints()} forgets either's checkpoints.
 *
 * <p>{@code copy=plainBatch} reads the old table by keyset in pages of 1,000 and inserts each page into the
 * new one as one JDBC batch in one transaction: the fastest hand-written copy that still pages. {@code
 * copy=backfill} runs a {@link BackfillJob} (one worker, no rate limit, default chunk sizing; {@code backfill2}
 * with two workers), which on top
 * of that takes each key's lock on the new store, reads the rows by key after locking, upserts instead of
 * inserting, and records its chunks in the checkpoint table. The new table is emptied (and the job's
 * checkpoints forgotten) before each operation, outside the measurement.
 *
 * <pre>{@code
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main BackfillBenchmark
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 8)
@Measurement(iterations = 5)
public class BackfillBenchmark {

    /** Rows copied by one operation. */
    @Param({"100000"})
    public int rows = 100_000;

    private static final TableMapping ORDERS = TableMapping.builder("orders").newTable("orders_v2")
            .rename("status", "state").merchantIdColumn("merchant_id").build();

    /** Where the two stores are: {@code mariadb-postgres} copies from MariaDB to PostgreSQL (see {@link Databases.Kind}). */
    @Param({"h2", "postgres", "mariadb", "mariadb-postgres"})
    public String store = "h2";

    /** {@code backfill2}: the backfill with two workers, as a job's {@code workers(2)} runs it. */
    @Param({"plainBatch", "backfill", "backfill2"})
    public String copy = "plainBatch";

    private Databases.Kind kind;
    private HikariDataSource oldStore;
    private HikariDataSource newStore;
    private BackfillJob job;
    private BackfillJob twoWorkers;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        kind = Databases.Kind.of(store);
        oldStore = Databases.create(kind.oldStore(), "backfill_old");
        newStore = Databases.create(kind.newStore(), "backfill_new");
        DualWriteSchema.create(oldStore);
        execute(oldStore, "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                + " status VARCHAR(20), created_at " + timestamp(kind.oldStore()) + ")");
        execute(newStore, "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), amount DECIMAL(12,2),"
                + " state VARCHAR(20), created_at " + timestamp(kind.newStore()) + ")");
        switch (kind.oldStore()) {
            case H2 -> execute(oldStore, "INSERT INTO orders SELECT X, 'm-' || MOD(X, 7), X * 1.25, 'paid',"
                    + " DATEADD(SECOND, X, TIMESTAMP '2026-01-01 00:00:00.123456') FROM SYSTEM_RANGE(1, " + rows + ")");
            case POSTGRES -> {
                execute(oldStore, "INSERT INTO orders SELECT g, 'm-' || (g % 7), g * 1.25, 'paid',"
                        + " TIMESTAMP '2026-01-01 00:00:00.123456' + g * INTERVAL '1 second' FROM generate_series(1, "
                        + rows + ") g");
                execute(oldStore, "ANALYZE orders");
            }
            default -> {
                insertRows(oldStore);
                execute(oldStore, "ANALYZE TABLE orders");
            }
        }
        job = BackfillJob.builder().migration("orders").oldDataSource(oldStore).newDataSource(newStore)
                .mapping(ORDERS).workers(1).build();
        twoWorkers = BackfillJob.builder().migration("orders").oldDataSource(oldStore).newDataSource(newStore)
                .mapping(ORDERS).workers(2).build();
    }

    /** The rows H2 and PostgreSQL generate in SQL, inserted by JDBC batches (MariaDB). */
    private void insertRows(HikariDataSource store) throws SQLException {
        LocalDateTime t0 = LocalDateTime.parse("2026-01-01T00:00:00.123456");
        try (Connection connection = store.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, ?, ?)")) {
            connection.setAutoCommit(false);
            for (long id = 1; id <= rows; id++) {
                insert.setLong(1, id);
                insert.setString(2, "m-" + id % 7);
                insert.setBigDecimal(3, BigDecimal.valueOf(id * 125, 2));
                insert.setString(4, "paid");
                insert.setObject(5, t0.plusSeconds(id));
                insert.addBatch();
                if (id % 5_000 == 0) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    /** A timestamp column with microseconds on the product (MariaDB's TIMESTAMP is a time-zone-bound type). */
    static String timestamp(Databases.Kind product) {
        return product == Databases.Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
    }

    /** An empty new table and no checkpoints, before every operation. */
    @Setup(Level.Iteration)
    public void empty() throws SQLException {
        execute(newStore, "TRUNCATE TABLE orders_v2");
        job.resetCheckpoints();
        if (kind.newStore() == Databases.Kind.POSTGRES) {
            execute(newStore, "VACUUM orders_v2");
        }
    }

    @TearDown(Level.Trial)
    public void stop() {
        Databases.drop(kind.oldStore(), oldStore);
        Databases.drop(kind.newStore(), newStore);
    }

    @Benchmark
    public long copyAll() throws Exception {
        long copied = switch (copy) {
            case "backfill" -> job.run().rowsCopied();
            case "backfill2" -> twoWorkers.run().rowsCopied();
            default -> plainBatch();
        };
        if (copied != rows) {
            throw new IllegalStateException(copy + " copied " + copied + " rows, not " + rows);
        }
        return copied;
    }

    /** The baseline: keyset pages of 1,000 rows, each inserted as one batch in one transaction. */
    private long plainBatch() throws SQLException {
        long copied = 0;
        long after = 0;
        try (Connection source = oldStore.getConnection(); Connection target = newStore.getConnection();
             PreparedStatement read = source.prepareStatement("SELECT id, merchant_id, amount, status, created_at"
                     + " FROM orders WHERE id > ? ORDER BY id LIMIT 1000");
             PreparedStatement insert = target.prepareStatement("INSERT INTO orders_v2"
                     + " (id, merchant_id, amount, state, created_at) VALUES (?, ?, ?, ?, ?)")) {
            target.setAutoCommit(false);
            while (true) {
                read.setLong(1, after);
                int page = 0;
                try (ResultSet result = read.executeQuery()) {
                    while (result.next()) {
                        after = result.getLong(1);
                        insert.setLong(1, after);
                        insert.setString(2, result.getString(2));
                        insert.setBigDecimal(3, result.getBigDecimal(3));
                        insert.setString(4, result.getString(4));
                        insert.setObject(5, result.getObject(5, java.time.LocalDateTime.class));
                        insert.addBatch();
                        page++;
                    }
                }
                if (page == 0) {
                    break;
                }
                insert.executeBatch();
                target.commit();
                copied += page;
            }
            target.setAutoCommit(true);
        }
        return copied;
    }

    private static void execute(HikariDataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
