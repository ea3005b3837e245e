package io.dualwrite.jdbc.switches;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcSwitchStoreTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void everySwitchRoundTripsExactlyAndClears(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcSwitchStore store = JdbcSwitchStore.create(db.dataSource());
            assertThat(store.load("orders")).isEqualTo(SwitchSettings.empty());

            List<SwitchRule> rules = List.of(
                    SwitchRule.idThreshold(9_000_000_000L, MigrationPhase.NEW_PRIMARY),
                    SwitchRule.merchantPercentage(25, MigrationPhase.SHADOW_READ),
                    SwitchRule.merchantPercentage(0, MigrationPhase.DUAL_WRITE));
            store.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
            store.setSystemPhase("orders", MigrationPhase.SHADOW_READ);
            store.setMerchantPhase("orders", "m-1", MigrationPhase.NEW_ONLY);
            store.setMerchantPhase("orders", "m-2", MigrationPhase.OLD_ONLY);
            store.setOrderPhase("orders", "o-1", MigrationPhase.NEW_PRIMARY);
            store.setRules("orders", rules);
            store.setSystemPhase("payments", MigrationPhase.NEW_ONLY);

            SwitchSettings loaded = store.load("orders");
            assertThat(loaded).isEqualTo(new SwitchSettings(MigrationPhase.SHADOW_READ,
                    Map.of("m-1", MigrationPhase.NEW_ONLY, "m-2", MigrationPhase.OLD_ONLY),
                    Map.of("o-1", MigrationPhase.NEW_PRIMARY), rules));

            store.setMerchantPhase("orders", "m-1", null);
            store.setOrderPhase("orders", "o-1", null);
            store.setRules("orders", List.of(SwitchRule.merchantPercentage(50, MigrationPhase.DUAL_WRITE)));
            assertThat(store.load("orders")).isEqualTo(new SwitchSettings(MigrationPhase.SHADOW_READ,
                    Map.of("m-2", MigrationPhase.OLD_ONLY), Map.of(),
                    List.of(SwitchRule.merchantPercentage(50, MigrationPhase.DUAL_WRITE))));

            store.setRules("orders", List.of());
            assertThat(store.load("orders").rules()).isEmpty();
            assertThat(store.load("payments").system()).contains(MigrationPhase.NEW_ONLY);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void twoInstancesOverOneDatabaseSeeEachOthersWrites(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcSwitchStore first = JdbcSwitchStore.create(db.dataSource());
            JdbcSwitchStore second = JdbcSwitchStore.create(db.dataSource());

            first.setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
            second.setMerchantPhase("orders", "m-1", MigrationPhase.NEW_PRIMARY);
            second.setRules("orders", List.of(SwitchRule.idThreshold(100, MigrationPhase.NEW_ONLY)));
            first.setOrderPhase("orders", "o-9", MigrationPhase.OLD_ONLY);

            assertThat(first.load("orders")).isEqualTo(second.load("orders"));
            assertThat(first.load("orders").merchantPhases()).containsEntry("m-1", MigrationPhase.NEW_PRIMARY);
            assertThat(first.load("orders").rules()).containsExactly(SwitchRule.idThreshold(100, MigrationPhase.NEW_ONLY));
            assertThat(second.load("orders").orderPhases()).containsEntry("o-9", MigrationPhase.OLD_ONLY);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void concurrentRuleReplacementsNeverMixTwoRuleSets(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            List<JdbcSwitchStore> instances = List.of(
                    JdbcSwitchStore.create(db.dataSource()), JdbcSwitchStore.create(db.dataSource()));
            List<List<SwitchRule>> ruleSets = new ArrayList<>();
            for (int writer = 0; writer < 4; writer++) {
                List<SwitchRule> rules = new ArrayList<>();
                for (int position = 0; position <= writer; position++) {
                    rules.add(SwitchRule.idThreshold(writer * 1000L + position, MigrationPhase.NEW_PRIMARY));
                }
                ruleSets.add(List.copyOf(rules));
            }
            ExecutorService threads = Executors.newFixedThreadPool(ruleSets.size());
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int writer = 0; writer < ruleSets.size(); writer++) {
                    JdbcSwitchStore store = instances.get(writer % 2);
                    List<SwitchRule> rules = ruleSets.get(writer);
                    done.add(threads.submit(() -> {
                        start.await();
                        for (int round = 0; round < 5; round++) {
                            store.setRules("orders", rules);
                            assertThat(ruleSets).contains(store.load("orders").rules());
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> each : done) {
                    each.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(ruleSets).contains(instances.get(0).load("orders").rules());
        }
    }
}
