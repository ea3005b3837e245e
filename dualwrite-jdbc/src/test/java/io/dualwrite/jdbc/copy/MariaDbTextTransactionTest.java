package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * On MariaDB a sync begins its transaction in the session statement it sends anyway ({@code autocommit = 0},
 * read committed), sends {@code COMMIT} or {@code ROLLBACK} as text, and puts the session back and releases its
 * named locks in one last statement. The pool sees none of it, so each test checks what the pool's next borrower
 * gets from the target pool's one connection, which a sync found in a session of its own (repeatable read, a
 * {@code latin1} client, a zone of +05:00, an empty {@code sql_mode}): the same session, outside any transaction,
 * holding no lock. Rows are compared with plain queries on the stores.
 */
class MariaDbTextTransactionTest extends MariaDbTextTransactionStores {

    @Test
    void aSyncCommitsItsUpsertsAndLeavesTheSessionAsItFoundIt() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', '2026-03-01 10:00:00.123456'), (2, 20, 'b', NULL)");

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

        assertThat(result.copied()).isEqualTo(2);
        assertThat(counters(fresh)).isEqualTo(oldCounters()); // read on another connection: committed
        assertClean(target);
    }

    @Test
    void aSyncThatOnlyDeletesCommitsItsDeletes() throws Exception {
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'gone', NULL), (2, 2, 'gone', NULL), (3, 3, 'kept', NULL)");

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

        assertThat(result.deleted()).isEqualTo(2);
        assertThat(counters(fresh)).containsExactly(List.of(3L, 3L, "kept", "NULL"));
        assertClean(target);
    }

    @Test
    void aSyncOverTwoTablesCommitsBoth() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)", "INSERT INTO notes VALUES (7, 'seven')");
        fresh.execute("INSERT INTO notes VALUES (8, 'stale')", "INSERT INTO counters_v2 VALUES (9, 9, 'stale', NULL)");
        RowCopier copier = copier(target);

        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1"), keys(NOTES, "8")));
        assertClean(target);
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "9"), keys(NOTES, "7")));

        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertThat(fresh.query("SELECT id, body FROM notes ORDER BY id"))
                .isEqualTo(old.query("SELECT id, body FROM notes ORDER BY id"));
        assertClean(target);
    }

    /** More keys than one lock query and one upsert statement take: every lock is released, every row committed. */
    @Test
    void aSyncOfMoreRowsThanOneStatementCommitsEveryRowAndReleasesEveryLock() throws Exception {
        StringBuilder insert = new StringBuilder("INSERT INTO counters VALUES ");
        for (int id = 1; id <= 1203; id++) {
            insert.append(id == 1 ? "" : ", ").append("(").append(id).append(", ").append(id).append(", 'row ")
                    .append(id).append("', NULL)");
        }
        old.execute(insert.toString());
        List<String> ids = IntStream.rangeClosed(1, 1203).mapToObj(String::valueOf).toList();

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new))));

        assertThat(result.copied()).isEqualTo(1203);
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target);
        assertLocksFree(COUNTERS, ids);
    }

    @Test
    void aSyncTheTargetRefusesWritesNothingAndItsConnectionServesTheNextSync() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'fine', NULL), (2, -5, 'breaks the check', NULL)");
        RowCopier copier = copier(target);

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("counters_v2");
        assertThat(counters(fresh)).as("row 1 was upserted in the same statement: rolled back").isEmpty();
        assertClean(target);
        assertLocksFree(COUNTERS, List.of("1", "2"));

        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1")));
        assertThat(counters(fresh)).containsExactly(List.of(1L, 10L, "fine", "NULL"));
        assertClean(target);
    }

    @Test
    void aSyncFailingAfterItsDeletesRollsThemBack() throws Exception {
        old.execute("INSERT INTO counters VALUES (2, -5, 'breaks the check', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'to delete', NULL)");

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class);

        assertThat(counters(fresh)).containsExactly(List.of(1L, 1L, "to delete", "NULL"));
        assertClean(target);
    }

    @Test
    void anErrorThrownInsideASyncStillEndsItsTransactionAndReleasesItsLocks() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL), (2, 20, 'b', NULL)");
        fresh.execute("INSERT INTO counters_v2 VALUES (3, 3, 'to delete', NULL)");
        TableMapping failing = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    throw new AssertionError("a transformer that fails with an Error");
                }, value -> value)).build();

        assertThatThrownBy(() -> copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "3"), keys(failing, "1"))))
                .isInstanceOf(AssertionError.class);

        assertThat(counters(fresh)).as("the delete of row 3 was rolled back")
                .containsExactly(List.of(3L, 3L, "to delete", "NULL"));
        assertClean(target);
        assertLocksFree(COUNTERS, List.of("1", "3"));
    }

    /** The named lock of a key is held for the whole sync: another session cannot take it meanwhile. */
    @Test
    void aKeysLockIsHeldUntilTheSyncHasCommitted() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        List<Boolean> freeDuringSync = new ArrayList<>();
        TableMapping probing = TableMapping.builder("counters").newTable("counters_v2").rename("n", "total")
                .transform("note", ValueTransformer.of(value -> {
                    try {
                        freeDuringSync.add(lockFree(COUNTERS, "1"));
                    } catch (SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    return value;
                }, value -> value)).build();

        copier(target).sync(Store.OLD, List.of(keys(probing, "1")));

        assertThat(freeDuringSync).containsExactly(false);
        assertLocksFree(COUNTERS, List.of("1"));
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target);
    }

    @Test
    void aConnectionHandedOutOutsideAutoCommitSyncsInItsJdbcTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL), (2, 20, 'b', NULL)");
        try (HikariDataSource manual = onePooledConnection(fresh.pool().getJdbcUrl(), false, false)) {
            copier(manual).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

            assertThat(counters(fresh)).isEqualTo(oldCounters());
            try (Connection connection = manual.getConnection()) {
                assertThat(connection.getAutoCommit()).isFalse();
            }
        }
    }

    /**
     * A connection handed out read-only syncs in its JDBC transaction, as before: MariaDB's driver takes the flag
     * as a hint for routing and does not refuse writes, so the rows are written, and the connection keeps its flag.
     */
    @Test
    void aReadOnlyTargetConnectionSyncsInItsJdbcTransactionAndKeepsItsFlag() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a', NULL)");
        try (HikariDataSource readOnly = onePooledConnection(fresh.pool().getJdbcUrl(), true, true)) {
            copier(readOnly).sync(Store.OLD, List.of(keys(COUNTERS, "1")));

            assertThat(counters(fresh)).isEqualTo(oldCounters());
            try (Connection connection = readOnly.getConnection()) {
                assertThat(connection.isReadOnly()).isTrue();
                assertThat(connection.getAutoCommit()).isTrue();
            }
        }
    }
}
