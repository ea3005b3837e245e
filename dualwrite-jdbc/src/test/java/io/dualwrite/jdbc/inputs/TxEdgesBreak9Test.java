package io.dualwrite.jdbc.inputs;

import static io.dualwrite.jdbc.inputs.Rows.expected;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorEvent;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.mirror.MirrorExecutors;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.mirror.MirrorOutcome;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Transaction edges, ninth break: two-phase commits whose start, end or prepare is sent inside a text of several
 * statements, and a session that prepares several transactions before it commits them. The keys of such a
 * transaction must reach the new store whichever session commits it, and a session closed inside one must not pass
 * it on to the pool's next borrower.
 */
class TxEdgesBreak9Test {

    /** MariaDB stores with the old pool sending several statements in one text, outbox entries due after {@code grace}. */
    private static Fixture multiMaria(AtomicReference<HikariDataSource> multi, Duration grace) throws SQLException {
        return Mirrored.seed(Fixture.builder(Kind.MARIADB, Kind.MARIADB).wrapOld(Fixture.multiQueries(multi))
                .customize(builder -> builder.outboxGrace(grace)).build(), Mirrored.MARIA);
    }

    private static String idQty(java.util.Map<String, String> row) {
        return row.get("id") + "/" + row.get("qty");
    }

    // the text ends with the transaction prepared; a transaction manager commits it from another session and the
    // first one closes: its resync must have been recorded, it cannot go into the transaction any more
    @Test
    void postgresPreparedInOneTextAndCommittedByAnotherSessionIsRecordedAndConverges() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.outboxGrace(Duration.ZERO)).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN; UPDATE orders SET qty = 10 WHERE id = 1; DELETE FROM orders WHERE id = 2; "
                        + "PREPARE TRANSACTION 'b9a'");
            }
            try (Connection manager = fixture.dataSource.getConnection(); Statement commit = manager.createStatement()) {
                commit.execute("COMMIT PREPARED 'b9a'");
            }
            assertThat(fixture.records()).as("recorded while only the prepared transaction held the writes").isNotEmpty();
            fixture.resolveRecords();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/10", "3/3");
        }
    }

    // the same on MariaDB: XA START … XA PREPARE in one text, the session closed, another session commits
    @Test
    void mariadbXaPreparedInOneTextAndCommittedByAnotherSessionIsRecordedAndConverges() throws SQLException {
        AtomicReference<HikariDataSource> multi = new AtomicReference<>();
        try (Fixture fixture = multiMaria(multi, Duration.ZERO)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b9b'; UPDATE orders SET qty = 10 WHERE id = 1; "
                        + "INSERT INTO orders (id, code, qty) VALUES (5, 'e', 5); XA END 'b9b'; XA PREPARE 'b9b'");
            }
            try (Connection manager = fixture.dataSource.getConnection(); Statement commit = manager.createStatement()) {
                commit.execute("XA COMMIT 'b9b'");
            }
            assertThat(fixture.records()).as("recorded while only the prepared transaction held the writes").isNotEmpty();
            fixture.resolveRecords();
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/10", "2/2", "3/3", "5/5");
        } finally {
            multi.get().close();
        }
    }

    // XA START inside a text of several statements opens the XA transaction all the same: closed without its end,
    // it is rolled back, and the pool's next borrower of the session writes in auto-commit, mirrored at once
    @Test
    void mariadbXaStartedInOneTextAndLeftOpenAtCloseIsRolledBackBeforeThePoolHandsTheSessionOn() throws SQLException {
        AtomicReference<HikariDataSource> multi = new AtomicReference<>();
        try (Fixture fixture = multiMaria(multi, Duration.ZERO)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b9c'; UPDATE orders SET qty = 10 WHERE id = 1");
            }
            try (Connection next = fixture.dataSource.getConnection(); Statement statement = next.createStatement()) {
                assertThat(statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2")).isEqualTo(1);
            }
            assertThat(Rows.of(fixture.oldDb, "SELECT id, qty FROM orders ORDER BY id"))
                    .containsExactly(expected("id", 1, "qty", 1), expected("id", 2, "qty", 20), expected("id", 3, "qty", 3));
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/1", "2/20", "3/3");
            assertThat(fixture.records()).isEmpty();
        } finally {
            multi.get().close();
        }
    }

    // XA END sent alone takes the keys into the XA transaction; its prepare and commit arrive as one text: the commit
    // hands them over at once, and nothing stays recorded
    @Test
    void mariadbXaCommittedInsideATextOfSeveralStatementsHandsTheEndedTransactionsKeysOver() throws SQLException {
        AtomicReference<HikariDataSource> multi = new AtomicReference<>();
        try (Fixture fixture = multiMaria(multi, Duration.ofHours(1))) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b9d'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.executeUpdate("DELETE FROM orders WHERE id = 3");
                statement.execute("XA END 'b9d'");
                statement.execute("XA PREPARE 'b9d'; XA COMMIT 'b9d'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/10", "2/2");
            assertThat(fixture.records()).as("the commit on the session completed its outbox entries").isEmpty();
        } finally {
            multi.get().close();
        }
    }

    // one session prepares two transactions, then commits both: each COMMIT PREPARED hands over its own keys, the
    // first one's are not replaced by the second's
    @Test
    void postgresSessionPreparingTwoTransactionsHandsEachOnesKeysOverAtItsOwnCommit() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.outboxGrace(Duration.ofHours(1))).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                statement.execute("PREPARE TRANSACTION 'b9x'");
                statement.execute("BEGIN");
                statement.executeUpdate("UPDATE orders SET qty = 20 WHERE id = 2");
                statement.execute("PREPARE TRANSACTION 'b9y'");
                statement.execute("COMMIT PREPARED 'b9x'");
                statement.execute("COMMIT PREPARED 'b9y'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/10", "2/20", "3/3");
            assertThat(fixture.records()).as("both commits completed their own outbox entries").isEmpty();
        }
    }

    // the second of two prepared transactions is rolled back: only the first one's rows move
    @Test
    void postgresSessionRollingBackOneOfTwoPreparedTransactionsMirrorsOnlyTheCommittedOne() throws SQLException {
        try (Fixture fixture = Mirrored.seed(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.outboxGrace(Duration.ofHours(1))).build(), Mirrored.PG)) {
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("BEGIN");
                statement.executeUpdate("INSERT INTO orders (id, code, qty) VALUES (7, 'g', 7)");
                statement.execute("PREPARE TRANSACTION 'b9r1'");
                statement.execute("BEGIN");
                statement.executeUpdate("DELETE FROM orders WHERE id = 1");
                statement.execute("PREPARE TRANSACTION 'b9r2'");
                statement.execute("ROLLBACK PREPARED 'b9r2'");
                statement.execute("COMMIT PREPARED 'b9r1'");
            }
            assertThat(Rows.assertOrdersSame(fixture, "id, code, qty")).extracting(TxEdgesBreak9Test::idQty)
                    .containsExactly("1/1", "2/2", "3/3", "7/7");
        }
    }

    // the crash-safe outbox (ALWAYS) with the change log in the old store: a COMMIT that MariaDB refuses inside an
    // open XA transaction has written its outbox entries into that transaction, which goes on. The sync sent at the
    // refusal must not try to complete them: their rows are locked by the caller's own open transaction, so the
    // completion waited on it and held the SYNC caller for its whole time limit
    @Test
    void mariadbOutboxCommitRefusedInsideAnXaTransactionDoesNotWaitOnTheCallersOwnOutboxEntries() throws SQLException {
        String migration = "b9-outbox";
        TestDatabase oldDb = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
        TestDatabase newDb = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
        List<MirrorEvent> events = new CopyOnWriteArrayList<>();
        SwitchStore switches = SwitchStores.inMemory();
        switches.setSystemPhase(migration, MigrationPhase.DUAL_WRITE);
        JdbcChangeLog changeLog = JdbcChangeLog.create(oldDb.dataSource());
        MirrorConfig config = MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(Duration.ofSeconds(20)).build();
        MirrorExecutor toNew = MirrorExecutors.create("b9-to-new", config, changeLog, events::add);
        MirrorExecutor toOld = MirrorExecutors.create("b9-to-old", config, changeLog, events::add);
        try {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, code VARCHAR(20), qty INT)");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, code VARCHAR(20), quantity INT)");
            oldDb.execute("INSERT INTO orders VALUES (1, 'a', 1), (2, 'b', 2)");
            newDb.execute("INSERT INTO orders_v2 VALUES (1, 'a', 1), (2, 'b', 2)");
            DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(oldDb.dataSource())
                    .newDataSource(newDb.dataSource()).migration(migration)
                    .resolver(Switchboard.builder().cachedSwitchStore(switches).migration(MigrationSwitchConfig.of(migration)).build())
                    .mirrorExecutor(Store.NEW, toNew).mirrorExecutor(Store.OLD, toOld).changeLog(changeLog)
                    .changeLogMode(ChangeLogMode.ALWAYS).outboxWriter(changeLog::record).outboxGrace(Duration.ZERO)
                    .mapping(Fixture.ORDERS).build();
            try (LogCapture executorLog = LogCapture.of("io.dualwrite.mirror.MirrorExecutor");
                 Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("XA START 'b9o'");
                statement.executeUpdate("UPDATE orders SET qty = 10 WHERE id = 1");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> statement.execute("COMMIT"))
                        .isInstanceOf(SQLException.class);
                assertThat(events).as("the sync sent at the refused commit").isNotEmpty()
                        .allSatisfy(event -> assertThat(event.outcome()).isEqualTo(MirrorOutcome.SUCCEEDED));
                assertThat(executorLog.messages(ch.qos.logback.classic.Level.ERROR))
                        .as("no completion of entries that the caller's own open transaction holds").isEmpty();
                statement.executeUpdate("INSERT INTO orders VALUES (3, 'c', 3)");
                statement.execute("XA END 'b9o'");
                statement.execute("XA COMMIT 'b9o' ONE PHASE");
            }
            Reconciler.builder().changeLog(changeLog).oldDataSource(oldDb.dataSource()).newDataSource(newDb.dataSource())
                    .mapping(Fixture.ORDERS).resolver(migration,
                            Switchboard.builder().cachedSwitchStore(switches).migration(MigrationSwitchConfig.of(migration)).build())
                    .build().runOnce();
            assertThat(Rows.assertSame(oldDb, "SELECT id, code, qty FROM orders ORDER BY id",
                    newDb, "SELECT id, code, quantity AS qty FROM orders_v2 ORDER BY id"))
                    .extracting(TxEdgesBreak9Test::idQty).containsExactly("1/10", "2/2", "3/3");
            assertThat(changeLog.pendingCount(migration)).isZero();
        } finally {
            toNew.close();
            toOld.close();
            oldDb.close();
            newDb.close();
        }
    }
}
