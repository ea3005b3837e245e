package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLogMode;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationStatus;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Round 27: the migration tools under traffic. Each test ends comparing both stores row by row with plain JDBC.
 */
class ToolsBreak27Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();
    private static final String SELECT = "SELECT id, merchant_id, note FROM orders ORDER BY id";

    /** Rows 1..{@code rows} of merchant m-1 in both stores, equal. */
    private static void equalOrders(TestDatabase old, TestDatabase fresh, int rows) {
        StringBuilder values = new StringBuilder();
        for (int i = 1; i <= rows; i++) {
            values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-1', 'n").append(i).append("')");
        }
        for (TestDatabase db : List.of(old, fresh)) {
            db.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(20))",
                    "INSERT INTO orders VALUES " + values);
        }
    }

    // Input (left by round 26: "two verifications racing on one name … can the gate see a CLEAN that no full run
    //   produced?"): two full runs of one table overlap. A (slow, rate-limited) starts first and compares row 1; row 1
    //   then differs (written in the old store only, as a stale instance in OLD_ONLY does); B starts after it, finds
    //   row 1 and records DIRTY; A ends after B and records CLEAN. The probe took the run recorded last (the highest
    //   id: the one that ended last) as the latest, so the gate saw CLEAN, opened by a run whose knowledge of row 1 is
    //   older than B's. Members: A and B whole-table runs (asked for the migration), both merchant m-1 runs (asked for
    //   m-1), A whole table and B m-1's (asked for both), H2, PostgreSQL, MariaDB. Now the run that started last
    //   decides; the stores are then repaired and verified again, and the gate is CLEAN.
    @Test
    void aRunThatStartedEarlierAndEndedLaterDoesNotHideALaterRunsDifference() throws Exception {
        for (Kind kind : List.of(Kind.H2, Kind.POSTGRES, Kind.MARIADB)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                for (String scopes : List.of("whole/whole", "merchant/merchant", "whole/merchant")) {
                    String label = kind + " " + scopes;
                    old.execute("DROP TABLE IF EXISTS orders", "DELETE FROM dualwrite_verification");
                    fresh.execute("DROP TABLE IF EXISTS orders");
                    equalOrders(old, fresh, 60);
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(ChangeLogs.inMemory())
                            .recheckDelay(Duration.ZERO).settleTimeout(Duration.ZERO).build();
                    JdbcVerificationProbe probe = JdbcVerificationProbe.create(old.dataSource(), List.of(ORDERS));
                    VerificationJob.Builder first = VerificationJob.builder("orders").table(ORDERS).chunkRows(10)
                            .maxRowsPerSecond(40);
                    VerificationJob.Builder second = VerificationJob.builder("orders").table(ORDERS);
                    if (scopes.startsWith("merchant")) {
                        first.merchant("m-1");
                    }
                    if (scopes.endsWith("merchant")) {
                        second.merchant("m-1");
                    }
                    VerificationRun slow = verifier.start(first.build());
                    await().atMost(Duration.ofSeconds(20)).until(() -> slow.progress().chunksDone() >= 1);
                    old.execute("UPDATE orders SET note = 'stale' WHERE id = 1");
                    VerificationResult later = verifier.verify(second.build());
                    assertThat(later.clean()).as(label + ": " + later).isFalse();
                    VerificationResult earlier = slow.await();
                    assertThat(earlier.clean()).as(label + ": the slow run passed row 1 before it changed").isTrue();

                    if (!scopes.equals("merchant/merchant")) {
                        assertThat(probe.lastVerification("orders")).as(label + ": the migration")
                                .isEqualTo(VerificationStatus.DIRTY);
                    }
                    if (!scopes.equals("whole/whole")) {
                        assertThat(probe.lastVerification("orders", "m-1")).as(label + ": merchant m-1")
                                .isEqualTo(VerificationStatus.DIRTY);
                    }

                    Repairer.of(RowCopier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).build(), verifier).repair(second.build(), later);
                    assertThat(verifier.verify(VerificationJob.builder("orders").table(ORDERS).build()).clean())
                            .as(label).isTrue();
                    assertThat(probe.lastVerification("orders")).as(label).isEqualTo(VerificationStatus.CLEAN);
                    assertThat(probe.lastVerification("orders", "m-1")).as(label).isEqualTo(VerificationStatus.CLEAN);
                    assertThat(fresh.query(SELECT)).as(label).hasSize(60).isEqualTo(old.query(SELECT));
                }
            }
        }
    }

    // Input (left by round 26: "scoped resyncs resolved while writes continue"): a write whose keys cannot be known
    //   (a PostgreSQL function that updates) in a transaction of the crash-safe outbox (ChangeLogMode.ALWAYS) whose
    //   change log lives in the other store: NEW_PRIMARY (new PostgreSQL authoritative) with the log in the old MariaDB,
    //   DUAL_WRITE (old PostgreSQL) with the log in the new MariaDB. At commit the outbox records the scoped resync in
    //   the other store, committed and due at once, before the write's own commit; the commit is held (a deferred
    //   trigger waiting on a lock the test holds: a slow commit) and a resolver pass of another instance runs then. It
    //   verified the scope, found it equal (the write not yet committed), completed the entry; the write then committed
    //   and nothing synced it: the stores differ with the change log empty. Now a scoped resync recorded outside the
    //   write's transaction is recorded again after the commit, and the next pass repairs the scope.
    @Test
    void aScopedResyncRecordedBeforeItsWriteCommitsIsNotResolvedAwayBeforeTheCommit() throws Exception {
        for (MigrationPhase phase : List.of(MigrationPhase.NEW_PRIMARY, MigrationPhase.DUAL_WRITE)) {
            boolean newPrimary = phase == MigrationPhase.NEW_PRIMARY;
            String label = newPrimary ? "MariaDB -> PostgreSQL, NEW_PRIMARY" : "PostgreSQL -> MariaDB, DUAL_WRITE";
            Store logStore = newPrimary ? Store.OLD : Store.NEW;
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(newPrimary ? Kind.MARIADB : Kind.POSTGRES);
                 TestDatabase fresh = TestDatabases.createWithDualWriteSchema(newPrimary ? Kind.POSTGRES : Kind.MARIADB)) {
                TableMapping mapping = TableMapping.builder("orders").merchantIdColumn("merchant_id")
                        .rename("note", "memo").build();
                old.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(20))",
                        "INSERT INTO orders VALUES (1, 'm-1', 'a'), (2, 'm-1', 'b'), (3, 'm-2', 'c')");
                fresh.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), memo VARCHAR(20))",
                        "INSERT INTO orders VALUES (1, 'm-1', 'a'), (2, 'm-1', 'b'), (3, 'm-2', 'c')");
                TestDatabase authority = newPrimary ? fresh : old;
                TestDatabase logDb = newPrimary ? old : fresh;
                String column = newPrimary ? "memo" : "note";
                authority.execute("CREATE FUNCTION bump(i INT) RETURNS INT LANGUAGE plpgsql AS $$ BEGIN UPDATE orders"
                                + " SET " + column + " = 'changed' WHERE id = i; RETURN i; END $$",
                        // a slow commit: the deferred trigger waits for the test's advisory lock
                        "CREATE FUNCTION hold() RETURNS TRIGGER LANGUAGE plpgsql AS $$ BEGIN"
                                + " PERFORM pg_advisory_lock(27, 27); PERFORM pg_advisory_unlock(27, 27); RETURN NULL; END $$",
                        "CREATE CONSTRAINT TRIGGER held AFTER UPDATE ON orders DEFERRABLE INITIALLY DEFERRED"
                                + " FOR EACH ROW EXECUTE FUNCTION hold()");
                JdbcChangeLog changeLog = JdbcChangeLog.create(logDb.dataSource());
                SwitchStore switches = SwitchStores.inMemory();
                switches.setSystemPhase("orders", phase);
                Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
                        .migration(MigrationSwitchConfig.of("orders")).build();
                try (DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
                     Connection holder = authority.dataSource().getConnection()) {
                    DualWriteDataSource dataSource = DualWriteDataSource.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).migration("orders").dualWriter(writer)
                            .changeLogMode(ChangeLogMode.ALWAYS).outboxWriter(changeLog::record)
                            .changeLogStore(logStore).mapping(mapping).build();
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                            .settleTimeout(Duration.ZERO).build();
                    ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders")
                            .changeLog(changeLog).verifier(verifier).mapping(mapping).retryDelay(Duration.ZERO)
                            .repairer(Repairer.of(dataSource.rowCopier(), verifier)).build();
                    try (Statement hold = holder.createStatement()) {
                        hold.execute("SELECT pg_advisory_lock(27, 27)");
                    }
                    CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                        try (Connection connection = dataSource.getConnection();
                             Statement statement = connection.createStatement()) {
                            connection.setAutoCommit(false);
                            statement.execute("SELECT bump(2)");
                            connection.commit();
                        } catch (java.sql.SQLException e) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                    });
                    await().atMost(Duration.ofSeconds(20)).until(() -> logDb.count("SELECT COUNT(*) FROM"
                            + " dualwrite_change_log WHERE operation = 'RESYNC'") == 1);
                    resolver.resolveOnce(); // another instance's pass, while the write's commit is held
                    try (Statement release = holder.createStatement()) {
                        release.execute("SELECT pg_advisory_unlock(27, 27)");
                    }
                    write.get(20, TimeUnit.SECONDS);
                    assertThat(writer.awaitMirrors(Duration.ofSeconds(10))).as(label).isTrue();
                    assertThat(authority.count("SELECT COUNT(*) FROM orders WHERE " + column + " = 'changed'"))
                            .as(label + ": the write committed").isOne();
                    resolver.resolveOnce();
                }
                String select = "SELECT id, merchant_id, note FROM orders ORDER BY id";
                String selectNew = "SELECT id, merchant_id, memo AS note FROM orders ORDER BY id";
                assertThat(fresh.query(selectNew)).as(label).hasSize(3).isEqualTo(old.query(select));
            }
        }
    }

    // Input (left by round 26: "repair racing live writes through two data-source instances"): a verification reports
    //   rows 2 and 4 different, 3 missing and 7 extra in the new store; before the repair, live writes through a second
    //   data source (its own copier) delete row 2 and 3, update row 4 and insert row 7 in the old store, and their syncs
    //   land; then the repair copies old-wins through the first data source's copier. Could it resurrect a deleted row,
    //   overwrite the newer row 4, or delete the inserted row 7? Members: MariaDB -> PostgreSQL (renamed column), H2 ->
    //   H2. Held: the repair reads each key's authoritative row under the key's lock in the store, so it copies the
    //   live state, whichever copier instance runs it.
    @Test
    void aRepairAfterLiveWritesThroughAnotherDataSourceCopiesTheLiveRows() throws Exception {
        for (Kind[] kinds : List.of(new Kind[] {Kind.MARIADB, Kind.POSTGRES}, new Kind[] {Kind.H2, Kind.H2})) {
            String label = kinds[0] + " -> " + kinds[1];
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kinds[0]);
                 TestDatabase fresh = TestDatabases.create(kinds[1])) {
                TableMapping mapping = TableMapping.builder("orders").merchantIdColumn("merchant_id")
                        .rename("note", "memo").build();
                old.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), note VARCHAR(20))",
                        "INSERT INTO orders VALUES (1, 'm-1', 'a'), (2, 'm-1', 'b'), (3, 'm-1', 'c'), (4, 'm-1', 'd'),"
                                + " (5, 'm-1', 'e')");
                fresh.execute("CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), memo VARCHAR(20))",
                        "INSERT INTO orders VALUES (1, 'm-1', 'a'), (2, 'm-1', 'x'), (4, 'm-1', 'x'), (5, 'm-1', 'e'),"
                                + " (7, 'm-1', 'x')");
                JdbcChangeLog changeLog = JdbcChangeLog.create(old.dataSource());
                SwitchStore switches = SwitchStores.inMemory();
                switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
                Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches)
                        .migration(MigrationSwitchConfig.of("orders")).build();
                try (DualWriter first = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build();
                     DualWriter second = DualWriter.builder().resolver(switchboard).changeLog(changeLog).build()) {
                    DualWriteDataSource repairing = DualWriteDataSource.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).migration("orders").dualWriter(first).mapping(mapping)
                            .build();
                    DualWriteDataSource live = DualWriteDataSource.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).migration("orders").dualWriter(second).mapping(mapping)
                            .build();
                    Verifier verifier = Verifier.builder().oldDataSource(old.dataSource())
                            .newDataSource(fresh.dataSource()).changeLog(changeLog).recheckDelay(Duration.ZERO)
                            .settleTimeout(Duration.ZERO).build();
                    VerificationJob job = VerificationJob.builder("orders").table(mapping).chunkRows(2).build();
                    VerificationResult found = verifier.verify(job);
                    assertThat(found.tables().get(0).differences()).extracting(RowDifference::key).as(label)
                            .containsExactlyInAnyOrder("2", "3", "4", "7");
                    try (Connection connection = live.getConnection(); Statement statement = connection.createStatement()) {
                        statement.executeUpdate("DELETE FROM orders WHERE id IN (2, 3)");
                        statement.executeUpdate("UPDATE orders SET note = 'newer' WHERE id = 4");
                        statement.executeUpdate("INSERT INTO orders VALUES (7, 'm-1', 'inserted')");
                    }
                    assertThat(second.awaitMirrors(Duration.ofSeconds(10))).as(label).isTrue();
                    Repairer.RepairResult repaired = Repairer.of(repairing.rowCopier(), verifier).repair(job, found);
                    assertThat(repaired.clean()).as(label + ": " + repaired).isTrue();
                }
                assertThat(fresh.query("SELECT id, merchant_id, memo AS note FROM orders ORDER BY id")).as(label)
                        .hasSize(4).isEqualTo(old.query(SELECT));
                assertThat(old.query(SELECT)).extracting(row -> row.get("note")).as(label)
                        .containsExactly("a", "newer", "e", "inserted");
            }
        }
    }
}
