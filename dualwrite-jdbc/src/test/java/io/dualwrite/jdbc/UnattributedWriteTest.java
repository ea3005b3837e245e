package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writes that neither a context nor an id attributes to a merchant take the resolver's safe fallback. */
class UnattributedWriteTest {

    private DualWriteFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new DualWriteFixture(Kind.H2, Kind.H2, MigrationPhase.OLD_ONLY,
                List.of(TableMapping.builder("orders").merchantIdColumn("merchant_id").build()));
        fixture.bothStores("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))");
        fixture.bothStores("INSERT INTO orders VALUES (1, 'm-1', 'before')");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void anIdLessUpdateIsMirroredWhileAMerchantSwitchAsksForMirrors() throws SQLException {
        fixture.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
        updateWithoutContextOrId();
        assertThat(fixture.newDb.query("SELECT note FROM orders")).extracting(row -> row.get("note"))
                .containsExactly("after");
    }

    @Test
    void anIdLessUpdateIsNotMirroredWhenOnlyTheSystemSwitchIsSet() throws SQLException {
        updateWithoutContextOrId();
        assertThat(fixture.newDb.query("SELECT note FROM orders")).extracting(row -> row.get("note"))
                .containsExactly("before");
        assertThat(DualWriteFixture.tasks(fixture.toNewEvents)).isEmpty();
    }

    @Test
    void noContextPhaseStillOverridesTheFallback() throws SQLException {
        fixture.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
        DualWriteDataSource pinned = DualWriteDataSource.builder()
                .oldDataSource(fixture.oldDb.dataSource()).newDataSource(fixture.newDb.dataSource())
                .migration("orders").resolver(fixture.resolver)
                .mirrorExecutor(io.dualwrite.Store.NEW, fixture.toNew).mirrorExecutor(io.dualwrite.Store.OLD, fixture.toOld)
                .changeLog(fixture.changeLog).mapping(TableMapping.identity("orders"))
                .noContextPhase(MigrationPhase.OLD_ONLY).build();
        try (Connection connection = pinned.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE orders SET note = 'after' WHERE note = 'before'");
        }
        assertThat(fixture.newDb.query("SELECT note FROM orders")).extracting(row -> row.get("note"))
                .containsExactly("before");
    }

    private void updateWithoutContextOrId() throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("UPDATE orders SET note = 'after' WHERE note = 'before'")).isEqualTo(1);
        }
        assertThat(fixture.oldDb.query("SELECT note FROM orders")).extracting(row -> row.get("note"))
                .containsExactly("after");
    }
}
