package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.DualWriter;
import io.dualwrite.StateSync;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two SqlSessionFactories, one per store, and no DualWriteDataSource: the proxy runs each marked write on the
 * authoritative store and syncs its key by state (read back, upsert or delete), never replaying the method.
 * Ends comparing both stores row by row with plain JDBC.
 */
class TwoSessionFactoriesTest {

    private static final String SYNC_READ = "io.dualwrite.mybatis.TwoStoreOrderMapper.selectById";
    private static final List<String> UPSERT = List.of("io.dualwrite.mybatis.TwoStoreOrderMapper.deleteById",
            "io.dualwrite.mybatis.TwoStoreOrderMapper.insertWithId");
    private static final List<String> DELETE = List.of("io.dualwrite.mybatis.TwoStoreOrderMapper.deleteById");

    private static SqlSessionFactory factory(DataSource dataSource) {
        return MyBatisBreakSupport.twoStoreFactory(dataSource, TwoStoreOrderMapper.class);
    }

    private static Map<Long, String> rows(TestDatabase db) {
        return MyBatisBreakSupport.rows(db);
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void markedWritesSyncTheirKeysByStateAndAFailedSyncIsRecordedThenRepaired(TestDatabases.Kind kind) throws Exception {
        try (MyBatisBreakSupport.TwoStores stores = new MyBatisBreakSupport.TwoStores(kind)) {
            TestDatabase oldDb = stores.oldDb;
            TestDatabase newDb = stores.newDb;
            JdbcChangeLog changeLog = stores.changeLog;
            DualWriter writer = stores.writer;
            DualWriteMappers mappers = stores.mappers(TwoStoreOrderMapper.class)
                    .rules(ContextRules.builder("orders").merchantIdPath("merchantNo").build())
                    .statement("io.dualwrite.mybatis.TwoStoreOrderMapper.delete", "orders", 0, Operation.DELETE)
                    .build();
            TwoStoreOrderMapper orders = mappers.mapper(TwoStoreOrderMapper.class);

            Order first = new Order("m-1", "NEW", "10.00");
            Order second = new Order("m-1", "NEW", "20.00");
            Order other = new Order("m-2", "NEW", "30.00");
            assertThat(orders.insert(first)).isEqualTo(1);
            orders.insert(second);
            orders.insert(other);
            assertThat(orders.updateStatus(first.getId(), "m-1", "PAID")).isEqualTo(1);
            assertThat(orders.delete(second.getId(), "m-1")).isEqualTo(1);
            assertThat(orders.selectById(first.getId()).getStatus()).isEqualTo("PAID");
            Map<Long, String> m1 = new TreeMap<>(rows(oldDb));
            m1.remove(other.getId());
            assertThat(m1).hasSize(1);
            assertThat(rows(newDb)).isEqualTo(m1);

            newDb.execute("ALTER TABLE orders RENAME TO orders_away");
            Order lost = new Order("m-1", "NEW", "40.00");
            assertThat(orders.insert(lost)).isEqualTo(1); // the failed sync never reaches the caller
            assertThat(orders.updateStatus(first.getId(), "m-1", "SHIPPED")).isEqualTo(1);
            assertThat(changeLog.pendingCount("orders")).isEqualTo(2);
            newDb.execute("ALTER TABLE orders_away RENAME TO orders");

            StateSync<?> sync = mappersSync(mappers);
            for (ChangeEntry entry : changeLog.claim(100, Instant.now().plusSeconds(3600), Duration.ofMinutes(1))) {
                writer.syncKey(entry.record().migration(), entry.record().row(), entry.record().target(), sync);
                changeLog.complete(entry.id());
            }
            assertThat(changeLog.pendingCount("orders")).isZero();
            m1 = new TreeMap<>(rows(oldDb));
            m1.remove(other.getId());
            assertThat(m1).hasSize(2);
            assertThat(rows(newDb)).isEqualTo(m1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2"})
    void aStatementMissingFromAFactoryFailsAtBuild(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabases.create(kind); TestDatabase other = TestDatabases.create(kind);
             DualWriter writer = DualWriter.builder().resolver(Switchboard.builder().switchStore(SwitchStores.inMemory())
                     .migration(MigrationSwitchConfig.of("orders")).build())
                     .changeLog(io.dualwrite.changelog.ChangeLogs.inMemory()).build()) {
            assertThatThrownBy(() -> DualWriteMappers.builder(writer, "orders")
                    .sessions(Store.OLD, factory(db.dataSource())).sessions(Store.NEW, factory(other.dataSource()))
                    .table("orders", Store.OLD, SYNC_READ, UPSERT, DELETE)
                    .table("orders", Store.NEW, "io.dualwrite.mybatis.TwoStoreOrderMapper.selectOne", UPSERT, DELETE)
                    .build())
                    .hasMessageContaining("io.dualwrite.mybatis.TwoStoreOrderMapper.selectOne (table orders, NEW store)")
                    .hasMessageContaining("add their mappers or fix the ids");
        }
    }

    /** The repair loop's view of both stores: the same statements the proxy syncs with. */
    private static StateSync<?> mappersSync(DualWriteMappers mappers) {
        return mappers.stateSync("orders");
    }
}
