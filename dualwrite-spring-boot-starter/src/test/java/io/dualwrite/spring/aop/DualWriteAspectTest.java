package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.annotation.DualRead;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code @DualWrite} on a Spring repository opens each call's context from its arguments, so that the data
 * source mirrors each merchant's writes by that merchant's phase although the caller opens no context.
 */
class DualWriteAspectTest {

    private final TwoStores stores = TwoStores.h2();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withBean(TwoStores.class, () -> stores)
            .withUserConfiguration(AopFeature.CONFIGURATION, TwoStores.Beans.class);

    @AfterEach
    void tearDown() {
        stores.close();
    }

    @Test
    void onlyTheDualWriteMerchantsRowsReachTheNewStore() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        stores.merchantPhase("B", MigrationPhase.OLD_ONLY);
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.save("A", 1, "a-1");
            orders.save("B", 2, "b-2");
            orders.save("A", 3, "a-3");
            orders.save("B", 4, "b-4");

            await().atMost(Duration.ofSeconds(60)).until(() -> stores.newRows().size() == 2);
            stores.awaitMirrors();
            assertThat(stores.oldRows()).extracting(row -> row.get("id")).containsExactly(1L, 2L, 3L, 4L);
            List<Map<String, Object>> merchantA = stores.oldRows().stream()
                    .filter(row -> "A".equals(row.get("merchant_id"))).toList();
            assertThat(stores.newRows()).isEqualTo(merchantA);
        });
    }

    @Test
    void theIdsComeFromTheMarkedParameter() {
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.save("A", 1, "a-1");

            MigrationContext seen = orders.calls("save").get(0).context().orElseThrow();
            assertThat(seen).isEqualTo(MigrationContext.forMigration("orders").merchantId("A").build());
            assertThat(MigrationContext.current()).isEmpty();
        });
    }

    @Test
    void theIdsComeFromSpelExpressionsOverTheArguments() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.saveOrder(new OrderRepository.Order(7, "A", "a-7"));
            orders.saveOrder(new OrderRepository.Order(8, "B", "b-8"));

            assertThat(orders.calls("saveOrder")).extracting(call -> call.context().orElseThrow()).containsExactly(
                    MigrationContext.forMigration("orders").orderId("7").merchantId("A").build(),
                    MigrationContext.forMigration("orders").orderId("8").merchantId("B").build());
            await().atMost(Duration.ofSeconds(60)).until(() -> stores.newRows().size() == 1);
            stores.awaitMirrors();
            assertThat(stores.newRows()).isEqualTo(stores.oldRows().subList(0, 1));
        });
    }

    @Test
    void aNullIdMeansTheCallIsNotAttributed() {
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.save(null, 1, "nobody's");

            assertThat(orders.calls("save").get(0).context())
                    .contains(MigrationContext.forMigration("orders").build());
            assertThat(stores.oldRows()).hasSize(1);
        });
    }

    @Test
    void anIdWhoseExpressionFailsForACallIsLeftOutAndTheWriteRuns() {
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.saveOwnedBy(null, 1, "no owner"); // #owner.merchantId on null

            assertThat(orders.calls("saveOwnedBy").get(0).context())
                    .contains(MigrationContext.forMigration("orders").build());
            assertThat(stores.oldRows()).extracting(row -> row.get("note")).containsExactly("no owner");
        });
    }

    @Test
    void anAlreadyOpenContextWins() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            MigrationContext callers = MigrationContext.forMigration("orders").merchantId("B").orderId("o-1").build();
            try (MigrationContext.Scope scope = callers.open()) {
                orders.save("A", 1, "a-1 under B's context");
            }

            assertThat(orders.calls("save").get(0).context()).contains(callers);
            stores.awaitMirrors();
            assertThat(stores.oldRows()).hasSize(1);
            assertThat(stores.newRows()).isEmpty(); // B (OLD_ONLY) decided, not the argument A
        });
    }

    @Test
    void withoutTheAnnotationTheSameWriteIsNotAttributedToItsMerchant() {
        stores.merchantPhase("A", MigrationPhase.DUAL_WRITE);
        runner.run(context -> {
            OrderRepository orders = context.getBean(OrderRepository.class);
            orders.saveUnannotated("A", 1, "a-1");

            assertThat(orders.calls("saveUnannotated").get(0).context()).isEmpty();
            stores.awaitMirrors();
            assertThat(stores.oldRows()).hasSize(1);
            assertThat(stores.newRows()).isEmpty();
        });
    }

    @Test
    void aSpelExpressionThatDoesNotParseFailsStartUpNamingTheMethodAndTheExpression() {
        runner.withUserConfiguration(BadSpel.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(
                    "@DualWrite merchantId of BadSpelRepository.save is not a valid SpEL expression: '#order.merchantNo +'");
        });
    }

    @Test
    void anUnknownMigrationFailsStartUpNamingTheMethodAndTheConfiguredOnes() {
        runner.withUserConfiguration(UnknownMigration.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("@DualWrite migration of "
                    + "UnknownMigrationRepository.save is 'payments', which is not configured; configured: [orders]");
        });
    }

    @Test
    void twoMarkedParametersOrBothAnnotationsFailStartUp() {
        runner.withUserConfiguration(TwoMerchants.class).run(context -> assertThat(context.getStartupFailure())
                .hasStackTraceContaining("TwoMerchantsRepository.save marks parameters 0 and 1 with @MerchantId"));
        runner.withUserConfiguration(ReadAndWrite.class).run(context -> assertThat(context.getStartupFailure())
                .hasStackTraceContaining("ReadAndWriteRepository.save carries both @DualWrite and @DualRead"));
    }

    public static class BadSpelRepository {
        @DualWrite(merchantId = "#order.merchantNo +")
        public void save(Object order) {
        }
    }

    public static class UnknownMigrationRepository {
        @DualWrite(migration = "payments")
        public void save(@MerchantId String merchantId) {
        }
    }

    public static class TwoMerchantsRepository {
        @DualWrite
        public void save(@MerchantId String merchantId, @MerchantId String other) {
        }
    }

    public static class ReadAndWriteRepository {
        @DualWrite
        @DualRead
        public void save(@MerchantId String merchantId) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class BadSpel {
        @Bean
        BadSpelRepository badSpelRepository() {
            return new BadSpelRepository();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UnknownMigration {
        @Bean
        UnknownMigrationRepository unknownMigrationRepository() {
            return new UnknownMigrationRepository();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoMerchants {
        @Bean
        TwoMerchantsRepository twoMerchantsRepository() {
            return new TwoMerchantsRepository();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ReadAndWrite {
        @Bean
        ReadAndWriteRepository readAndWriteRepository() {
            return new ReadAndWriteRepository();
        }
    }
}
