package io.dualwrite.jdbc.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class ReconcilerBuilderTest {

    @Test
    void invalidSettingsAreRefusedWithPropertyValueAndAllowedRange() {
        Reconciler.Builder builder = Reconciler.builder();
        assertThatThrownBy(() -> builder.batchSize(0))
                .hasMessage("batchSize must be between 1 and 10000, but was 0");
        assertThatThrownBy(() -> builder.lease(Duration.ofSeconds(-1)))
                .hasMessage("lease must be a positive duration, but was PT-1S");
        assertThatThrownBy(() -> builder.maxAttempts(0)).hasMessage("maxAttempts must be at least 1, but was 0");
        assertThatThrownBy(() -> builder.mappings(Map.of("x", TableMapping.identity("orders"))))
                .hasMessage("mappings key must be the mapping's old table 'orders', but was 'x'");
        assertThatThrownBy(() -> builder.mapping(TableMapping.identity("orders")).mapping(TableMapping.identity("ORDERS")))
                .hasMessage("mapping of table 'ORDERS' is set twice");
        assertThatThrownBy(builder::build).hasMessageContaining("changeLog was not set");
        try (TestDatabase db = TestDatabases.h2()) {
            assertThatThrownBy(() -> Reconciler.builder().initialBackoff(Duration.ofMinutes(2))
                    .maxBackoff(Duration.ofMinutes(1)).changeLog(JdbcChangeLog.create(db.dataSource()))
                    .oldDataSource(db.dataSource()).newDataSource(db.dataSource())
                    .mapping(TableMapping.identity("orders")).build())
                    .hasMessage("maxBackoff must not be below initialBackoff (PT2M), but was PT1M");
        }
    }

    @Test
    void backoffDoublesFromTheInitialWaitUpToTheMaximum() {
        ReconcilerConfig config = new ReconcilerConfig(null, null, null, Map.of(), null, 1, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofMinutes(5), 10, java.time.Clock.systemUTC());
        assertThat(config.backoff(0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.backoff(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(config.backoff(8)).isEqualTo(Duration.ofSeconds(256));
        assertThat(config.backoff(9)).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.backoff(1000)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void startedReconcilerDrainsTheLogOnItsOwnThreadUntilClosed() throws Exception {
        try (TestDatabase old = TestDatabases.h2(); TestDatabase fresh = TestDatabases.h2()) {
            DualWriteSchema.create(old.dataSource());
            Stores.createOldOrders(old);
            Stores.createNewOrders(fresh);
            old.execute("INSERT INTO orders VALUES " + Stores.orderRow(1, "PAID"));
            JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
            changeLog.record(Stores.entry("orders", "1", Operation.INSERT).withDueAt(java.time.Instant.now()));

            try (Reconciler reconciler = Reconciler.builder().changeLog(changeLog).oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(Stores.ordersMapping()).build()) {
                reconciler.start(Duration.ofMillis(20));
                assertThatThrownBy(() -> reconciler.start(Duration.ofMillis(20))).isInstanceOf(IllegalStateException.class);
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> fresh.count("SELECT COUNT(*) FROM orders_v2") == 1);
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> changeLog.pendingCount("orders") == 0);
            }
        }
    }
}
