package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL a sync sends {@code BEGIN} with its locks and {@code COMMIT} with its last upsert (or alone) as
 * text, on a connection in auto-commit mode. The pool cannot see that transaction, so each test checks what the
 * pool's next borrower gets: the target pool holds one connection, and after every sync, failed or not, that
 * connection must be outside any transaction. Rows are compared with plain queries on the stores.
 */
class TextTransactionTest extends TextTransactionStores {

    @Test
    void aSyncCommitsItsUpsertsAndLeavesItsConnectionOutsideATransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a'), (2, 20, 'b')");

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

        assertThat(result.copied()).isEqualTo(2);
        assertThat(counters(fresh)).isEqualTo(oldCounters()); // read on another connection: committed
        assertClean(target);
    }

    @Test
    void aSyncThatOnlyDeletesCommitsItsDeletes() throws Exception {
        fresh.execute("INSERT INTO counters_v2 VALUES (1, 1, 'gone'), (2, 2, 'gone'), (3, 3, 'kept')");

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

        assertThat(result.deleted()).isEqualTo(2);
        assertThat(counters(fresh)).containsExactly(List.of(3L, 3L, "kept"));
        assertClean(target);
    }

    @Test
    void aSyncOverTwoTablesCommitsBothWhicheverWritesLast() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a')", "INSERT INTO notes VALUES (7, 'seven')");
        fresh.execute("INSERT INTO notes VALUES (8, 'stale')", "INSERT INTO counters_v2 VALUES (9, 9, 'stale')");
        RowCopier copier = copier(target);

        // the last table only deletes: COMMIT goes alone
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "1"), keys(NOTES, "8")));
        assertClean(target);
        assertThat(fresh.count("SELECT COUNT(*) FROM notes")).isZero();
        // the last table upserts: COMMIT rides with it, after the first table's delete
        copier.sync(Store.OLD, List.of(keys(COUNTERS, "9"), keys(NOTES, "7")));

        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertThat(fresh.query("SELECT id, body FROM notes ORDER BY id"))
                .isEqualTo(old.query("SELECT id, body FROM notes ORDER BY id"));
        assertClean(target);
    }

    @Test
    void aSyncOfMoreRowsThanOneStatementCommitsEveryRow() throws Exception {
        old.execute("INSERT INTO counters SELECT g, g, 'row ' || g FROM generate_series(1, 1203) g");
        List<String> ids = IntStream.rangeClosed(1, 1203).mapToObj(String::valueOf).toList();

        RowCopier.SyncResult result = copier(target).sync(Store.OLD, List.of(keys(COUNTERS, ids.toArray(String[]::new))));

        assertThat(result.copied()).isEqualTo(1203);
        assertThat(counters(fresh)).isEqualTo(oldCounters());
        assertClean(target);
    }

    @Test
    void aSyncTheTargetRefusesWritesNothingAndItsConnectionServesTheNextSync() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'fine'), (2, -5, 'breaks the check')");
        RowCopier copier = copier(target);

        assertThatThrownBy(() -> copier.sync(Store.OLD, List.of(keys(COUNTERS, "1", "2"))))
                .isInstanceOf(SQLException.class).hasMessageContaining("counters_v2");
        assertThat(counters(fresh)).as("row 1 was upserted in the same statement: rolled back").isEmpty();
        assertClean(target);

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
        assertClean(target);
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
        assertClean(target);
    }

    @Test
    void aReadOnlyTargetConnectionStillRefusesTheSyncsWrites() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a')");
        try (HikariDataSource readOnly = onePooledConnection(fresh.pool().getJdbcUrl(), true, true)) {
            assertThatThrownBy(() -> copier(readOnly).sync(Store.OLD, List.of(keys(COUNTERS, "1"))))
                    .isInstanceOf(SQLException.class).hasMessageContaining("read-only");

            assertThat(counters(fresh)).isEmpty();
        }
    }

    @Test
    void aConnectionHandedOutOutsideAutoCommitSyncsInItsJdbcTransaction() throws Exception {
        old.execute("INSERT INTO counters VALUES (1, 10, 'a'), (2, 20, 'b')");
        try (HikariDataSource manual = onePooledConnection(fresh.pool().getJdbcUrl(), false)) {
            copier(manual).sync(Store.OLD, List.of(keys(COUNTERS, "1", "2")));

            assertThat(counters(fresh)).isEqualTo(oldCounters());
            try (Connection connection = manual.getConnection()) {
                assertThat(connection.getAutoCommit()).isFalse();
            }
        }
    }
}
