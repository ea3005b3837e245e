package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class DualWriteDataSourceBuilderTest {

    private static DualWriteDataSource.Builder complete() {
        io.dualwrite.changelog.ChangeLog changeLog = io.dualwrite.changelog.ChangeLogs.inMemory();
        return DualWriteDataSource.builder()
                .oldDataSource(new JdbcDataSource()).newDataSource(new JdbcDataSource())
                .migration("orders").resolver(DualWriteFixture.switchboard(io.dualwrite.switches.SwitchStores.inMemory()))
                .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                .mirrorExecutor(Store.OLD, DualWriteFixture.syncExecutor("to-old", changeLog))
                .changeLog(changeLog).mapping(TableMapping.identity("orders"));
    }

    @Test
    void missingAndInvalidPropertiesAreNamed() {
        assertThatThrownBy(() -> DualWriteDataSource.builder().build())
                .hasMessage("oldDataSource must be set, but was missing");
        assertThatThrownBy(() -> complete().mapping(TableMapping.identity("ORDERS")))
                .hasMessage("mapping for table 'ORDERS' is set twice");
        assertThatThrownBy(() -> complete().lockTimeout(Duration.ofSeconds(-1)))
                .hasMessage("lockTimeout must be positive, but was PT-1S");
        assertThatThrownBy(() -> complete().streamBufferLimit(-1))
                .hasMessage("streamBufferLimit must be zero or positive, but was -1");
        assertThatThrownBy(() -> complete().migration(" "))
                .hasMessage("migration must be a non-blank name, but was ' '");
    }

    @Test
    void bothMirrorDirectionsNeedAnExecutor() {
        io.dualwrite.changelog.ChangeLog changeLog = io.dualwrite.changelog.ChangeLogs.inMemory();
        assertThatThrownBy(() -> DualWriteDataSource.builder()
                .oldDataSource(new JdbcDataSource()).newDataSource(new JdbcDataSource())
                .migration("orders").resolver(DualWriteFixture.switchboard(io.dualwrite.switches.SwitchStores.inMemory()))
                .mirrorExecutor(Store.NEW, DualWriteFixture.syncExecutor("to-new", changeLog))
                .changeLog(changeLog).mapping(TableMapping.identity("orders")).build())
                .hasMessage("mirrorExecutor for target OLD must be set (or mirrorExecutors), but was missing");
    }

    @Test
    void mappingsAreValidatedAgainstBothSchemasWhenAsked() {
        try (io.dualwrite.jdbc.testing.TestDatabase oldDb = io.dualwrite.jdbc.testing.TestDatabases.h2();
             io.dualwrite.jdbc.testing.TestDatabase newDb = io.dualwrite.jdbc.testing.TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, amount DECIMAL(12,2))");
            newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, amount_total DECIMAL(12,2))");
            DualWriteDataSource.Builder builder = complete()
                    .oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource());

            assertThatThrownBy(() -> builder.validateMappings(true).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the new table orders has no column 'AMOUNT'");
            org.assertj.core.api.Assertions.assertThat(builder.validateMappings(false).build()).isNotNull();
        }
    }

    @Test
    void theToolsFindTheMigrationAndItsMappingsInGivenOrder() {
        TableMapping items = TableMapping.builder("items").newTable("order_items").build();
        DualWriteDataSource dataSource = complete().mapping(items).build();

        org.assertj.core.api.Assertions.assertThat(dataSource.migration()).isEqualTo("orders");
        org.assertj.core.api.Assertions.assertThat(dataSource.mappings()).extracting(TableMapping::oldTable)
                .containsExactly("orders", "items");
        org.assertj.core.api.Assertions.assertThat(dataSource.mappings().get(1).newTable()).isEqualTo("order_items");
        assertThatThrownBy(() -> dataSource.mappings().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theSamePoolAsOldAndNewIsRefusedAtBuild() {
        JdbcDataSource pool = new JdbcDataSource();
        assertThatThrownBy(() -> complete().oldDataSource(pool).newDataSource(pool).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("oldDataSource and newDataSource must be two different data sources")
                .hasMessageContaining("give the new store its own pool");
    }

    @Test
    void aMigrationTheSwitchboardDoesNotKnowIsRefusedAtBuild() {
        assertThatThrownBy(() -> complete().migration("ordrs").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("migration 'ordrs' is not configured")
                .hasMessageContaining("[orders]");
    }

    @Test
    void aMissingChangeLogTableIsNamedWithTheFixAtBuild() {
        try (io.dualwrite.jdbc.testing.TestDatabase oldDb = io.dualwrite.jdbc.testing.TestDatabases.h2();
             io.dualwrite.jdbc.testing.TestDatabase newDb = io.dualwrite.jdbc.testing.TestDatabases.h2()) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            newDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY)");
            assertThatThrownBy(() -> complete().oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .changeLog(io.dualwrite.jdbc.changelog.JdbcChangeLog.create(oldDb.dataSource()))
                    .validateMappings(true).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("dualwrite_change_log")
                    .hasMessageContaining("DualWriteSchema.create");
        }
    }

    @Test
    void toStringNeverShowsAUrlOrPassword() {
        JdbcDataSource withPassword = new JdbcDataSource();
        withPassword.setURL("jdbc:h2:mem:secret_db;PASSWORD=hunter2");
        withPassword.setPassword("hunter2");
        String text = complete().oldDataSource(withPassword).build().toString();
        org.assertj.core.api.Assertions.assertThat(text).doesNotContain("hunter2").doesNotContain("jdbc:")
                .contains("DualWriteDataSource[migration=orders]");
    }
}
