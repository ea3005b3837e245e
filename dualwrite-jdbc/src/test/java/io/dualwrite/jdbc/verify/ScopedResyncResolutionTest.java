package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scoped resyncs the write path records (a merchant's rows, a whole table) are resolved: the scope is
 * verified, what differs is repaired through the copier, and the entry completed; drift outside the scope stays.
 * With the in-memory and the JDBC change log.
 */
class ScopedResyncResolutionTest {

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of(Kind.H2, Kind.H2, false), Arguments.of(Kind.H2, Kind.H2, true),
                Arguments.of(Kind.MARIADB, Kind.POSTGRES, true), Arguments.of(Kind.POSTGRES, Kind.MARIADB, false));
    }

    @ParameterizedTest(name = "{0} -> {1}, JDBC change log {2}")
    @MethodSource("cases")
    void merchantAndWholeTableResyncsAreVerifiedRepairedAndCompleted(Kind oldKind, Kind newKind, boolean jdbc)
            throws Exception {
        try (Pair pair = Pair.of(oldKind, newKind)) {
            pair.fill(1, 120);
            ChangeLog changeLog = jdbc ? JdbcChangeLog.create(pair.oldDb.dataSource()) : ChangeLogs.inMemory();
            // drift of merchant m-1 (ids 1, 4, 7, …) and of merchant m-2 (ids 2, 5, 8, …)
            pair.newDb.execute("UPDATE orders_v2 SET note = 'lost update' WHERE id IN (4, 5)",
                    "DELETE FROM orders_v2 WHERE id IN (7, 8)",
                    "INSERT INTO orders_v2 (id, merchant_id, amount_total, paid, created_at, note, code)"
                            + " SELECT id + 1000, merchant_id, amount_total, paid, created_at, note, code FROM orders_v2"
                            + " WHERE id IN (1, 2)");
            assertThat(pair.mismatches()).containsExactly(4L, 5L, 7L, 8L, 1001L, 1002L);

            Verifier verifier = pair.verifier().changeLog(changeLog).build();
            RowCopier copier = RowCopier.builder().oldDataSource(pair.oldDb.dataSource())
                    .newDataSource(pair.newDb.dataSource()).build();
            ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders").changeLog(changeLog)
                    .verifier(verifier).repairer(Repairer.of(copier, verifier)).mapping(Pair.ORDERS)
                    .jobSettings(job -> job.chunkRows(25)).build();

            changeLog.record(ChangeRecord.scopedResync("orders", "orders", "m-1", "procedure call", Store.NEW, null));
            assertThat(changeLog.pendingCount("orders")).isEqualTo(1);
            assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(1, 1, 0));
            assertThat(changeLog.pendingCount("orders")).isZero();
            assertThat(pair.mismatches()).as("only merchant m-2's drift is left").isEqualTo(Set.of(5L, 8L, 1002L));

            changeLog.record(ChangeRecord.scopedResync("orders", "orders", null, "TRUNCATE", Store.NEW, null));
            assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(1, 1, 0));
            assertThat(changeLog.pendingCount("orders")).isZero();
            pair.assertSameRows();
            assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(0, 0, 0));
        }
    }

    @ParameterizedTest(name = "JDBC change log {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void anEntryOfATableWithoutAMappingIsRescheduledWithTheReasonNotDropped(boolean jdbc) throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            ChangeLog changeLog = jdbc ? JdbcChangeLog.create(pair.oldDb.dataSource()) : ChangeLogs.inMemory();
            Verifier verifier = pair.verifier().build();
            ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders").changeLog(changeLog)
                    .verifier(verifier).repairer(Repairer.of(RowCopier.builder().oldDataSource(pair.oldDb.dataSource())
                            .newDataSource(pair.newDb.dataSource()).build(), verifier))
                    .mapping(Pair.ORDERS).retryDelay(java.time.Duration.ofHours(1)).build();
            changeLog.record(ChangeRecord.scopedResync("orders", "payments", null, "TRUNCATE", Store.NEW, null));

            assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(1, 0, 1));
            assertThat(changeLog.pendingCount("orders")).isEqualTo(1);
            assertThat(resolver.resolveOnce().claimed()).isZero(); // rescheduled an hour later
        }
    }

    @ParameterizedTest(name = "JDBC change log {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void anEntryOfAnotherMigrationIsNeitherClaimedNorCompletedEvenOnATableOfTheSameName(boolean jdbc) throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            ChangeLog changeLog = jdbc ? JdbcChangeLog.create(pair.oldDb.dataSource()) : ChangeLogs.inMemory();
            Verifier verifier = pair.verifier().build();
            ScopedResyncResolver resolver = ScopedResyncResolver.builder().migration("orders").changeLog(changeLog)
                    .verifier(verifier).repairer(Repairer.of(RowCopier.builder().oldDataSource(pair.oldDb.dataSource())
                            .newDataSource(pair.newDb.dataSource()).build(), verifier))
                    .mapping(Pair.ORDERS).build();
            changeLog.record(ChangeRecord.scopedResync("archive", "orders", null, "TRUNCATE", Store.NEW, null));
            changeLog.record(ChangeRecord.scopedResync("archive", "payments", "m-1", "procedure call", Store.NEW, null));

            assertThat(resolver.resolveOnce()).isEqualTo(new ScopedResyncResolver.Result(0, 0, 0));
            assertThat(changeLog.pendingCount("archive")).as("left for the other migration's resolver").isEqualTo(2);
            assertThat(changeLog.claimScoped("archive", 10, java.time.Instant.now(), java.time.Duration.ofMinutes(1)))
                    .as("never claimed nor rescheduled").hasSize(2);
        }
    }
}
