package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.spring.aop.OrderRepository.Order;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A merged list read over merchants in different phases: merchant A double-writes (the old store is
 * authoritative for its rows), merchant B is {@code NEW_PRIMARY} (the new store is). Each store holds a stale
 * copy of the other's rows, one row that only its authoritative store has, and one row deleted from its
 * authoritative store but not yet from the other.
 */
class MergedReadTest {

    private final TwoStores stores = TwoStores.h2();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withBean(TwoStores.class, () -> stores)
            .withUserConfiguration(AopFeature.CONFIGURATION, TwoStores.Beans.class);

    @BeforeEach
    void setUp() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        stores.merchantPhase("B", MigrationPhase.NEW_PRIMARY);
        stores.oldDb.execute(
                "INSERT INTO orders VALUES (1, 'A', 'a current')",
                "INSERT INTO orders VALUES (2, 'B', 'b stale')",
                "INSERT INTO orders VALUES (3, 'A', 'a not mirrored yet')",
                "INSERT INTO orders VALUES (6, 'B', 'b deleted on new')");
        stores.newDb.execute(
                "INSERT INTO orders_v2 VALUES (1, 'A', 'a stale')",
                "INSERT INTO orders_v2 VALUES (2, 'B', 'b current')",
                "INSERT INTO orders_v2 VALUES (4, 'B', 'b not mirrored yet')",
                "INSERT INTO orders_v2 VALUES (5, 'A', 'a deleted on old')");
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    @Test
    void eachRowComesFromTheStoreAuthoritativeForIt() {
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);

            assertThat(orders.findAll()).containsExactly(
                    new Order(1, "A", "a current"),
                    new Order(2, "B", "b current"),
                    new Order(3, "A", "a not mirrored yet"),
                    new Order(4, "B", "b not mirrored yet"));
            assertThat(orders.calls("findAll")).extracting(OrderRepository.Call::routedTo)
                    .containsExactly(Optional.empty(), Optional.of(Store.NEW));
        });
    }

    @Test
    void rowsAsMapsAreMergedBySpelOnTheRow() {
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);

            assertThat(orders.findAllAsMaps()).extracting(row -> row.get("id") + " " + row.get("note"))
                    .containsExactly("1 a current", "2 b current", "3 a not mirrored yet", "4 b not mirrored yet");
        });
    }

    @Test
    void whenTheSystemReadsTheNewStoreItRunsFirstAndTheMergeIsTheSame() {
        stores.switches.setSystemPhase("orders", MigrationPhase.NEW_PRIMARY);
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);

            assertThat(orders.findAll()).extracting(Order::note).containsExactly(
                    "a current", "b current", "a not mirrored yet", "b not mirrored yet");
            assertThat(orders.calls("findAll")).extracting(OrderRepository.Call::routedTo)
                    .containsExactly(Optional.empty(), Optional.of(Store.OLD));
        });
    }

    @Test
    void aFailingSecondStoreLeavesTheCallerTheFirstStoresRows() {
        stores.newDb.execute("DROP TABLE orders_v2");
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);

            assertThat(orders.findAll()).extracting(Order::id).containsExactly(1L, 2L, 3L, 6L);
        });
    }

    @Test
    void aMergedReadWithoutItsRowExpressionsOrAListFailsStartUp() {
        runner.withBean(NoRowKey.class).run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining(
                "@DualRead(merge = true) on NoRowKey.findAll needs rowKey"));
        runner.withBean(NoRowMerchant.class).run(context -> assertThat(context.getStartupFailure())
                .hasStackTraceContaining("@DualRead(merge = true) on NoRowMerchant.findAll needs rowMerchantId or rowOrderId"));
        runner.withBean(NotAList.class).run(context -> assertThat(context.getStartupFailure()).hasStackTraceContaining(
                "@DualRead(merge = true) on NotAList.findAll needs a method returning a List, Collection or Iterable, "
                        + "but it returns java.util.Set"));
        runner.withBean(BadRowExpression.class).run(context -> assertThat(context.getStartupFailure())
                .hasStackTraceContaining("@DualRead rowMerchantId of BadRowExpression.findAll is not a valid SpEL "
                        + "expression: 'merchant id'"));
    }

    public static class NoRowKey {
        @io.dualwrite.annotation.DualRead(merge = true, rowMerchantId = "merchantId")
        public java.util.List<Order> findAll() {
            return java.util.List.of();
        }
    }

    public static class NoRowMerchant {
        @io.dualwrite.annotation.DualRead(merge = true, rowKey = "id")
        public java.util.List<Order> findAll() {
            return java.util.List.of();
        }
    }

    public static class NotAList {
        @io.dualwrite.annotation.DualRead(merge = true, rowKey = "id", rowMerchantId = "merchantId")
        public java.util.Set<Order> findAll() {
            return java.util.Set.of();
        }
    }

    public static class BadRowExpression {
        @io.dualwrite.annotation.DualRead(merge = true, rowKey = "id", rowMerchantId = "merchant id")
        public java.util.List<Order> findAll() {
            return java.util.List.of();
        }
    }
}
