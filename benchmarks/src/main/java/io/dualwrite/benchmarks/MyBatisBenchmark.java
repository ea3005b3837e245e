package io.dualwrite.benchmarks;

import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Options;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.jspecify.annotations.Nullable;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A MyBatis mapper insert (generated key, auto-committed session) through the double-writing stack — the
 * {@link MigrationContextInterceptor} and a {@link DualWriteDataSource} in {@code OLD_ONLY}, async or sync
 * {@code DUAL_WRITE} — vs the same mapper on the raw old-store pool ({@code raw}). Same stores, table and
 * wiring as {@link WriteBenchmark} ({@link Fixture}); the merchant id comes from the parameter object. Caller
 * latency in {@link Mode#SampleTime}; throughput, allocation and the wait for each iteration's mirrors come from
 * {@link WriteCostProfiler}, as for {@link WriteBenchmark}. Run it through {@link BenchmarkReport}
 * ({@code --suite tools}) or with
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main MyBatisBenchmark -prof gc -prof io.dualwrite.benchmarks.WriteCostProfiler}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 40, time = 1)
@Measurement(iterations = 3, time = 1)
public class MyBatisBenchmark {

    /** The mapper under test: the application's insert, unchanged. */
    public interface BenchOrderMapper {
        @Insert("INSERT INTO orders (merchant_id, status, qty, amount) VALUES (#{merchantId}, #{status}, #{qty}, #{amount})")
        @Options(useGeneratedKeys = true, keyProperty = "id", keyColumn = "id")
        int insert(BenchOrder order);
    }

    /** The parameter object. */
    public static final class BenchOrder {
        private @Nullable Long id;
        private final String merchantId;
        private final String status = "NEW";
        private final int qty;
        private final BigDecimal amount = new BigDecimal("42.50");

        BenchOrder(String merchantId, int qty) {
            this.merchantId = merchantId;
            this.qty = qty;
        }

        public @Nullable Long getId() {
            return id;
        }

        public void setId(Long id) {
            this.id = id;
        }

        public String getMerchantId() {
            return merchantId;
        }

        public String getStatus() {
            return status;
        }

        public int getQty() {
            return qty;
        }

        public BigDecimal getAmount() {
            return amount;
        }
    }

    /** MyBatis's table has a generated key ({@link Orders}): H2 and PostgreSQL. */
    @Param({"h2", "postgres"})
    public String store = "h2";

    /**
     * {@code raw}: the mapper on the old pool; {@code oldOnly} / {@code asyncDual} / {@code syncDual}: through the
     * interceptor and the data source in {@code OLD_ONLY}, async and sync {@code DUAL_WRITE} (see {@link Variant}).
     */
    @Param({"raw", "oldOnly", "asyncDual", "syncDual"})
    public String variant = "raw";

    private @Nullable Fixture fixture;
    private @Nullable SqlSessionFactory sessions;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        Variant chosen = Variant.of(variant);
        if (chosen != Variant.RAW && chosen != Variant.OLD_ONLY && chosen != Variant.ASYNC_DUAL
                && chosen != Variant.SYNC_DUAL) {
            throw new IllegalArgumentException("variant must be raw, oldOnly, asyncDual or syncDual, but was '"
                    + variant + "'");
        }
        // The stores, the data source and the mirror counting of WriteBenchmark: WriteCostProfiler empties the
        // tables before each iteration and waits for the iteration's mirrors, as it does for WriteBenchmark.
        Fixture started = Fixture.start(Databases.Kind.of(store), chosen);
        fixture = started;
        Configuration configuration = new Configuration(new Environment("bench", new JdbcTransactionFactory(),
                started.application()));
        configuration.addMapper(BenchOrderMapper.class);
        if (chosen.phase() != null) {
            MigrationContextInterceptor.install(configuration,
                    ContextRules.builder(Fixture.MIGRATION).merchantIdPath("merchantId").build());
        }
        sessions = new SqlSessionFactoryBuilder().build(configuration);
    }

    /** Closed when the fork exits, outside every measurement (see {@link Fixture#closeAtExit}). */
    @TearDown(Level.Trial)
    public void stop() {
        if (fixture != null) {
            fixture.closeAtExit();
        }
    }

    /** Closes the stores now (for the smoke test). */
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Benchmark
    @Threads(1)
    public long insert_t1() {
        return insert();
    }

    @Benchmark
    @Threads(4)
    public long insert_t4() {
        return insert();
    }

    /** One mapper insert in an auto-committed session; returns the generated key. */
    long insert() {
        BenchOrder order = new BenchOrder("m-" + Orders.randomQty() % 8, Orders.randomQty());
        try (SqlSession session = sessions.openSession(true)) {
            session.getMapper(BenchOrderMapper.class).insert(order);
        }
        fixture.countWrite();
        return order.getId();
    }

    /** Waits for the async mirrors handed off so far (for the smoke test). */
    void awaitMirrors() {
        fixture.awaitMirrors();
    }

    /** The new store's pool (for the smoke test). */
    DataSource newStore() {
        return fixture.newStore();
    }
}
