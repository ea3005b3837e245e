package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link ReadStoreOverride} sends one thread's reads of one migration to the chosen store, and never lets a
 * write through to the store its phase does not name. The new table renames a column, so a read routed to the
 * new store also shows that the rewrite and the old-form result still apply.
 */
class ReadStoreOverrideTest {

    private DualWriteFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new DualWriteFixture(Kind.H2, Kind.H2, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.builder("orders").newTable("orders_v2").rename("note", "remark")
                        .merchantIdColumn("merchant_id").build()));
        fixture.oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), note VARCHAR(20))",
                "INSERT INTO orders VALUES (1, 'm-1', 'old copy')");
        fixture.newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), remark VARCHAR(20))",
                "INSERT INTO orders_v2 VALUES (1, 'm-1', 'new copy')");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void readsFollowThePhaseWithoutAnOverride() throws SQLException {
        assertThat(notes()).containsExactly("old copy");
    }

    @Test
    void anOverrideSendsReadsToTheChosenStoreUntilItCloses() throws SQLException {
        try (ReadStoreOverride.Scope scope = ReadStoreOverride.open("orders", Store.NEW)) {
            assertThat(notes()).containsExactly("new copy");
        }
        assertThat(notes()).containsExactly("old copy");
    }

    @Test
    void anOverrideOfAnotherMigrationChangesNothing() throws SQLException {
        try (ReadStoreOverride.Scope scope = ReadStoreOverride.open("payments", Store.NEW)) {
            assertThat(notes()).containsExactly("old copy");
        }
    }

    @Test
    void nestedOverridesRestoreTheOuterOne() throws SQLException {
        try (ReadStoreOverride.Scope outer = ReadStoreOverride.open("orders", Store.NEW)) {
            try (ReadStoreOverride.Scope inner = ReadStoreOverride.open("orders", Store.OLD)) {
                assertThat(notes()).containsExactly("old copy");
            }
            assertThat(notes()).containsExactly("new copy");
        }
        assertThat(ReadStoreOverride.current("orders")).isEmpty();
    }

    @Test
    void anOverrideBindsOnlyTheOpeningThread() throws Exception {
        List<String> seen = new ArrayList<>();
        try (ReadStoreOverride.Scope scope = ReadStoreOverride.open("orders", Store.NEW)) {
            Thread other = new Thread(() -> {
                try {
                    seen.addAll(notes());
                } catch (SQLException e) {
                    seen.add(e.toString());
                }
            });
            other.start();
            other.join();
        }
        assertThat(seen).containsExactly("old copy");
    }

    @Test
    void anOverrideToTheStoreThePhaseNamesLeavesWritesAlone() throws SQLException {
        try (ReadStoreOverride.Scope scope = ReadStoreOverride.open("orders", Store.OLD);
             MigrationContext.Scope context = MigrationContext.forMigration("orders").merchantId("m-1").open();
             Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate("UPDATE orders SET note = 'written' WHERE id = 1")).isEqualTo(1);
        }
        assertThat(fixture.oldDb.query("SELECT note FROM orders")).extracting(row -> row.get("note"))
                .containsExactly("written");
        assertThat(fixture.newDb.query("SELECT remark FROM orders_v2")).extracting(row -> row.get("remark"))
                .containsExactly("written");
    }

    @Test
    void aConnectionRoutedToTheOtherStoreRefusesWritesAndRunsNone() throws SQLException {
        try (ReadStoreOverride.Scope scope = ReadStoreOverride.open("orders", Store.NEW);
             Connection connection = fixture.dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE orders SET note = ? WHERE id = 1")) {
                update.setString(1, "written");
                assertThatThrownBy(update::executeUpdate).isInstanceOf(SQLException.class)
                        .hasMessageContaining("for reads only");
            }
            try (Statement statement = connection.createStatement()) {
                statement.addBatch("INSERT INTO orders (id, merchant_id, note) VALUES (2, 'm-1', 'x')");
                assertThatThrownBy(statement::executeBatch).isInstanceOf(SQLException.class)
                        .hasMessageContaining("for reads only");
                assertThatThrownBy(() -> statement.execute("CREATE TABLE other (id INT)"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("for reads only");
            }
        }
        assertThat(fixture.oldDb.query("SELECT id, note FROM orders")).extracting(row -> row.get("note"))
                .containsExactly("old copy");
        assertThat(fixture.newDb.query("SELECT id, remark FROM orders_v2")).extracting(row -> row.get("remark"))
                .containsExactly("new copy");
        assertThat(fixture.newDb.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'OTHER'"))
                .isZero();
    }

    @Test
    void aConnectionAcquiredBeforeTheOverrideRefusesReadsRoutedElsewhere() throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection()) {
            connection.setAutoCommit(false);
            assertThat(connection.getAutoCommit()).isFalse(); // acquires the physical connection, on the old store
            try (ReadStoreOverride.Scope scope = ReadStoreOverride.open("orders", Store.NEW);
                 Statement statement = connection.createStatement()) {
                assertThatThrownBy(() -> statement.executeQuery("SELECT note FROM orders"))
                        .isInstanceOf(SQLException.class).hasMessageContaining("before the override opened");
            }
            connection.rollback();
        }
    }

    private List<String> notes() throws SQLException {
        List<String> notes = new ArrayList<>();
        try (Connection connection = fixture.dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT note FROM orders ORDER BY id")) {
            while (rows.next()) {
                notes.add(rows.getString("note"));
            }
        }
        return notes;
    }
}
