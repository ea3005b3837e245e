package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The annotations on real servers, old MariaDB to new PostgreSQL (renamed table and column): writes attributed
 * by {@code @MerchantId} are mirrored per merchant, shadow reads compare across the two products, and a merged
 * read takes each row from its authoritative store.
 */
class MariaDbToPostgresAnnotationsTest {

    private final TwoStores stores = new TwoStores(TestDatabases.Kind.MARIADB, TestDatabases.Kind.POSTGRES);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withBean(TwoStores.class, () -> stores)
            .withBean(SimpleMeterRegistry.class)
            .withBean(ShadowReadSampling.class, () -> new ShadowReadSampling(Map.of("orders", 1.0)))
            .withUserConfiguration(AopFeature.CONFIGURATION, TwoStores.Beans.class);

    @AfterEach
    void tearDown() {
        stores.close();
    }

    @Test
    void writesMirrorPerMerchantAndReadsAreShadowedAndMerged() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        stores.merchantPhase("B", MigrationPhase.OLD_ONLY);
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.save("A", 1, "a-1");
            orders.save("B", 2, "b-2");
            orders.saveOrder(new OrderRepository.Order(3, "A", "a-3"));

            await().atMost(Duration.ofSeconds(60)).until(() -> stores.newRows().size() == 2);
            stores.awaitMirrors();
            List<Map<String, Object>> merchantA = stores.oldRows().stream()
                    .filter(row -> "A".equals(row.get("merchant_id"))).toList();
            assertThat(merchantA).hasSize(2);
            assertThat(stores.newRows()).isEqualTo(merchantA);

            stores.merchantPhase("A", MigrationPhase.SHADOW_READ);
            stores.newDb.execute("UPDATE orders_v2 SET remark = 'planted' WHERE id = 3");
            assertThat(orders.findNote("A", 1)).isEqualTo("a-1");
            assertThat(orders.findNote("A", 3)).isEqualTo("a-3");
            await().atMost(Duration.ofSeconds(60)).until(() -> counted(context.getBean(MeterRegistry.class), "match") == 1
                    && counted(context.getBean(MeterRegistry.class), "mismatch") == 1);

            stores.merchantPhase("B", MigrationPhase.NEW_PRIMARY);
            stores.newDb.execute("INSERT INTO orders_v2 VALUES (2, 'B', 'b-2 on new')");
            assertThat(orders.findAll()).extracting(OrderRepository.Order::note)
                    .containsExactly("a-1", "b-2 on new", "a-3");
        });
    }

    private static double counted(MeterRegistry registry, String outcome) {
        Counter counter = registry.find(ShadowReads.METER).tags("migration", "orders", "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
