package io.dualwrite.jdbc.switches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcOrderPinStoreTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void racingInstancesAllGetThePhaseThatWon(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            List<JdbcOrderPinStore> instances = List.of(
                    JdbcOrderPinStore.create(db.dataSource()), JdbcOrderPinStore.create(db.dataSource()));
            MigrationPhase[] phases = MigrationPhase.values();
            int threadsPerInstance = 6;
            ExecutorService pool = Executors.newFixedThreadPool(threadsPerInstance * 2);
            try {
                for (int round = 0; round < 5; round++) {
                    String orderId = "order-" + round;
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<MigrationPhase>> answers = new ArrayList<>();
                    for (int i = 0; i < threadsPerInstance * 2; i++) {
                        JdbcOrderPinStore store = instances.get(i % 2);
                        MigrationPhase phase = phases[i % phases.length];
                        answers.add(pool.submit(() -> {
                            start.await();
                            return store.pinIfAbsent("orders", orderId, "m-1", phase);
                        }));
                    }
                    start.countDown();
                    Set<MigrationPhase> distinct = new HashSet<>();
                    for (Future<MigrationPhase> answer : answers) {
                        distinct.add(answer.get(30, TimeUnit.SECONDS));
                    }
                    assertThat(distinct).hasSize(1);
                    assertThat(instances.get(0).find("orders", orderId)).contains(distinct.iterator().next());
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_order_pin")).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void operatorActionsRepinAndUnpin(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcOrderPinStore store = JdbcOrderPinStore.create(db.dataSource());
            assertThat(store.find("orders", "o-1")).isEmpty();
            assertThat(store.pinIfAbsent("orders", "o-1", "m-1", MigrationPhase.DUAL_WRITE)).isEqualTo(MigrationPhase.DUAL_WRITE);
            assertThat(store.pinIfAbsent("orders", "o-1", "m-1", MigrationPhase.NEW_ONLY)).isEqualTo(MigrationPhase.DUAL_WRITE);
            store.pinIfAbsent("orders", "o-2", "m-1", MigrationPhase.DUAL_WRITE);
            store.pinIfAbsent("orders", "o-3", "m-2", MigrationPhase.DUAL_WRITE);
            store.pinIfAbsent("other", "o-1", "m-1", MigrationPhase.OLD_ONLY);

            assertThat(store.repinMerchant("orders", "m-1", MigrationPhase.SHADOW_READ)).isEqualTo(2);
            assertThat(store.find("orders", "o-2")).contains(MigrationPhase.SHADOW_READ);
            assertThat(store.find("orders", "o-3")).contains(MigrationPhase.DUAL_WRITE);

            store.repin("orders", "o-3", MigrationPhase.NEW_PRIMARY);
            store.repin("orders", "o-4", MigrationPhase.OLD_ONLY);
            assertThat(store.find("orders", "o-3")).contains(MigrationPhase.NEW_PRIMARY);
            assertThat(store.find("orders", "o-4")).contains(MigrationPhase.OLD_ONLY);
            // a re-pin keeps the merchant, so merchant re-pins still find the order
            assertThat(store.repinMerchant("orders", "m-2", MigrationPhase.NEW_ONLY)).isEqualTo(1);

            assertThat(store.pinCounts("orders")).containsOnly(Map.entry(MigrationPhase.SHADOW_READ, 2L),
                    Map.entry(MigrationPhase.NEW_ONLY, 1L), Map.entry(MigrationPhase.OLD_ONLY, 1L));
            assertThat(store.pinCounts("none")).isEmpty();

            assertThat(store.repinAll("orders", MigrationPhase.OLD_ONLY)).isEqualTo(4);
            assertThat(store.find("other", "o-1")).contains(MigrationPhase.OLD_ONLY);

            store.unpin("orders", "o-1");
            assertThat(store.find("orders", "o-1")).isEmpty();
            assertThat(store.pinIfAbsent("orders", "o-1", null, MigrationPhase.NEW_ONLY)).isEqualTo(MigrationPhase.NEW_ONLY);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void idsThatDifferOnlyInCaseAccentsOrTrailingSpacesArePinnedApart(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcOrderPinStore store = JdbcOrderPinStore.create(db.dataSource());
            Map<String, MigrationPhase> phases = Map.of(
                    "M-1", MigrationPhase.DUAL_WRITE, "m-1", MigrationPhase.OLD_ONLY, "m-1 ", MigrationPhase.SHADOW_READ,
                    "m\u00e9", MigrationPhase.NEW_PRIMARY, "me", MigrationPhase.NEW_ONLY);
            phases.forEach((id, phase) -> assertThat(store.pinIfAbsent("orders", id, id, phase))
                    .as("the pin of order '%s'", id).isEqualTo(phase));

            phases.forEach((id, phase) -> assertThat(store.find("orders", id)).as("order '%s'", id).contains(phase));
            assertThat(store.find("Orders", "m-1")).as("migration 'Orders' is another migration").isEmpty();

            store.repin("orders", "m-1", MigrationPhase.NEW_ONLY);
            assertThat(store.repinMerchant("orders", "M-1", MigrationPhase.NEW_ONLY)).isEqualTo(1);
            store.unpin("orders", "me");
            assertThat(store.find("orders", "m-1 ")).contains(MigrationPhase.SHADOW_READ);
            assertThat(store.find("orders", "m\u00e9")).contains(MigrationPhase.NEW_PRIMARY);
            assertThat(store.find("orders", "me")).isEmpty();
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_order_pin")).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMissingTableIsNamedWithTheFix(TestDatabases.Kind kind) {
        try (TestDatabase db = TestDatabases.create(kind)) {
            JdbcOrderPinStore store = JdbcOrderPinStore.create(db.dataSource());

            assertThatThrownBy(() -> store.pinIfAbsent("orders", "o-1", "m-1", MigrationPhase.DUAL_WRITE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not pin order o-1")
                    .hasMessageContaining("dualwrite's table is missing; to fix, create dualwrite's tables:"
                            + " call DualWriteSchema.create(dataSource) at start-up, or run the script io/dualwrite/jdbc/schema/")
                    .hasMessageContaining(switch (kind) {
                        case H2 -> "h2.sql";
                        case POSTGRES -> "postgresql.sql";
                        case MARIADB -> "mariadb.sql";
                    });
            assertThatThrownBy(() -> store.find("orders", "o-1")).hasMessageContaining("DualWriteSchema.create");
        }
    }
}
