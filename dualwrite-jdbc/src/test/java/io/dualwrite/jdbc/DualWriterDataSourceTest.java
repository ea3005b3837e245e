package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A DualWriteDataSource built on the programmatic entry point mirrors through the DualWriter's executors. */
class DualWriterDataSourceTest {

    @Test
    void jdbcMirrorsRunOnTheDualWritersExecutors() throws SQLException {
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
        Switchboard resolver = DualWriteFixture.switchboard(switches);
        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        List<MirrorEvent> events = new CopyOnWriteArrayList<>();
        try (DualWriteFixture stores = new DualWriteFixture(Kind.H2, Kind.H2, MigrationPhase.OLD_ONLY,
                List.of(TableMapping.identity("orders")));
             DualWriter writer = DualWriter.builder().resolver(resolver).changeLog(changeLog).observer(events::add)
                     .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()).build()) {
            stores.bothStores("CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(20))");
            DualWriteDataSource dataSource = DualWriteDataSource.builder()
                    .oldDataSource(stores.oldDb.dataSource()).newDataSource(stores.newDb.dataSource())
                    .migration("orders").mapping(TableMapping.identity("orders"))
                    .dualWriter(writer).build(); // resolver and change log come from the writer
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO orders (id, note) VALUES (1, 'both')");
            }
            assertThat(stores.newDb.count("SELECT COUNT(*) FROM orders")).isEqualTo(1);
            assertThat(events).extracting(event -> event.task().target() + "/" + event.outcome())
                    .containsExactly("NEW/SUCCEEDED");
        }
    }

    @Test
    void executorsMustNotBeGivenAlongsideADualWriter() {
        Switchboard resolver = DualWriteFixture.switchboard(SwitchStores.inMemory());
        try (DualWriter writer = DualWriter.builder().resolver(resolver).changeLog(ChangeLogs.inMemory()).build()) {
            DualWriteDataSource.Builder builder = DualWriteDataSource.builder()
                    .oldDataSource(new org.h2.jdbcx.JdbcDataSource()).newDataSource(new org.h2.jdbcx.JdbcDataSource())
                    .migration("orders").mapping(TableMapping.identity("orders")).dualWriter(writer)
                    .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("n", ChangeLogs.inMemory()));
            assertThatThrownBy(builder::build).hasMessageStartingWith("mirrorExecutor(s) must not be set together with dualWriter");
        }
    }

    @Test
    void withoutADualWriterTheResolverIsRequired() {
        DualWriteDataSource.Builder builder = DualWriteDataSource.builder()
                .oldDataSource(new org.h2.jdbcx.JdbcDataSource()).newDataSource(new org.h2.jdbcx.JdbcDataSource())
                .migration("orders").mapping(TableMapping.identity("orders")).changeLog(ChangeLogs.inMemory());
        assertThatThrownBy(builder::build).hasMessage("resolver must be set (or dualWriter), but was missing");
    }

    @Test
    void theDualWritersChangeLogModeApplies() {
        Switchboard resolver = DualWriteFixture.switchboard(SwitchStores.inMemory());
        try (DualWriter writer = DualWriter.builder().resolver(resolver).changeLog(ChangeLogs.inMemory())
                .mirrorConfig(MirrorConfig.custom().changeLogMode(ChangeLogMode.ALWAYS).build()).build()) {
            assertThatThrownBy(() -> DualWriteDataSource.builder()
                    .oldDataSource(new org.h2.jdbcx.JdbcDataSource()).newDataSource(new org.h2.jdbcx.JdbcDataSource())
                    .migration("orders").mapping(TableMapping.identity("orders")).dualWriter(writer)
                    .resolver(resolver).changeLog(ChangeLogs.inMemory()).build())
                    .hasMessage("outboxWriter must be set when changeLogMode is ALWAYS, but was missing");
        }
    }
}
