package io.dualwrite.jdbc.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.Operation;
import io.dualwrite.jdbc.schema.SchemaScript;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JdbcChangeLogTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(1);

    private static ChangeRecord record(String key, Instant dueAt) {
        return new ChangeRecord("orders", "orders", key, Operation.UPDATE, "timeout", Store.NEW, "o-" + key, "m-1", dueAt);
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void claimsOnlyDueEntriesAndOnlyOnceWithinTheLease(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            long due = log.record(record("1", T0));
            log.record(record("2", T0.plusSeconds(30)));

            List<ChangeEntry> first = log.claim(10, T0, LEASE);
            assertThat(first).extracting(ChangeEntry::id).containsExactly(due);
            ChangeEntry entry = first.get(0);
            assertThat(entry.record()).isEqualTo(record("1", T0));
            assertThat(entry.attempts()).isZero();
            assertThat(entry.lastError()).isNull();

            // within the lease the first entry is taken; the second becomes due on its own time
            assertThat(log.claim(10, T0.plusSeconds(30), LEASE)).extracting(e -> e.record().key()).containsExactly("2");
            assertThat(log.claim(10, T0.plusSeconds(59), LEASE)).isEmpty();
            assertThat(log.pendingCount("orders")).isEqualTo(2);
            assertThat(log.pendingCount("payments")).isZero();

            // the claimer of entry 1 died: after its lease the entry is due again
            assertThat(log.claim(10, T0.plusSeconds(61), LEASE)).extracting(ChangeEntry::id).containsExactly(due);

            log.complete(due);
            assertThat(log.pendingCount("orders")).isEqualTo(1);
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_change_log WHERE id = ?", due)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void recordAllWritesEveryEntryAsRecordWould(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            List<ChangeRecord> records = List.of(record("1", T0), record("2", T0), record("K-3 ", T0.plusSeconds(5)));

            log.recordAll(records);
            log.recordAll(List.of());

            assertThat(log.pendingCount("orders")).isEqualTo(3);
            assertThat(log.claim(10, T0.plusSeconds(5), LEASE)).extracting(ChangeEntry::record)
                    .containsExactlyInAnyOrderElementsOf(records);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void backlogByReasonCountsTheEntriesOfOneMigrationPerReason(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            log.recordAll(List.of(record("1", T0), record("2", T0), record("3", T0).withReason("breaker-open"),
                    new ChangeRecord("payments", "payments", "9", Operation.UPDATE, "failed", Store.NEW, null, null, T0)));

            assertThat(log.pendingCountByReason("orders")).containsExactly(Map.entry("breaker-open", 1L),
                    Map.entry("timeout", 2L));
            assertThat(log.pendingCountByReason("payments")).containsExactly(Map.entry("failed", 1L));
            assertThat(log.pendingCountByReason("none")).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void retryLaterCountsTheAttemptRecordsTheErrorAndReleasesTheClaim(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            long id = log.record(record("7", T0));
            assertThat(log.claim(5, T0, LEASE)).hasSize(1);

            log.retryLater(id, T0.plusSeconds(5), "x".repeat(5000));

            assertThat(log.claim(5, T0.plusSeconds(4), LEASE)).isEmpty();
            List<ChangeEntry> again = log.claim(5, T0.plusSeconds(5), LEASE);
            assertThat(again).hasSize(1);
            assertThat(again.get(0).attempts()).isEqualTo(1);
            assertThat(again.get(0).lastError()).hasSize(JdbcChangeLog.MAX_ERROR_LENGTH);

            log.retryLater(id, T0.plusSeconds(20), "second failure");
            Map<String, Object> row = db.query("SELECT attempts, last_error, claim_token, status FROM dualwrite_change_log").get(0);
            assertThat(((Number) row.get("attempts")).intValue()).isEqualTo(2);
            assertThat(row.get("last_error")).isEqualTo("second failure");
            assertThat(row.get("claim_token")).isNull();
            assertThat(row.get("status")).isEqualTo("PENDING");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aClaimerWhoseLeaseRanOutCannotRescheduleTheNewClaim(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog slow = JdbcChangeLog.create(db.dataSource());
            JdbcChangeLog fast = JdbcChangeLog.create(db.dataSource());
            long id = slow.record(record("1", T0));
            assertThat(slow.claim(1, T0, LEASE)).hasSize(1);
            assertThat(fast.claim(1, T0.plus(LEASE).plusSeconds(1), LEASE)).hasSize(1);

            slow.retryLater(id, T0, "too late");

            assertThat(fast.claim(1, T0.plus(LEASE).plusSeconds(2), LEASE)).isEmpty();
            assertThat(db.query("SELECT attempts, last_error FROM dualwrite_change_log").get(0))
                    .containsEntry("last_error", null);
            fast.complete(id);
            assertThat(fast.pendingCount("orders")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void recordOnTheCallersConnectionFollowsItsTransaction(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            db.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(20))");
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            try (Connection connection = db.dataSource().getConnection()) {
                connection.setAutoCommit(false);
                connection.createStatement().executeUpdate("INSERT INTO orders VALUES (1, 'rolled back')");
                // negative: an entry in the caller's transaction names its id, never one of the table's generator,
                // which would become the session's last generated key (LAST_INSERT_ID(), lastval())
                assertThat(log.record(connection, record("1", T0).withReason("outbox"))).isNegative();
                connection.rollback();

                connection.createStatement().executeUpdate("INSERT INTO orders VALUES (2, 'committed')");
                long id = log.record(connection, record("2", T0).withReason("outbox"));
                assertThat(connection.isClosed()).isFalse();
                connection.commit();

                assertThat(db.query("SELECT id, row_key, reason FROM dualwrite_change_log"))
                        .singleElement()
                        .satisfies(row -> {
                            assertThat(((Number) row.get("id")).longValue()).isEqualTo(id);
                            assertThat(row).containsEntry("row_key", "2").containsEntry("reason", "outbox");
                        });
            }
            assertThat(db.count("SELECT COUNT(*) FROM orders")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void concurrentClaimersNeverShareAnEntry(TestDatabases.Kind kind) throws Exception {
        int entries = 400;
        int claimers = 8;
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog writer = JdbcChangeLog.create(db.dataSource());
            for (int i = 0; i < entries; i++) {
                writer.record(record(Integer.toString(i), T0));
            }
            Map<Long, AtomicInteger> claims = new ConcurrentHashMap<>();
            ExecutorService threads = Executors.newFixedThreadPool(claimers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < claimers; c++) {
                    JdbcChangeLog log = JdbcChangeLog.create(db.dataSource()); // one per application instance
                    done.add(threads.submit(() -> {
                        start.await();
                        List<ChangeEntry> batch;
                        do {
                            batch = log.claim(7, T0, LEASE);
                            for (ChangeEntry entry : batch) {
                                claims.computeIfAbsent(entry.id(), id -> new AtomicInteger()).incrementAndGet();
                                log.complete(entry.id());
                            }
                        } while (!batch.isEmpty());
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> each : done) {
                    each.get(120, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(claims).hasSize(entries);
            assertThat(claims.values()).allSatisfy(count -> assertThat(count.get()).isEqualTo(1));
            assertThat(writer.pendingCount("orders")).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void keysThatDifferOnlyInCaseAccentsOrTrailingSpacesStayDistinct(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            List<String> ids = List.of("m-1", "M-1", "m-1 ", "m\u00e9", "me");
            List<ChangeRecord> records = new ArrayList<>();
            for (String id : ids) {
                records.add(new ChangeRecord("orders", "orders", id, Operation.UPDATE, "timeout", Store.NEW, id, id, T0));
            }
            records.forEach(log::record);
            log.record(new ChangeRecord("Orders", "Orders", "m-1", Operation.UPDATE, "timeout", Store.NEW, "m-1", "m-1",
                    T0.plusSeconds(60)));

            assertThat(log.claim(10, T0, LEASE)).extracting(ChangeEntry::record).containsExactlyInAnyOrderElementsOf(records);
            assertThat(log.pendingCount("orders")).isEqualTo(5);
            for (String id : ids) {
                assertThat(db.count("SELECT COUNT(*) FROM dualwrite_change_log WHERE row_key = ? AND order_id = ?"
                        + " AND merchant_id = ? AND migration = 'orders' AND table_name = 'orders'", id, id, id))
                        .as("entries for '%s'", id).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMissingTableIsNamedWithTheFix(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.create(kind)) {
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            String script = switch (kind) {
                case H2 -> SchemaScript.H2.resourcePath();
                case POSTGRES -> SchemaScript.POSTGRESQL.resourcePath();
                case MARIADB -> SchemaScript.MARIADB.resourcePath();
            };

            assertThatThrownBy(() -> log.record(record("1", T0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not record a change-log entry for orders key 1")
                    .hasMessageContaining("DualWriteSchema.create(dataSource)").hasMessageContaining(script);
            assertThatThrownBy(() -> log.claim(10, T0, LEASE)).hasMessageContaining(script);
            assertThatThrownBy(() -> log.pendingCount("orders")).hasMessageContaining(script);
            assertThatThrownBy(() -> log.retryLater(1, T0, "x")).hasMessageContaining(script);
            assertThatThrownBy(() -> log.complete(1)).hasMessageContaining(script);
            try (Connection connection = db.dataSource().getConnection()) {
                assertThatThrownBy(() -> log.record(connection, record("2", T0)))
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("42"))
                        .hasMessageContaining("DualWriteSchema.create(dataSource)").hasMessageContaining(script);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void scopedResyncsAreClaimedOnlyByClaimScopedOnceWithinTheLeaseAndCompleted(TestDatabases.Kind kind)
            throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            long plain = log.record(record("1", T0));
            long whole = log.record(ChangeRecord.scopedResync("orders", "orders", null, "truncate", Store.NEW, null)
                    .withDueAt(T0));
            long merchant = log.record(ChangeRecord.scopedResync("orders", "orders", "m-7", "procedure", Store.NEW,
                    null).withDueAt(T0.plusSeconds(10)));

            assertThat(log.claim(10, T0.plusSeconds(60), LEASE)).extracting(ChangeEntry::id).containsExactly(plain);
            List<ChangeEntry> scoped = log.claimScoped(10, T0, LEASE);
            assertThat(scoped).extracting(ChangeEntry::id).containsExactly(whole);
            assertThat(scoped.get(0).record().operation()).isEqualTo(Operation.RESYNC);
            assertThat(log.claimScoped(10, T0.plusSeconds(10), LEASE)).extracting(e -> e.record().key())
                    .containsExactly("merchant=m-7");
            assertThat(log.claimScoped(10, T0.plusSeconds(20), LEASE)).isEmpty();

            log.retryLater(merchant, T0.plusSeconds(25), "2 rows still differ");
            assertThat(log.claimScoped(10, T0.plusSeconds(25), LEASE)).singleElement()
                    .satisfies(entry -> assertThat(entry.attempts()).isEqualTo(1))
                    .satisfies(entry -> assertThat(entry.lastError()).isEqualTo("2 rows still differ"));
            log.complete(whole);
            log.complete(merchant);
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_change_log WHERE operation = 'RESYNC'")).isZero();
            assertThat(log.pendingCount("orders")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void pendingKeysAreTheKeysOfATableWithAnEntryClaimedOrNotButNoScopedResync(TestDatabases.Kind kind)
            throws SQLException {
        try (TestDatabase db = TestDatabases.createWithDualWriteSchema(kind)) {
            JdbcChangeLog log = JdbcChangeLog.create(db.dataSource());
            log.record(record("1", T0));
            log.record(record("2", T0.plusSeconds(60)));
            log.record(new ChangeRecord("payments", "orders", "3", Operation.UPDATE, "timeout", Store.NEW, null, null, T0));
            log.record(new ChangeRecord("orders", "order_items", "4", Operation.UPDATE, "timeout", Store.NEW, null, null, T0));
            log.record(ChangeRecord.scopedResync("orders", "orders", null, "truncate", Store.NEW, null));
            log.claim(1, T0, LEASE);
            List<String> many = new ArrayList<>();
            for (int i = 100; i < 1300; i++) {
                many.add(Integer.toString(i));
            }
            many.add("2");

            assertThat(log.pendingKeys("orders", "ORDERS", List.of("1", "2", "3", "4", "5", "*")))
                    .containsExactlyInAnyOrder("1", "2");
            assertThat(log.pendingKeys("orders", "orders", many)).containsExactly("2");
            assertThat(log.pendingKeys("payments", "orders", List.of("1", "3"))).containsExactly("3");
            assertThat(log.pendingKeys("orders", "orders", List.of())).isEmpty();
        }
    }
}
