package io.dualwrite.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.Switchboard;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
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
 * {@link MigrationContextInterceptor} and a {@link DualWriteDataSource} in async or sync {@code DUAL_WRITE} —
 * vs the same mapper on the raw old-store pool ({@code raw}). Same stores and table as {@link WriteBenchmark};
 * the merchant id comes from the parameter object. Run with
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main MyBatisBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
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

    @Param({"h2", "postgres"})
    public String store = "h2";

    /** {@code raw}: the mapper on the old pool; {@code asyncDual} / {@code syncDual}: through the stack. */
    @Param({"raw", "asyncDual", "syncDual"})
    public String variant = "raw";

    private @Nullable HikariDataSource oldPool;
    private @Nullable HikariDataSource newPool;
    private @Nullable DualWriter writer;
    private @Nullable SqlSessionFactory sessions;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        Databases.Kind kind = Databases.Kind.of(store);
        oldPool = Databases.create(kind, "old");
        newPool = Databases.create(kind, "new");
        Orders.createAndFill(oldPool, newPool);
        DataSource application = oldPool;
        if (!variant.equals("raw")) {
            MirrorMode mode = switch (variant) {
                case "asyncDual" -> MirrorMode.ASYNC;
                case "syncDual" -> MirrorMode.SYNC;
                default -> throw new IllegalArgumentException("variant must be raw, asyncDual or syncDual, but was '"
                        + variant + "'");
            };
            DualWriteSchema.create(oldPool);
            Switchboard switchboard = Switchboard.builder().switchStore(JdbcSwitchStore.create(oldPool))
                    .migration(MigrationSwitchConfig.builder(Fixture.MIGRATION).defaultPhase(MigrationPhase.DUAL_WRITE)
                            .build())
                    .build();
            writer = DualWriter.builder().resolver(switchboard).changeLog(JdbcChangeLog.create(oldPool))
                    .mirrorConfig(MirrorConfig.custom().mode(mode).build()).build();
            application = DualWriteDataSource.builder().oldDataSource(oldPool).newDataSource(newPool)
                    .migration(Fixture.MIGRATION).dualWriter(writer).mapping(TableMapping.identity("orders")).build();
        }
        Configuration configuration = new Configuration(new Environment("bench", new JdbcTransactionFactory(), application));
        configuration.addMapper(BenchOrderMapper.class);
        if (writer != null) {
            MigrationContextInterceptor.install(configuration,
                    ContextRules.builder(Fixture.MIGRATION).merchantIdPath("merchantId").build());
        }
        sessions = new SqlSessionFactoryBuilder().build(configuration);
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        if (writer != null) {
            writer.awaitMirrors(Duration.ofSeconds(60));
            writer.close();
        }
        if (oldPool != null) {
            oldPool.close();
        }
        if (newPool != null) {
            newPool.close();
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
        return order.getId();
    }

    /** Waits for the async mirrors handed off so far (for the smoke test). */
    boolean awaitMirrors() throws InterruptedException {
        return writer == null || writer.awaitMirrors(Duration.ofSeconds(30));
    }

    /** The new store's pool (for the smoke test). */
    DataSource newStore() {
        return newPool;
    }
}
