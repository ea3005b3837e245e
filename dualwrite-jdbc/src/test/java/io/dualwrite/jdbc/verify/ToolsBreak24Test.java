package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillScope;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Round 24: the migration tools attacked again. Each test ends comparing both stores row by row with plain JDBC.
 */
class ToolsBreak24Test {

    private static final TableMapping ORDERS = TableMapping.builder("orders").merchantIdColumn("merchant_id").build();

    /** One run's settings: migration, scope, name. */
    private record Run(String migration, BackfillScope scope) {
        BackfillJob job(TestDatabase old, TestDatabase fresh) {
            return BackfillJob.builder().migration(migration).oldDataSource(old.dataSource())
                    .newDataSource(fresh.dataSource()).mapping(ORDERS).scope(scope).name("nightly")
                    .chunkRows(3, 3).build();
        }
    }

    // Input: a backfill given a name (BackfillJob.Builder.name: "runs with the same name resume each other") is
    //   stopped after two of its chunks, then a run of the same name is started for another scope or another
    //   migration over the same old table: merchant m-1, then merchant m-2; merchant m-1, then the whole table;
    //   migration a, then migration b (two new stores fed from one old store, the checkpoints kept in the old one).
    //   The checkpoint's settings held the mapping and the key, not the scope nor the migration, so the second run
    //   took the first one's chunks as its own: the chunks done for m-1 (or for migration a) counted as done, and the
    //   rows of the second scope in their key ranges never reached its new store, the run calling itself complete.
    //   Now such a run is refused before any row, naming both runs and the way on (reset, or another name).
    @Test
    void aNamedBackfillNeverResumesTheCheckpointOfAnotherScopeOrMigration() throws Exception {
        List<Run[]> members = List.of(
                new Run[] {new Run("a", BackfillScope.merchant("m-1")), new Run("a", BackfillScope.merchant("m-2"))},
                new Run[] {new Run("a", BackfillScope.merchant("m-1")), new Run("a", BackfillScope.wholeTable())},
                new Run[] {new Run("a", BackfillScope.wholeTable()), new Run("b", BackfillScope.wholeTable())});
        for (Kind kind : List.of(Kind.POSTGRES, Kind.MARIADB)) {
            for (Run[] member : members) {
                String label = kind + ": " + member[0] + " then " + member[1];
                try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                     TestDatabase first = TestDatabases.create(kind);
                     TestDatabase second = member[0].migration().equals(member[1].migration()) ? null
                             : TestDatabases.create(kind)) {
                    TestDatabase secondStore = second == null ? first : second;
                    String table = "CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), amount INT)";
                    old.execute(table);
                    first.execute(table);
                    if (second != null) {
                        second.execute(table);
                    }
                    StringBuilder values = new StringBuilder();
                    for (int i = 1; i <= 30; i++) {
                        values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-").append(i % 3)
                                .append("', ").append(i * 10).append(')');
                    }
                    old.execute("INSERT INTO orders VALUES " + values);
                    // the first run, stopped after two chunks: its later chunks pending again, their rows not copied
                    assertThat(member[0].job(old, first).run().complete()).as(label).isTrue();
                    old.execute("UPDATE dualwrite_backfill_checkpoint SET status = 'PENDING', rows_copied = 0"
                            + " WHERE chunk_no > 2");

                    BackfillJob resumed = member[1].job(old, secondStore);
                    assertThatThrownBy(resumed::run).as(label).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("no row was copied")
                            .hasMessageContaining("was left by a run of migration " + member[0].migration() + " scope ")
                            .hasMessageContaining("BackfillJob.resetCheckpoints");
                    assertThat(secondStore.query("SELECT id FROM orders WHERE merchant_id = 'm-2'").size())
                            .as(label + ": refused before any row").isZero();

                    // reset, the second run copies every row of its scope
                    resumed.resetCheckpoints();
                    assertThat(resumed.run().complete()).as(label).isTrue();
                    String scope = member[1].scope().merchantId().map(m -> " WHERE merchant_id = '" + m + "'").orElse("");
                    String sql = "SELECT id, merchant_id, amount FROM orders" + scope + " ORDER BY id";
                    List<Map<String, Object>> expected = old.query(sql);
                    assertThat(expected).as(label).isNotEmpty();
                    assertThat(secondStore.query(sql)).as(label).isEqualTo(expected);
                }
            }
        }
    }

    // Input (the same kind, two instances): runs of merchant m-2 and of merchant m-1 under one name start at the same
    //   moment: m-2's start checks find no checkpoint, then m-1's run makes the head, plans and copies its first
    //   chunks (done here, deterministically, when m-2's run first asks whether the head exists), and m-2's run
    //   goes on. It worked on m-1's chunks: those done held none of m-2's rows, so they were never copied, the run
    //   complete. Now the run reads the head it ends up with and, made by another run, stops before any row.
    @Test
    void aNamedBackfillStartedBesideARunOfAnotherScopeStopsBeforeAnyRow() throws Exception {
        for (Kind kind : List.of(Kind.POSTGRES, Kind.MARIADB)) {
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(kind);
                 TestDatabase fresh = TestDatabases.create(kind)) {
                String table = "CREATE TABLE orders (id INT PRIMARY KEY, merchant_id VARCHAR(10), amount INT)";
                old.execute(table);
                fresh.execute(table);
                StringBuilder values = new StringBuilder();
                for (int i = 1; i <= 30; i++) {
                    values.append(i == 1 ? "" : ", ").append('(').append(i).append(", 'm-").append(i % 3)
                            .append("', ").append(i * 10).append(')');
                }
                old.execute("INSERT INTO orders VALUES " + values);
                Run first = new Run("a", BackfillScope.merchant("m-1"));
                java.util.concurrent.atomic.AtomicBoolean raced = new java.util.concurrent.atomic.AtomicBoolean();
                javax.sql.DataSource checkpoints = beforeHeadRead(old.dataSource(), () -> {
                    if (raced.compareAndSet(false, true)) {
                        first.job(old, fresh).run();
                        old.execute("UPDATE dualwrite_backfill_checkpoint SET status = 'PENDING', rows_copied = 0"
                                + " WHERE chunk_no > 2");
                    }
                });
                BackfillJob second = BackfillJob.builder().migration("a").oldDataSource(old.dataSource())
                        .newDataSource(fresh.dataSource()).checkpointDataSource(checkpoints).mapping(ORDERS)
                        .scope(BackfillScope.merchant("m-2")).name("nightly").chunkRows(3, 3).build();

                assertThatThrownBy(second::run).as(kind.toString())
                        .hasMessageContaining("was made at the same moment by another run under this job's name");
                assertThat(raced).isTrue();
                String sql = "SELECT id, merchant_id, amount FROM orders WHERE merchant_id = 'm-2' ORDER BY id";
                assertThat(fresh.query(sql)).as(kind + ": no row of m-2 copied").isEmpty();

                // the next run is refused by its start checks; reset, it copies every row of m-2
                assertThatThrownBy(second::run).as(kind.toString()).hasMessageContaining("no row was copied");
                second.resetCheckpoints();
                assertThat(second.run().complete()).as(kind.toString()).isTrue();
                assertThat(fresh.query(sql)).as(kind.toString()).hasSize(10).isEqualTo(old.query(sql));
            }
        }
    }

    /**
     * {@code real}, running {@code hook} before a connection of it prepares the backfill's question whether a job's
     * checkpoint head exists (asked when a run makes its head, after its start checks).
     */
    private static javax.sql.DataSource beforeHeadRead(javax.sql.DataSource real, ThrowingRunnable hook) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(ToolsBreak24Test.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object result = SentSql.invoke(method, real, args);
                    if (!(result instanceof java.sql.Connection connection)) {
                        return result;
                    }
                    return java.lang.reflect.Proxy.newProxyInstance(ToolsBreak24Test.class.getClassLoader(),
                            new Class<?>[] {java.sql.Connection.class}, (inner, call, callArgs) -> {
                                if (call.getName().equals("prepareStatement") && callArgs != null
                                        && callArgs[0] instanceof String sql && sql.startsWith("SELECT 1 FROM")
                                        && sql.contains("dualwrite_backfill_checkpoint")) {
                                    hook.run();
                                }
                                return SentSql.invoke(call, connection, callArgs);
                            });
                });
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    // Input (tried and held, kept as a guard): the scoped-resync resolver given job settings that name a checkpoint
    //   (jobSettings(job -> job.chunkRows(250).checkpoint("resync")), an operator's routine settings), and a run of
    //   that very job stopped after three chunks (its checkpoint's next key 751), as a pass whose store failed
    //   mid-run leaves it. Then writes the mirror lost in rows before that key (4 and 301) and a scoped resync for
    //   them (the whole table; merchant m-1). Had the resolver's verification resumed the checkpoint, it would have
    //   compared only the chunks after it and completed the entry with the rows different. It does not:
    //   VerificationJob.withTables, which the resolver's job goes through, drops the checkpoint name, so every
    //   resolution compares the whole scope after its claim. PostgreSQL.
    @Test
    void aScopedResyncIsResolvedByAWholeVerificationNeverByAResumedCheckpoint() throws Exception {
        for (VerificationScope scope : List.of(VerificationScope.WHOLE_TABLE, VerificationScope.merchant("m-1"))) {
            try (Pair pair = Pair.of(Kind.POSTGRES, Kind.POSTGRES)) {
                pair.fill(1, 3000);
                ChangeLog changeLog = JdbcChangeLog.create(pair.oldDb.dataSource());
                Verifier verifier = pair.verifier().changeLog(changeLog).build();
                VerificationRun stopped = verifier.start(Pair.job().scope(scope).chunkRows(250).maxRowsPerSecond(300)
                        .checkpoint("resync").build());
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> stopped.progress().chunksDone() >= 2);
                stopped.stop();
                assertThatThrownBy(stopped::await).isInstanceOf(VerificationStoppedException.class);

                // writes the mirror lost, in the first chunks (ids 1..250 and 251..500), recorded as a scoped resync
                pair.oldDb.execute("UPDATE orders SET note = 'lost write' WHERE id IN (4, 301)");
                changeLog.record(ChangeRecord.scopedResync("orders", "orders", scope.merchantId(), "procedure call",
                        Store.NEW, null));
                RowCopier copier = RowCopier.builder().oldDataSource(pair.oldDb.dataSource())
                        .newDataSource(pair.newDb.dataSource()).build();
                ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders").changeLog(changeLog)
                        .verifier(verifier).repairer(Repairer.of(copier, verifier)).mapping(Pair.ORDERS)
                        .jobSettings(job -> job.chunkRows(250).checkpoint("resync")).build();

                assertThat(resolver.resolveOnce()).as(scope.toString()).isEqualTo(new ScopedResyncResolver.Result(1, 1, 0));
                assertThat(changeLog.pendingCount("orders")).isZero();
                pair.assertSameRows();
            }
        }
    }

    // Input: H2 -> H2, an interval column whose new type has another qualifier of the same family: INTERVAL DAY into
    //   INTERVAL HOUR, HOUR TO MINUTE into MINUTE, YEAR into MONTH, DAY TO MINUTE (negative) into MINUTE. The copier
    //   writes each value as H2 converts it (INTERVAL '1' DAY as INTERVAL '24' HOUR, equal by H2's own =), but the
    //   verification compared the two intervals' texts in Java and reported every such row different, on every
    //   run: repair copied it again and never converged (a scoped resync of the table would stay forever). A
    //   type-only difference. Now an H2 interval is compared by its length (months, or seconds with a day of 24
    //   hours), so the copies are clean and a length changed by one unit (25 hours, 91 minutes, 25 months) is still
    //   found; repaired, the stores are equal.
    @Test
    void h2IntervalsOfAnotherQualifierAreComparedByTheirLength() throws Exception {
        String[][] members = {
                {"INTERVAL DAY", "INTERVAL HOUR", "INTERVAL '1' DAY", "INTERVAL '25' HOUR", "MINUTE(18)"},
                {"INTERVAL HOUR TO MINUTE", "INTERVAL MINUTE", "INTERVAL '1:30' HOUR TO MINUTE", "INTERVAL '91' MINUTE",
                        "MINUTE(18)"},
                {"INTERVAL YEAR", "INTERVAL MONTH", "INTERVAL '2' YEAR", "INTERVAL '25' MONTH", "MONTH(18)"},
                {"INTERVAL DAY TO MINUTE", "INTERVAL MINUTE(6)", "INTERVAL '-1 01:30' DAY TO MINUTE",
                        "INTERVAL '-1531' MINUTE(6)", "MINUTE(18)"}};
        for (String[] member : members) {
            String label = member[0] + " into " + member[1];
            try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
                 TestDatabase fresh = TestDatabases.create(Kind.H2)) {
                old.execute("CREATE TABLE spans (id INT PRIMARY KEY, span " + member[0] + ")",
                        "INSERT INTO spans VALUES (1, " + member[2] + "), (2, " + member[2] + "), (3, NULL)");
                fresh.execute("CREATE TABLE spans (id INT PRIMARY KEY, span " + member[1] + ")");
                TableMapping spans = TableMapping.builder("spans").build();
                ToolsBreakSupport.backfill(old, fresh, spans);
                assertThat(ToolsBreakSupport.verify(old, fresh, spans).differences()).as(label + ": the copies")
                        .isEmpty();
                fresh.execute("UPDATE spans SET span = " + member[3] + " WHERE id = 2");
                TableReport report = ToolsBreakSupport.verify(old, fresh, spans);
                assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(label + ": " + report.toText())
                        .containsExactly("2");
                ToolsBreakSupport.repair(old, fresh, spans);
                // plain JDBC: each interval as its length in the smallest unit both can say
                String sql = "SELECT id, CAST(CAST(span AS INTERVAL " + member[4] + ") AS VARCHAR) AS length FROM spans"
                        + " ORDER BY id";
                assertThat(fresh.query(sql)).as(label).hasSize(3).isEqualTo(old.query(sql));
            }
        }
    }

    // Input: the scoped-resync resolver built with a lease of 10,000 years (MariaDB's DATETIME ends at 9999) or of
    //   Long.MAX_VALUE seconds (past what an Instant holds), or a retry delay of either; the reconciler, which
    //   repairs the keyed entries of the same change log, with such a lease or backoff. The builders took them;
    //   then every pass threw (seen on the MariaDB old store: "Incorrect datetime value: '+12020-04-17 …' for column
    //   claimed_until", and "long overflow"), so a merchant's recorded resync was never resolved and the phase gate
    //   stayed shut on its backlog, with an error naming a date-time rather than the setting. The kind, as round
    //   20's lock timeout and round 22's verifier waits: a configured duration passed on to an instant and a column
    //   of a narrower range than the builder's check. Now each is refused at build naming the setting, the value
    //   and the bound (a day, as the starter's dualwrite.reconciler.lease); at the bounds, both resolve their
    //   entries and the stores are equal.
    @Test
    void theChangeLogsResolversRefuseALeaseOrDelayNoStoreCanHoldAndResolveAtTheBounds() throws Exception {
        try (Pair pair = Pair.of(Kind.MARIADB, Kind.POSTGRES)) {
            pair.fill(1, 40);
            pair.newDb.execute("UPDATE orders_v2 SET note = 'lost update' WHERE id IN (4, 7)",
                    "UPDATE orders_v2 SET note = 'lost too' WHERE id = 5");
            ChangeLog changeLog = JdbcChangeLog.create(pair.oldDb.dataSource());
            Verifier verifier = pair.verifier().changeLog(changeLog).build();
            RowCopier copier = RowCopier.builder().oldDataSource(pair.oldDb.dataSource())
                    .newDataSource(pair.newDb.dataSource()).build();
            java.util.function.Supplier<ScopedResyncResolver.Builder> resolver = () -> ScopedResyncResolver.builder()
                    .migration("orders").changeLog(changeLog).verifier(verifier).repairer(Repairer.of(copier, verifier))
                    .mapping(Pair.ORDERS);
            changeLog.record(ChangeRecord.scopedResync("orders", "orders", "m-1", "procedure call", Store.NEW, null));
            changeLog.record(ChangeRecord.of("orders", new io.dualwrite.changelog.RowRef("orders", "5",
                    io.dualwrite.changelog.Operation.UPDATE), "timeout", Store.NEW, null));

            for (Duration tooLong : List.of(Duration.ofDays(3_650_000), Duration.ofSeconds(Long.MAX_VALUE),
                    Duration.ofDays(1).plusNanos(1))) {
                assertThatThrownBy(() -> resolver.get().lease(tooLong)).as("lease " + tooLong)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease must be")
                        .hasMessageContaining("at most 1 day").hasMessageContaining(tooLong.toString());
                assertThatThrownBy(() -> resolver.get().retryDelay(tooLong)).as("retryDelay " + tooLong)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retryDelay must be")
                        .hasMessageContaining("at most 1 day").hasMessageContaining(tooLong.toString());
                assertThatThrownBy(() -> io.dualwrite.jdbc.reconcile.Reconciler.builder().lease(tooLong))
                        .as("reconciler lease " + tooLong).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("lease must be at most 1 day").hasMessageContaining(tooLong.toString());
                assertThatThrownBy(() -> io.dualwrite.jdbc.reconcile.Reconciler.builder().initialBackoff(tooLong))
                        .as("reconciler initialBackoff " + tooLong).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("initialBackoff must be at most 1 day");
                assertThatThrownBy(() -> io.dualwrite.jdbc.reconcile.Reconciler.builder().maxBackoff(tooLong))
                        .as("reconciler maxBackoff " + tooLong).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("maxBackoff must be at most 1 day");
            }
            assertThat(changeLog.pendingCount("orders")).as("nothing claimed by a refused build").isEqualTo(2);

            ScopedResyncResolver atTheBounds = resolver.get().lease(Duration.ofDays(1)).retryDelay(Duration.ofDays(1))
                    .build();
            assertThat(atTheBounds.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(1, 1, 0));
            io.dualwrite.jdbc.reconcile.Reconciler reconciler = io.dualwrite.jdbc.reconcile.Reconciler.builder()
                    .changeLog(changeLog).oldDataSource(pair.oldDb.dataSource()).newDataSource(pair.newDb.dataSource())
                    .mapping(Pair.ORDERS).migration("orders").lease(Duration.ofDays(1))
                    .initialBackoff(Duration.ofDays(1)).maxBackoff(Duration.ofDays(1)).build();
            assertThat(reconciler.runOnce().repaired()).isEqualTo(1);
            assertThat(changeLog.pendingCount("orders")).isZero();
            pair.assertSameRows();
        }
    }
}
