package io.dualwrite.spring.aop;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two real databases of migration "orders" behind a {@link DualWriteDataSource} with asynchronous mirrors. The
 * new table renames {@code orders} to {@code orders_v2} and {@code note} to {@code remark}; the mapping names no
 * merchant column, so a write's merchant is known only from its context, which is what the aspect opens.
 */
final class TwoStores implements AutoCloseable {

    static final String CREATE_OLD = "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(40))";
    static final String CREATE_NEW = "CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), remark VARCHAR(40))";

    final TestDatabase oldDb;
    final TestDatabase newDb;
    final SwitchStore switches = SwitchStores.inMemory();
    final Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
            .migration(MigrationSwitchConfig.of("orders")).build();
    final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    final DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
    final DualWriteDataSource dataSource;

    TwoStores(TestDatabases.Kind oldKind, TestDatabases.Kind newKind) {
        oldDb = TestDatabases.create(oldKind);
        newDb = TestDatabases.create(newKind);
        oldDb.execute(CREATE_OLD);
        newDb.execute(CREATE_NEW);
        dataSource = DualWriteDataSource.builder()
                .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                .migration("orders").dualWriter(writer)
                .mapping(TableMapping.builder("orders").newTable("orders_v2").rename("note", "remark").build())
                .build();
    }

    static TwoStores h2() {
        return new TwoStores(TestDatabases.Kind.H2, TestDatabases.Kind.H2);
    }

    void merchantPhase(String merchantId, MigrationPhase phase) {
        switches.setMerchantPhase("orders", merchantId, phase);
    }

    /** Every row of the old store, by plain JDBC, in key order. */
    List<Map<String, Object>> oldRows() {
        return oldDb.query("SELECT id, merchant_id, note FROM orders ORDER BY id");
    }

    /** Every row of the new store, by plain JDBC, in key order, with the old store's column names. */
    List<Map<String, Object>> newRows() {
        return newDb.query("SELECT id, merchant_id, remark AS note FROM orders_v2 ORDER BY id");
    }

    /** Waits for the mirrors handed off so far (for tests that then compare the stores themselves). */
    void awaitMirrors() throws InterruptedException {
        if (!writer.awaitMirrors(Duration.ofSeconds(10))) {
            throw new AssertionError("mirrors still running after 10 s");
        }
    }

    @Override
    public void close() {
        writer.close();
        oldDb.close();
        newDb.close();
    }

    /** The stores as beans, and a repository writing and reading through the dual-write data source. */
    @Configuration(proxyBeanMethods = false)
    static class Beans {
        @Bean
        Switchboard switchboard(TwoStores stores) {
            return stores.switchboard;
        }

        @Bean
        DualWriteDataSource dataSource(TwoStores stores) {
            return stores.dataSource;
        }

        @Bean
        JdbcTemplate jdbcTemplate(DualWriteDataSource dataSource) {
            return new JdbcTemplate(dataSource);
        }

        @Bean
        OrderRepository orderRepository(JdbcTemplate jdbcTemplate) {
            return new OrderRepository(jdbcTemplate);
        }
    }
}
