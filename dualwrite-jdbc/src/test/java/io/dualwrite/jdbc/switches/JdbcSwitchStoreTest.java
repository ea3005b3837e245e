package io.dualwrite.jdbc.switches;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.changelog.TestClock;
import io.dualwrite.jdbc.schema.SchemaScript;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.testing.LogCapture;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
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
    void aLoadByIdsReadsTheSystemSwitchTheRulesAndExactlyTheNamedMerchantsAndOrders(TestDatabases.Kind kind)
            throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcSwitchStore store = JdbcSwitchStore.create(db.dataSource());
            List<SwitchRule> rules = List.of(SwitchRule.merchantPercentage(25, MigrationPhase.SHADOW_READ));
            store.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
            store.setRules("orders", rules);
            for (int i = 0; i < 50; i++) {
                store.setMerchantPhase("orders", "m-" + i, MigrationPhase.NEW_PRIMARY);
                store.setOrderPhase("orders", "o-" + i, MigrationPhase.OLD_ONLY);
            }
            store.setMerchantPhase("orders", "m-3", null);
            store.setMerchantPhase("payments", "m-7", MigrationPhase.NEW_ONLY);

            // m-3 was cleared (a marker row keeps its time), M-7 differs from m-7 in case only, m-x has no switch
            SwitchSettings some = store.load("orders", java.util.Set.of("m-7", "m-3", "M-7", "m-x"),
                    java.util.Set.of("o-2", "o-49"));
            assertThat(some).isEqualTo(new SwitchSettings(MigrationPhase.DUAL_WRITE,
                    Map.of("m-7", MigrationPhase.NEW_PRIMARY),
                    Map.of("o-2", MigrationPhase.OLD_ONLY, "o-49", MigrationPhase.OLD_ONLY), rules));
            assertThat(store.load("orders", java.util.Set.of(), java.util.Set.of()))
                    .isEqualTo(new SwitchSettings(MigrationPhase.DUAL_WRITE, Map.of(), Map.of(), rules));

            // more ids than one query names: every switch, as load(migration)
            java.util.Set<String> many = new java.util.HashSet<>();
            for (int i = 0; i <= JdbcSwitchStore.MOST_IDS_PER_LOAD; i++) {
                many.add("m-" + i);
            }
            assertThat(store.load("orders", many, java.util.Set.of())).isEqualTo(store.load("orders"));
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

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void idsThatDifferOnlyInCaseAccentsOrTrailingSpacesAreDistinctSwitches(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcSwitchStore store = JdbcSwitchStore.create(db.dataSource());
            Map<String, MigrationPhase> phases = Map.of(
                    "m-1", MigrationPhase.OLD_ONLY, "M-1", MigrationPhase.DUAL_WRITE, "m-1 ", MigrationPhase.SHADOW_READ,
                    "m\u00e9", MigrationPhase.NEW_PRIMARY, "me", MigrationPhase.NEW_ONLY);
            phases.forEach((id, phase) -> {
                store.setMerchantPhase("orders", id, phase);
                store.setOrderPhase("orders", id, phase);
            });
            store.setSystemPhase("Orders", MigrationPhase.NEW_ONLY);

            SwitchSettings loaded = store.load("orders");
            assertThat(loaded.merchantPhases()).isEqualTo(phases);
            assertThat(loaded.orderPhases()).isEqualTo(phases);
            assertThat(loaded.system()).as("migration 'Orders' is another migration").isEmpty();

            store.setMerchantPhase("orders", "m-1", null);
            assertThat(store.load("orders").merchantPhases()).hasSize(4).doesNotContainKey("m-1")
                    .containsEntry("m-1 ", MigrationPhase.SHADOW_READ).containsEntry("M-1", MigrationPhase.DUAL_WRITE);
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_switch WHERE scope_kind <> 'MERCHANT_CLEARED'"))
                    .isEqualTo(10);
            // the clearing keeps its time (round 22) under the exact id, no other
            assertThat(db.query("SELECT subject_id FROM dualwrite_switch WHERE scope_kind = 'MERCHANT_CLEARED'"))
                    .extracting(row -> row.values().iterator().next()).containsExactly("m-1");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "MARIADB"})
    void aBadRowIsNamedAndSkippedWhileTheOtherSwitchesStayInForce(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind);
             LogCapture log = LogCapture.of(JdbcSwitchStore.class)) {
            TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
            JdbcSwitchStore store = JdbcSwitchStore.create(db.dataSource(), clock, Duration.ofSeconds(1));
            store.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
            store.setMerchantPhase("orders", "m-1", MigrationPhase.NEW_PRIMARY);
            store.setOrderPhase("orders", "o-1", MigrationPhase.SHADOW_READ);
            store.setRules("orders", List.of(SwitchRule.idThreshold(1_000, MigrationPhase.NEW_ONLY)));
            String insert = "INSERT INTO dualwrite_switch (migration, scope_kind, subject_id, phase, rule_kind, rule_value,"
                    + " rule_position, updated_at) VALUES ('orders', ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)";
            insertRow(db, insert, "MERCHANT", "m-typo", "DUAL_WRTIE", null, null, null);
            insertRow(db, insert, "MERCHNT", "m-2", "NEW_ONLY", null, null, null);
            insertRow(db, insert, "MERCHANT", "", "NEW_ONLY", null, null, null);
            insertRow(db, insert, "RULE", "1", "DUAL_WRITE", "PERCENT", 10L, 1);
            insertRow(db, insert, "RULE", "2", "DUAL_WRITE", "MERCHANT_PERCENTAGE", 250L, 2);
            insertRow(db, insert, "RULE", "3", "DUAL_WRITE", "ID_THRESHOLD", null, 3);
            insertRow(db, insert, "RULE", "4", "DUAL_WRITE", "ID_THRESHOLD", 5L, 0);

            SwitchSettings loaded = store.load("orders");

            assertThat(loaded).isEqualTo(new SwitchSettings(MigrationPhase.DUAL_WRITE,
                    Map.of("m-1", MigrationPhase.NEW_PRIMARY), Map.of("o-1", MigrationPhase.SHADOW_READ),
                    List.of(SwitchRule.idThreshold(1_000, MigrationPhase.NEW_ONLY))));
            List<String> warnings = log.messages(Level.WARN);
            assertThat(warnings).hasSize(7).allSatisfy(line -> assertThat(line).contains("migration 'orders'")
                    .contains("the other switches stay in force"));
            assertThat(warnings).anySatisfy(line -> assertThat(line)
                            .contains("scope MERCHANT, id 'm-typo', phase 'DUAL_WRTIE': not a phase"))
                    .anySatisfy(line -> assertThat(line).contains("scope MERCHNT, id 'm-2', scope_kind 'MERCHNT': not a scope"))
                    .anySatisfy(line -> assertThat(line).contains("scope MERCHANT, id '', subject_id ''")
                            .contains("needs the id"))
                    .anySatisfy(line -> assertThat(line).contains("rule_kind 'PERCENT'").contains("not a rule kind"))
                    .anySatisfy(line -> assertThat(line).contains("rule_value 250").contains("between 0 and 100"))
                    .anySatisfy(line -> assertThat(line).contains("rule_value null").contains("needs its rule_value"))
                    .anySatisfy(line -> assertThat(line).contains("id '4'").contains("rule_position 0 is already held"));

            store.load("orders");
            store.load("orders");
            assertThat(log.messages(Level.WARN)).as("once per interval, not per load").hasSize(7);

            clock.advance(Duration.ofSeconds(1));
            assertThat(store.load("orders")).isEqualTo(loaded);
            assertThat(log.messages(Level.WARN)).hasSize(14)
                    .last().asString().contains("loads skipped it silently since");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMissingTableIsNamedWithTheFix(TestDatabases.Kind kind) {
        try (TestDatabase db = TestDatabases.create(kind)) {
            JdbcSwitchStore store = JdbcSwitchStore.create(db.dataSource());

            assertThatThrownBy(() -> store.load("orders"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not load switches of migration orders")
                    .hasMessageContaining("DualWriteSchema.create(dataSource)")
                    .hasMessageContaining(switch (kind) {
                        case H2 -> SchemaScript.H2.resourcePath();
                        case POSTGRES -> SchemaScript.POSTGRESQL.resourcePath();
                        case MARIADB -> SchemaScript.MARIADB.resourcePath();
                    });
            assertThatThrownBy(() -> store.setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE))
                    .hasMessageContaining("dualwrite's table is missing");
        }
    }

    private static void insertRow(TestDatabase db, String sql, String scope, String subject, String phase,
                                  String ruleKind, Long ruleValue, Integer rulePosition) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, scope);
            insert.setString(2, subject);
            insert.setString(3, phase);
            insert.setString(4, ruleKind);
            insert.setObject(5, ruleValue, Types.BIGINT);
            insert.setObject(6, rulePosition, Types.INTEGER);
            insert.executeUpdate();
        }
    }
}
