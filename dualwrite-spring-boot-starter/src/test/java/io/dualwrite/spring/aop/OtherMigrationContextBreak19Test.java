package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Nineteenth break review of the annotations: a {@code @DualWrite(migration = "payments")} method called while a
 * context of migration {@code orders} is open (an orders service calling the payments repository) ran under the
 * orders context, which the payments data source ignores, so its writes followed the unattributed rule instead of
 * their merchant's phase. The call now opens its own context; a context of its own migration still wins.
 */
class OtherMigrationContextBreak19Test {

    private final TestDatabase oldDb = TestDatabases.h2();
    private final TestDatabase newDb = TestDatabases.h2();
    private final SwitchStore switches = SwitchStores.inMemory();
    private final Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
            .migration(MigrationSwitchConfig.of("orders")).migration(MigrationSwitchConfig.of("payments")).build();
    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();

    /** Writes payments, each attributed to its merchant. */
    public static class Payments {
        private final JdbcTemplate jdbc;

        public Payments(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @DualWrite(migration = "payments")
        public Optional<MigrationContext> save(@MerchantId String merchantId, long id) {
            jdbc.update("INSERT INTO payments (id, merchant_id) VALUES (?, ?)", id, merchantId);
            return MigrationContext.current();
        }

        @DualWrite(migration = "payments")
        public Optional<MigrationContext> saveUnattributed(long id, String merchantId) {
            jdbc.update("INSERT INTO payments (id, merchant_id) VALUES (?, ?)", id, merchantId);
            return MigrationContext.current();
        }
    }

    @AfterEach
    void tearDown() {
        writer.close();
        oldDb.close();
        newDb.close();
    }

    @Test
    void aCallOfAnotherMigrationOpensItsOwnContextInsideAnOrdersContext() throws Exception {
        oldDb.execute("CREATE TABLE payments (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20))");
        newDb.execute("CREATE TABLE payments (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20))");
        DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                .newDataSource(newDb.dataSource()).migration("payments").dualWriter(writer)
                .mapping(TableMapping.builder("payments").build()).build();
        switches.setMerchantPhase("payments", "m-1", MigrationPhase.DUAL_WRITE);
        switches.setMerchantPhase("payments", "m-3", MigrationPhase.OLD_ONLY);
        switches.setMerchantPhase("orders", "m-3", MigrationPhase.DUAL_WRITE);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
                .withUserConfiguration(AopFeature.CONFIGURATION)
                .withBean(Switchboard.class, () -> switchboard)
                .withBean(Payments.class, () -> new Payments(new JdbcTemplate(dataSource)))
                .run(context -> {
                    Payments payments = context.getBean(Payments.class);
                    MigrationContext orders = MigrationContext.forMigration("orders").merchantId("m-3").build();
                    try (MigrationContext.Scope scope = orders.open()) {
                        assertThat(payments.save("m-1", 1)).contains(
                                MigrationContext.forMigration("payments").merchantId("m-1").build());
                        assertThat(payments.save("m-3", 2)).isPresent();
                        // no ids of its own: the open context's ids, under the call's migration
                        assertThat(payments.saveUnattributed(3, "m-3")).contains(
                                MigrationContext.forMigration("payments").merchantId("m-3").build());
                        assertThat(MigrationContext.current()).contains(orders);
                    }
                    MigrationContext ownMigration = MigrationContext.forMigration("payments").merchantId("m-3").build();
                    try (MigrationContext.Scope scope = ownMigration.open()) {
                        assertThat(payments.save("m-1", 4)).contains(ownMigration); // its migration's context wins
                    }
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();

                    List<Map<String, Object>> oldRows = oldDb.query("SELECT id, merchant_id FROM payments ORDER BY id");
                    assertThat(oldRows).hasSize(4);
                    assertThat(newDb.query("SELECT id, merchant_id FROM payments ORDER BY id"))
                            .isEqualTo(oldRows.subList(0, 1));
                    assertThat(changeLog.pendingCount("payments")).isZero();
                });
    }
}
