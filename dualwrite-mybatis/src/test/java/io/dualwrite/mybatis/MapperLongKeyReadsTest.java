package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.junit.jupiter.api.Test;

/**
 * The performance path of a marked mapper update by a {@code long} id on an integer key: the row is read once,
 * by the sync, and never again before the call (an integer key names its row exactly).
 */
class MapperLongKeyReadsTest {

    private static final String MAPPER = "io.dualwrite.mybatis.TwoStoreOrderMapper.";

    @Test
    void updateByALongIdOnAnIntegerKeyReadsTheRowOnlyForTheSync() throws Exception {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2()) {
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_no VARCHAR(20) NOT NULL,"
                                + " status VARCHAR(20) NOT NULL, amount DECIMAL(12,2) NOT NULL)",
                        "INSERT INTO orders VALUES (7, 'm-1', 'NEW', 10.00)");
            }
            AtomicInteger reads = new AtomicInteger();
            DataSource counted = counting(oldDb.dataSource(), reads);
            SwitchStore switches = SwitchStores.inMemory();
            switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
            InMemoryChangeLog changeLog = ChangeLogs.inMemory();
            try (DualWriter writer = DualWriter.builder()
                    .resolver(Switchboard.builder().switchStore(switches).migration(MigrationSwitchConfig.of("orders")).build())
                    .changeLog(changeLog)
                    .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(10)).build())
                    .build()) {
                List<String> upserts = List.of(MAPPER + "deleteById", MAPPER + "insertWithId");
                List<String> deletes = List.of(MAPPER + "deleteById");
                DualWriteMappers mappers = DualWriteMappers.builder(writer, "orders")
                        .sessions(Store.OLD, factory(counted)).sessions(Store.NEW, factory(newDb.dataSource()))
                        .table("orders", Store.OLD, MAPPER + "selectById", upserts, deletes)
                        .table("orders", Store.NEW, MAPPER + "selectById", upserts, deletes)
                        .build();
                TwoStoreOrderMapper orders = mappers.mapper(TwoStoreOrderMapper.class);

                assertThat(orders.updateStatus(7L, "m-1", "PAID")).isEqualTo(1);

                assertThat(reads.get()).as("reads of the row on the old store").isEqualTo(1);
                assertThat(changeLog.entries()).isEmpty();
                List<Map<String, Object>> now = newDb.query("SELECT id, status FROM orders");
                assertThat(now).isEqualTo(oldDb.query("SELECT id, status FROM orders"));
                assertThat(String.valueOf(now.get(0).get("status"))).isEqualTo("PAID");
            }
        }
    }

    private static SqlSessionFactory factory(DataSource dataSource) {
        Configuration configuration = new Configuration(new Environment("s", new JdbcTransactionFactory(), dataSource));
        configuration.addMapper(TwoStoreOrderMapper.class);
        return new SqlSessionFactoryBuilder().build(configuration);
    }

    /** A data source counting the statements prepared that read a row of orders by id. */
    private static DataSource counting(DataSource real, AtomicInteger reads) {
        return (DataSource) Proxy.newProxyInstance(MapperLongKeyReadsTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = KeyFormsStores.invoke(real, method, args);
                    if (result instanceof Connection connection) {
                        return Proxy.newProxyInstance(MapperLongKeyReadsTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("prepareStatement")) {
                                        String sql = ((String) a[0]).toLowerCase(Locale.ROOT);
                                        if (sql.startsWith("select") && sql.contains("from orders where id")) {
                                            reads.incrementAndGet();
                                        }
                                    }
                                    return KeyFormsStores.invoke(connection, m, a);
                                });
                    }
                    return result;
                });
    }
}
