package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL a sync sends {@code BEGIN} with its locks and {@code COMMIT} with its last upsert (or alone) as
 * text, on a connection in auto-commit mode. The pool cannot see that transaction, so each test checks what the
 * pool's next borrower gets: the target pool holds one connection, and after every sync, failed or not, that
 * connection must be outside any transaction. Rows are compared with plain queries on the stores.
 */
class TextTransactionTest {

    private static final TableMapping COUNTERS = TableMapping.builder("counters").newTable("counters_v2")
            .rename("n", "total").build();
    private static final TableMapping NOTES = TableMapping.identity("notes");

    private TestDatabase old;
    private TestDatabase fresh;
    private HikariDataSource target;

    @BeforeEach
    void stores() {
        old = TestDatabases.create(TestDatabases.Kind.POSTGRES);
        fresh = TestDatabases.create(TestDatabases.Kind.POSTGRES);
        old.execute("CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL, note VARCHAR(40))",
                "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)");
        fresh.execute("CREATE TABLE counters_v2 (id INT PRIMARY KEY, total INT NOT NULL CHECK (total >= 0),"
                + " note VARCHAR(40))", "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)");
        target = onePooledConnection(fresh, true);
    }

    @AfterEach
    void close() {
        target.close();
        fresh.close();
        old.close();
    }

    @Test
    void aSyncCommitsItsUpsertsAndLeavesItsConnectionOutsideATransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a'), (2, 20, 'b')");

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

        assertThat(result.copied()).isEqualTo(2);
        assertThat(counters(fresh)).isEqualTo(oldCounters()); // read on another connection: committed
        assertOutsideATransaction(target);
    }

    @Test
    void aSyncThatOnlyDeletesCommitsItsDeletes() throws Exception {
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'gone'), (2, 2, 'gone'), (3, 3, 'kept')");

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

        assertThat(result.deleted()).isEqualTo(2);
        assertThat(counters(fresh)).containsExactly(List.of(3L, 3L, "kept"));
        assertOutsideATransaction(target);
    }

    @Test
    void aSyncOverTwoTablesCommitsBothWhicheverWritesLast() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a')", "INSERT INTO notes VALUES (7, 'seven')");
        fresh.execute("INSERT INTO notes VALUES (8, 'stale')", "INSERT INTO counters_v2 VALUES (9, 9, 'stale')");
        RowCopier copier = copier(target);

        // the last table only deletes: COMMIT goes alone
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1"), keys(NOTES, "8")));
        assertOutsideATransaction(target);
        assertThat(fresh.count("SELECT COUNT(*) FROM notes")).isZero();
        // the last table upserts: COMMIT rides with it, after the first table's delete
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "9"), keys(NOTES, "7")));

        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertThat(fresh.query("SELECT id, body FROM notes ORDER BY id"))
                .isEqualTo(old.query("SELECT id, body FROM notes ORDER BY id"));
        assertOutsideATransaction(target);
    }

    @Test
    void aSyncOfMoreRowsThanOneStatementCommitsEveryRow() throws Exception {
        old.execute("INSERT INTO counters SELECT g, g, 'row ' || g FROM generate_series(1, 1203) g");
        List<String> ids = IntStream.rangeClosed(1, 1203).mapToObj(String::valueOf).toList();

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new))));

        assertThat(result.copied()).isEqualTo(1203);
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertOutsideATransaction(target);
    }

    @Test
    void aSyncTheTargetRefusesWritesNothingAndItsConnectionServesTheNextSync() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'fine'), (2, -5, 'breaks the check')");
        RowCopier copier = copier(target);

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("counters_v2");
        assertThat(counters(fresh)).as("row 1 was upserted in the same statement: rolled back").isEmpty();
        assertOutsideATransaction(target);

        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1")));
        assertThat(counters(fresh)).containsExactly(List.of(1L, 10L, "fine"));
    }

    @Test
    void aSyncFailingAfterItsDeletesRollsThemBack() throws Exception {
        old.execute("INSERT INTO counters VALUES (2, -5, 'breaks the check')");
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'to delete')");

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class);

        assertThat(counters(fresh)).containsExactly(List.of(1L, 1L, "to delete"));
        assertOutsideATransaction(target);
    }

    @Test
    void anErrorThrownInsideASyncStillEndsItsTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a'), (2, 20, 'b')");
        fresh.execute("INSERT INTO counters_v2 VALUES (3, 3, 'to delete')");
        TableMapping failing = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    throw new AssertionError("a transformer that fails with an Error");
                }, value -> value)).build();

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "3"), keys(failing, "1"))))
                .isInstanceOf(AssertionError.class);

        assertThat(counters(fresh)).as("the delete of row 3 was rolled back").containsExactly(List.of(3L, 3L, "to delete"));
        assertOutsideATransaction(target);
    }

    @Test
    void aReadOnlyTargetConnectionStillRefusesTheSyncsWrites() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a')");
        try (HikariDataSource readOnly = onePooledConnection(fresh, true, true)) {
            assertThatThrownBy(() -> copier(readOnly).sync(Store.OLD, List.of(keys(COUNTERS, "1"))))
                    .isInstanceOf(SQLException.class).hasMessageContaining("read-only");

            assertThat(counters(fresh)).isEmpty();
        }
    }

    @Test
    void aConnectionHandedOutOutsideAutoCommitSyncsInItsJdbcTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a'), (2, 20, 'b')");
        try (HikariDataSource manual = onePooledConnection(fresh, false)) {
            copier(manual).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

            assertThat(counters(fresh)).isEqualTo(oldCounters());
            try (Connection connection = manual.getConnection()) {
                assertThat(connection.getAutoCommit()).isFalse();
            }
        }
    }

    private RowCopier copier(javax.sql.DataSource newStore) {
        return RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(newStore).build();
    }

    private static RowCopier.TableKeys keys(TableMapping mapping, String... keys) {
        return new RowCopier.TableKeys(mapping, List.of(keys), null);
    }

    private List<List<Object>> oldCounters() {
        return table(old, "SELECT id, n, note FROM counters ORDER BY id");
    }

    private static List<List<Object>> counters(TestDatabase fresh) {
        return table(fresh, "SELECT id, total, note FROM counters_v2 ORDER BY id");
    }

    private static List<List<Object>> table(TestDatabase db, String sql) {
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<Object> values = new ArrayList<>();
            row.values().forEach(value -> values.add(value instanceof Number number ? number.longValue() : value));
            rows.add(values);
        }
        return rows;
    }

    /**
     * The pool's one connection runs its next statement in a transaction of its own: had the sync left one open,
     * the statement would run inside it, where the sync's writes already assigned a transaction id (or, after a
     * failure, would be refused as inside an aborted transaction).
     */
    private static void assertOutsideATransaction(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_current_xact_id_if_assigned()")) {
            assertThat(connection.getAutoCommit()).isTrue();
            assertThat(result.next()).isTrue();
            assertThat(result.getObject(1)).as("transaction id of the connection's current transaction").isNull();
        }
    }

    private static HikariDataSource onePooledConnection(TestDatabase db, boolean autoCommit) {
        return onePooledConnection(db, autoCommit, false);
    }

    private static HikariDataSource onePooledConnection(TestDatabase db, boolean autoCommit, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setReadOnly(readOnly);
        config.setJdbcUrl(db.pool().getJdbcUrl());
        config.setUsername(db.pool().getUsername());
        config.setPassword(db.pool().getPassword());
        config.setMaximumPoolSize(1);
        config.setAutoCommit(autoCommit);
        return new HikariDataSource(config);
    }
}
