package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.SQLException;
import java.util.function.Consumer;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * What a new user gets wrong in the first hour with the JDBC layer: every misstep refused when the application
 * starts, naming the setting, the value and the fix, never a NullPointerException or a failure on the first write.
 */
class FirstHourBreakTest {

    private final Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
            .migration(MigrationSwitchConfig.of("orders")).build();
    private final ChangeLog changeLog = ChangeLogs.inMemory();
    private final JdbcDataSource oldStore = new JdbcDataSource();
    private final JdbcDataSource newStore = new JdbcDataSource();

    private DualWriteDataSource.Builder dataSource() {
        return DualWriteDataSource.builder().oldDataSource(oldStore).newDataSource(newStore)
                .migration("orders").resolver(switchboard).changeLog(changeLog)
                .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                .mirrorExecutor(Store.OLD, DualWriteFixture.syncExecutor("to-old", changeLog))
                .mapping(TableMapping.identity("orders"));
    }

    @Test
    void aMigrationTheSwitchboardDoesNotKnowIsRefusedWhereverItIsGivenWithOneMessage() {
        String expected = "migration 'ordres' is not configured; configured migrations are [orders]; fix the name,"
                + " or add it to the switchboard with Switchboard.builder().migration(MigrationSwitchConfig.of(\"ordres\"))";

        assertThatThrownBy(() -> dataSource().migration("ordres").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> RowCopier.builder().resolver("ordres", switchboard))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> Reconciler.builder().resolver("ordres", switchboard))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> Reconciler.builder().changeLog(changeLog).oldDataSource(oldStore)
                .newDataSource(newStore).mapping(TableMapping.identity("orders"))
                .resolver("orders", switchboard).migration("ordres").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> BackfillJob.builder().migration("ordres").oldDataSource(oldStore)
                .newDataSource(newStore).mapping(TableMapping.identity("orders")).resolver(switchboard).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
    }

    @Test
    void aKnownMigrationBuildsEverywhere() {
        assertThat(dataSource().build().migration()).isEqualTo("orders");
        assertThat(RowCopier.builder().oldDataSource(oldStore).newDataSource(newStore)
                .resolver("orders", switchboard).build()).isNotNull();
        assertThat(Reconciler.builder().changeLog(changeLog).oldDataSource(oldStore).newDataSource(newStore)
                .mapping(TableMapping.identity("orders")).resolver("orders", switchboard).build()).isNotNull();
        assertThat(BackfillJob.builder().migration("orders").oldDataSource(oldStore).newDataSource(newStore)
                .mapping(TableMapping.identity("orders")).resolver(switchboard).build()).isNotNull();
    }

    @Test
    void aCopierScopedByAnotherMigrationIsRefusedByTheToolsGivenIt() {
        Switchboard two = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("orders")).migration(MigrationSwitchConfig.of("payments")).build();
        RowCopier paymentsCopier = RowCopier.builder().oldDataSource(oldStore).newDataSource(newStore)
                .resolver("payments", two).build();

        assertThatThrownBy(() -> BackfillJob.builder().migration("orders").oldDataSource(oldStore)
                .newDataSource(newStore).mapping(TableMapping.identity("orders")).rowCopier(paymentsCopier).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("BackfillJob of migration 'orders' was given a rowCopier scoped by migration"
                        + " 'payments'")
                .hasMessageContaining("DualWriteDataSource.rowCopier()");
        assertThatThrownBy(() -> Reconciler.builder().changeLog(changeLog).oldDataSource(oldStore)
                .newDataSource(newStore).mapping(TableMapping.identity("orders")).migration("orders")
                .rowCopier(paymentsCopier).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Reconciler of migration 'orders' was given a rowCopier scoped by migration"
                        + " 'payments'");
        assertThatThrownBy(() -> DualWriteDataSource.builder().oldDataSource(oldStore).newDataSource(newStore)
                .migration("orders").resolver(two).changeLog(changeLog)
                .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                .mirrorExecutor(Store.OLD, DualWriteFixture.syncExecutor("to-old", changeLog))
                .mapping(TableMapping.identity("orders")).tableCopier("orders", paymentsCopier).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("DualWriteDataSource (tableCopier of 'orders') of migration 'orders'");

        RowCopier ordersCopier = RowCopier.builder().oldDataSource(oldStore).newDataSource(newStore)
                .resolver("orders", two).build();
        assertThat(BackfillJob.builder().migration("orders").oldDataSource(oldStore).newDataSource(newStore)
                .mapping(TableMapping.identity("orders")).rowCopier(ordersCopier).build()).isNotNull();
        RowCopier unscoped = RowCopier.builder().oldDataSource(oldStore).newDataSource(newStore).build();
        assertThat(Reconciler.builder().changeLog(changeLog).oldDataSource(oldStore).newDataSource(newStore)
                .mapping(TableMapping.identity("orders")).migration("orders").rowCopier(unscoped).build()).isNotNull();
    }

    @Test
    void dataSourceBuilderSettersRefuseNullAtOnceNamingTheArgument() {
        assertRefusesNull("oldDataSource", DualWriteDataSource.builder(), b -> b.oldDataSource(null));
        assertRefusesNull("newDataSource", DualWriteDataSource.builder(), b -> b.newDataSource(null));
        assertRefusesNull("resolver", DualWriteDataSource.builder(), b -> b.resolver(null));
        assertRefusesNull("changeLog", DualWriteDataSource.builder(), b -> b.changeLog(null));
        assertRefusesNull("changeLogStore", DualWriteDataSource.builder(), b -> b.changeLogStore(null));
        assertRefusesNull("changeLogMode", DualWriteDataSource.builder(), b -> b.changeLogMode(null));
        assertRefusesNull("dualWriter", DualWriteDataSource.builder(), b -> b.dualWriter(null));
        assertRefusesNull("outboxWriter", DualWriteDataSource.builder(), b -> b.outboxWriter(null));
        assertRefusesNull("mapping", DualWriteDataSource.builder(), b -> b.mapping(null));
        assertRefusesNull("mappings", DualWriteDataSource.builder(), b -> b.mappings(null));
        assertRefusesNull("mirrorExecutors", DualWriteDataSource.builder(), b -> b.mirrorExecutors(null));
        assertRefusesNull("target", DualWriteDataSource.builder(), b -> b.mirrorExecutor(null, null));
        assertRefusesNull("copier", DualWriteDataSource.builder(), b -> b.tableCopier("orders", null));
    }

    @Test
    void copierReconcilerAndBackfillBuilderSettersRefuseNullAtOnceNamingTheArgument() {
        assertRefusesNull("oldDataSource", RowCopier.builder(), b -> b.oldDataSource(null));
        assertRefusesNull("newDataSource", RowCopier.builder(), b -> b.newDataSource(null));
        assertRefusesNull("resolver", RowCopier.builder(), b -> b.resolver("orders", null));
        assertRefusesNull("changeLog", Reconciler.builder(), b -> b.changeLog(null));
        assertRefusesNull("resolver", Reconciler.builder(), b -> b.resolver("orders", null));
        assertRefusesNull("rowCopier", Reconciler.builder(), b -> b.rowCopier(null));
        assertRefusesNull("oldDataSource", BackfillJob.builder(), b -> b.oldDataSource(null));
        assertRefusesNull("checkpointDataSource", BackfillJob.builder(), b -> b.checkpointDataSource(null));
        assertRefusesNull("mapping", BackfillJob.builder(), b -> b.mapping(null));
        assertRefusesNull("mappings", BackfillJob.builder(), b -> b.mappings(null));
        assertRefusesNull("scope", BackfillJob.builder(), b -> b.scope(null));
        assertRefusesNull("resolver", BackfillJob.builder(), b -> b.resolver(null));
        assertRefusesNull("rowCopier", BackfillJob.builder(), b -> b.rowCopier(null));
        assertRefusesNull("clock", BackfillJob.builder(), b -> b.clock(null));
    }

    @Test
    void theJdbcStoresAndSchemaHelpersRefuseANullDataSourceNamingIt() {
        for (Runnable factory : new Runnable[] {
                () -> io.dualwrite.jdbc.changelog.JdbcChangeLog.create(null),
                () -> JdbcSwitchStore.create(null),
                () -> JdbcOrderPinStore.create(null),
                () -> io.dualwrite.jdbc.verify.JdbcVerificationProbe.create(null)}) {
            assertThatThrownBy(factory::run)
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("dataSource must not be null");
        }
        assertThatThrownBy(() -> DualWriteSchema.create((javax.sql.DataSource) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dataSource must not be null");
        assertThatThrownBy(() -> DualWriteSchema.verify((javax.sql.DataSource) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dataSource must not be null");
    }

    @Test
    void mappingValidationNamesMissingSwitchAndPinTablesInTheDatabaseBehindTheSwitchboardWithTheFix()
            throws SQLException {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2();
             TestDatabase switchDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            Switchboard jdbcSwitches = Switchboard.builder().switchStore(JdbcSwitchStore.create(switchDb.dataSource()))
                    .orderPinStore(JdbcOrderPinStore.create(switchDb.dataSource()))
                    .migration(MigrationSwitchConfig.builder("orders").pinning(true).build()).build();
            DualWriteDataSource.Builder builder = dataSource().oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).resolver(jdbcSwitches).validateMappings(true);

            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("missing: dualwrite_switch, dualwrite_order_pin")
                    .hasMessageContaining("DualWriteSchema.create(dataSource)")
                    .hasMessageContaining("io/dualwrite/jdbc/schema/h2.sql");

            DualWriteSchema.create(switchDb.dataSource());
            assertThat(builder.build().migration()).isEqualTo("orders");
        }
    }

    @Test
    void twoPoolsOfOneDatabaseAreRefusedByMappingValidationWhileATableKeepsItsName() throws SQLException {
        try (TestDatabase db = TestDatabases.h2()) {
            db.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT)");
            db.execute("CREATE TABLE items (id BIGINT PRIMARY KEY)");
            db.execute("CREATE TABLE items_v2 (id BIGINT PRIMARY KEY)");
            String url;
            try (java.sql.Connection connection = db.dataSource().getConnection()) {
                url = connection.getMetaData().getURL();
            }
            JdbcDataSource second = new JdbcDataSource();
            second.setURL(url + ";MODE=REGULAR");   // another pool, other parameters, the same database
            second.setUser("sa");

            assertThatThrownBy(() -> dataSource().oldDataSource(db.dataSource()).newDataSource(second)
                    .mapping(TableMapping.builder("items").newTable("items_v2").build())
                    .validateMappings(true).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("old table 'orders' and new table 'orders' are one table")
                    .hasMessageContaining("both stores reach the same database")
                    .hasMessageContaining("map the table to a new name")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("'items'"));

            DualWriteDataSource redesign = DualWriteDataSource.builder().oldDataSource(db.dataSource())
                    .newDataSource(second).migration("orders").resolver(switchboard).changeLog(changeLog)
                    .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                    .mirrorExecutor(Store.OLD, DualWriteFixture.syncExecutor("to-old", changeLog))
                    .mapping(TableMapping.builder("items").newTable("items_v2").build())
                    .validateMappings(true).build();
            assertThat(redesign.mappings()).hasSize(1);
        }
    }

    @Test
    void theSwitchTablesAreNotAskedForWhenTheSwitchboardIsNotOnJdbcStores() {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");

            assertThat(dataSource().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .validateMappings(true).build().migration()).isEqualTo("orders");
        }
    }

    private static <B> void assertRefusesNull(String argument, B builder, Consumer<B> setter) {
        assertThatThrownBy(() -> setter.accept(builder))
                .as(argument)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(argument + " must not be null");
    }
}
