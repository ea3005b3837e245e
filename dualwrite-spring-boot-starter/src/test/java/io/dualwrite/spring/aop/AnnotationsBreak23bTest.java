package io.dualwrite.spring.aop;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.spring.boot.autoconfigure.AopFeature;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Round 23b: round 23's fixes attacked, a {@code @MerchantId} argument held as a double or a float ({@code 7.0} for
 * merchant 7). Each test ends comparing both stores row by row with plain JDBC in the test.
 */
class AnnotationsBreak23bTest {

    /** Writes payments of merchants whose ids are numbers, held as doubles or floats. */
    public static class Payments {
        private final JdbcTemplate jdbc;

        public Payments(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @DualWrite
        public void save(@MerchantId Number merchantId, long id) {
            jdbc.update("INSERT INTO payments (id, merchant_id) VALUES (?, ?)", id, merchantId);
        }
    }

    // Round 23's IdText made a BigDecimal's text canonical and left any other number's toString(): the advisor ran the
    // call as merchant "7.0" (a double or a float), "10.0" (1e1) or "-0.0", whom no switch names, so those merchants'
    // (DUAL_WRITE) payments followed the system's OLD_ONLY and never reached the new store, unrecorded; the copier
    // reads the row's merchant from its number column as 7, 10 and 0. Expected: merchants 7, 10 and 0 mirrored,
    // merchant 8 (OLD_ONLY, written as 8.0) not.
    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"H2", "POSTGRES"})
    void aMerchantIdArgumentHeldAsADoubleOrFloatIsTheMerchantTheSwitchesName(Kind kind) throws Exception {
        SwitchStore switches = SwitchStores.inMemory();
        Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
                .migration(MigrationSwitchConfig.of("orders")).build();
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind);
             DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build()) {
            for (TestDatabase db : List.of(oldDb, newDb)) {
                db.execute("CREATE TABLE payments (id BIGINT PRIMARY KEY, merchant_id BIGINT)");
            }
            DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).migration("orders").dualWriter(writer)
                    .mapping(TableMapping.builder("payments").build()).build();
            switches.setMerchantPhase("orders", "7", MigrationPhase.DUAL_WRITE);
            switches.setMerchantPhase("orders", "10", MigrationPhase.DUAL_WRITE);
            switches.setMerchantPhase("orders", "0", MigrationPhase.DUAL_WRITE);
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
                    .withUserConfiguration(AopFeature.CONFIGURATION)
                    .withBean(Switchboard.class, () -> switchboard)
                    .withBean(Payments.class, () -> new Payments(new JdbcTemplate(dataSource)))
                    .run(context -> {
                        Payments payments = context.getBean(Payments.class);
                        payments.save(7.0d, 1);
                        payments.save(7.0f, 2);
                        payments.save(1e1d, 3);
                        payments.save(-0.0d, 4);
                        payments.save(8.0d, 5);
                        assertThat(writer.awaitMirrors(Duration.ofSeconds(60))).isTrue();
                    });

            assertThat(oldDb.query("SELECT id, merchant_id FROM payments ORDER BY id")).hasSize(5);
            List<Map<String, Object>> mirrored = newDb.query("SELECT id, merchant_id FROM payments ORDER BY id");
            assertThat(mirrored).isEqualTo(oldDb.query(
                    "SELECT id, merchant_id FROM payments WHERE merchant_id IN (7, 10, 0) ORDER BY id"));
            assertThat(mirrored).hasSize(4);
            assertThat(changeLog.pendingCount("orders")).isZero();
        }
    }
}
