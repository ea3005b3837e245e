package io.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

@SuppressWarnings("try") // scopes opened only for their effect on the current context
class MigrationContextTest {

    @Test
    void builderCarriesIdsAndNumericOrderIds() {
        MigrationContext context = MigrationContext.forMigration("orders").orderId(42L).merchantId("m-1").userId("u-1")
                .build();
        assertThat(context.migration()).isEqualTo("orders");
        assertThat(context.orderId()).contains("42");
        assertThat(context.merchantId()).contains("m-1");
        assertThat(context.userId()).contains("u-1");
        assertThat(context.withOrderId("43").orderId()).contains("43");
        assertThat(context.withOrderId("43").merchantId()).contains("m-1");
        assertThat(context.toBuilder().build()).isEqualTo(context).hasSameHashCodeAs(context);
    }

    @Test
    void blankIdsAreRejectedNullIdsMeanNone() {
        assertThatThrownBy(() -> MigrationContext.forMigration(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migration must be a non-blank id, but was ' '");
        assertThatThrownBy(() -> MigrationContext.forMigration("orders").merchantId(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("merchantId must be a non-blank id, but was ''");
        assertThat(MigrationContext.forMigration("orders").orderId(null).build().orderId()).isEmpty();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void migrationNameIsRefusedLikeEveryOtherId(String bad) {
        assertThatThrownBy(() -> MigrationContext.forMigration(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migration must be a non-blank id, but was " + shown(bad));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void blankOrderMerchantAndUserIdsAreRefusedNamingTheArgument(String bad) {
        MigrationContext.Builder builder = MigrationContext.forMigration("orders");

        assertThatThrownBy(() -> builder.orderId(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("orderId must be a non-blank id, but was " + shown(bad));
        assertThatThrownBy(() -> builder.merchantId(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("merchantId must be a non-blank id, but was " + shown(bad));
        assertThatThrownBy(() -> builder.userId(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("userId must be a non-blank id, but was " + shown(bad));
    }

    @Test
    void nullOrderMerchantAndUserIdsMeanNone() {
        MigrationContext context = MigrationContext.forMigration("orders").orderId(null).merchantId(null).userId(null)
                .build();

        assertThat(context.orderId()).isEmpty();
        assertThat(context.merchantId()).isEmpty();
        assertThat(context.userId()).isEmpty();
    }

    private static String shown(String value) {
        return value == null ? "null" : "'" + value + "'";
    }

    @Test
    void scopesNestAndRestore() {
        assertThat(MigrationContext.current()).isEmpty();
        try (MigrationContext.Scope outer = MigrationContext.forMigration("orders").orderId("o-1").open()) {
            try (MigrationContext.Scope inner = MigrationContext.forMigration("payments").open()) {
                assertThat(MigrationContext.current().map(MigrationContext::migration)).contains("payments");
            }
            assertThat(MigrationContext.current().flatMap(MigrationContext::orderId)).contains("o-1");
        }
        assertThat(MigrationContext.current()).isEmpty();
    }

    @Test
    void closingAScopeTwiceRestoresOnlyOnce() {
        try (MigrationContext.Scope outer = MigrationContext.forMigration("orders").open()) {
            MigrationContext.Scope inner = MigrationContext.forMigration("payments").open();
            inner.close();
            try (MigrationContext.Scope other = MigrationContext.forMigration("invoices").open()) {
                inner.close();
                assertThat(MigrationContext.current().map(MigrationContext::migration)).contains("invoices");
            }
            assertThat(MigrationContext.current().map(MigrationContext::migration)).contains("orders");
        }
    }

    @Test
    void wrapCarriesTheContextToAnotherThreadAndRestoresItThere() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Callable<Optional<String>> task;
            try (MigrationContext.Scope scope = MigrationContext.forMigration("orders").merchantId("m-9").open()) {
                task = MigrationContext.wrap(() -> MigrationContext.current().flatMap(MigrationContext::merchantId));
            }
            assertThat(pool.submit(task).get(60, TimeUnit.SECONDS)).contains("m-9");
            assertThat(pool.submit(() -> MigrationContext.current()).get(60, TimeUnit.SECONDS)).isEmpty();

            Runnable check = () -> assertThat(MigrationContext.current()).isEmpty();
            Runnable runnable = MigrationContext.wrap(check);
            pool.submit(runnable).get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }
}
