package io.dualwrite.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryChangeLogTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final InMemoryChangeLog log = ChangeLogs.inMemory();

    private long record(String migration, String key, Instant dueAt) {
        return log.record(new ChangeRecord(migration, "orders", key, Operation.UPDATE, "failed", Store.NEW,
                "o-" + key, "m-1", dueAt));
    }

    @Test
    void backlogByReasonCountsTheEntriesOfOneMigrationPerReason() {
        record("orders", "1", NOW);
        record("orders", "2", NOW);
        log.record(new ChangeRecord("orders", "orders", "3", Operation.UPDATE, "breaker-open", Store.NEW, null, null, NOW));
        record("payments", "4", NOW);

        assertThat(log.pendingCountByReason("orders")).containsExactly(java.util.Map.entry("breaker-open", 1L),
                java.util.Map.entry("failed", 2L));
        assertThat(log.pendingCountByReason("none")).isEmpty();
    }

    @Test
    void claimTakesOnlyDueEntries() {
        long due = record("orders", "1", NOW);
        record("orders", "2", NOW.plusSeconds(10));

        assertThat(log.claim(10, NOW, LEASE)).extracting(ChangeEntry::id).containsExactly(due);
        assertThat(log.claim(10, NOW.plusSeconds(10), LEASE)).extracting(entry -> entry.record().key())
                .containsExactly("2");
    }

    @Test
    void claimedEntryIsHiddenUntilItsLeaseExpires() {
        long id = record("orders", "1", NOW);

        assertThat(log.claim(10, NOW, LEASE)).hasSize(1);
        assertThat(log.claim(10, NOW.plusSeconds(29), LEASE)).isEmpty();
        assertThat(log.claim(10, NOW.plus(LEASE), LEASE)).extracting(ChangeEntry::id).containsExactly(id);
    }

    @Test
    void claimRespectsTheLimit() {
        for (int i = 0; i < 5; i++) {
            record("orders", Integer.toString(i), NOW);
        }

        assertThat(log.claim(2, NOW, LEASE)).extracting(entry -> entry.record().key()).containsExactly("0", "1");
        assertThat(log.claim(10, NOW, LEASE)).extracting(entry -> entry.record().key()).containsExactly("2", "3", "4");
    }

    @Test
    void completeRemovesTheEntry() {
        long id = record("orders", "1", NOW);
        log.claim(10, NOW, LEASE);

        log.complete(id);
        log.complete(id);

        assertThat(log.pendingCount("orders")).isZero();
        assertThat(log.claim(10, NOW.plus(Duration.ofDays(1)), LEASE)).isEmpty();
    }

    @Test
    void retryLaterCountsAnAttemptAndReschedules() {
        long id = record("orders", "1", NOW);
        log.claim(10, NOW, LEASE);

        log.retryLater(id, NOW.plusSeconds(60), "new store down");

        assertThat(log.claim(10, NOW.plusSeconds(59), LEASE)).isEmpty();
        assertThat(log.claim(10, NOW.plusSeconds(60), LEASE)).singleElement().satisfies(entry -> {
            assertThat(entry.attempts()).isEqualTo(1);
            assertThat(entry.lastError()).isEqualTo("new store down");
            assertThat(entry.record().dueAt()).isEqualTo(NOW.plusSeconds(60));
        });
    }

    @Test
    void pendingCountIsPerMigration() {
        record("orders", "1", NOW);
        record("orders", "2", NOW);
        record("payments", "1", NOW);

        assertThat(log.pendingCount("orders")).isEqualTo(2);
        assertThat(log.pendingCount("payments")).isEqualTo(1);
        assertThat(log.pendingCount("refunds")).isZero();
    }

    @Test
    void concurrentClaimersNeverGetTheSameEntry() throws Exception {
        int entries = 2_000;
        for (int i = 0; i < entries; i++) {
            record("orders", Integer.toString(i), NOW);
        }
        int claimers = 2;
        CyclicBarrier start = new CyclicBarrier(claimers);
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        try {
            List<Future<List<Long>>> results = new ArrayList<>();
            for (int c = 0; c < claimers; c++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    List<ChangeEntry> batch;
                    while (!(batch = log.claim(3, NOW, LEASE)).isEmpty()) {
                        batch.forEach(entry -> mine.add(entry.id()));
                    }
                    return mine;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                all.addAll(result.get(30, TimeUnit.SECONDS));
            }
            Set<Long> distinct = new HashSet<>(all);
            assertThat(all).hasSize(entries);
            assertThat(distinct).hasSize(entries);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badClaimArgumentsAreRejected() {
        assertThatThrownBy(() -> log.claim(0, NOW, LEASE)).hasMessage("limit must be at least 1, but was 0");
        assertThatThrownBy(() -> log.claim(1, NOW, Duration.ZERO)).hasMessage("lease must be positive, but was PT0S");
    }

    @Test
    void scopedResyncsAreClaimedOnlyByClaimScopedOnceWithinTheLeaseAndCompleted() {
        long plain = record("orders", "1", NOW);
        long whole = log.record(ChangeRecord.scopedResync("orders", "orders", null, "truncate", Store.NEW, null)
                .withDueAt(NOW));
        long merchant = log.record(ChangeRecord.scopedResync("orders", "orders", "m-7", "procedure", Store.NEW, null)
                .withDueAt(NOW.plusSeconds(10)));

        assertThat(log.claim(10, NOW.plusSeconds(60), LEASE)).extracting(ChangeEntry::id).containsExactly(plain);
        List<ChangeEntry> scoped = log.claimScoped(10, NOW, LEASE);
        assertThat(scoped).extracting(ChangeEntry::id).containsExactly(whole);
        assertThat(scoped.get(0).record().key()).isEqualTo(ChangeRecord.WHOLE_TABLE);
        assertThat(log.claimScoped(10, NOW.plusSeconds(10), LEASE)).extracting(e -> e.record().key())
                .containsExactly("merchant=m-7");
        assertThat(log.claimScoped(10, NOW.plusSeconds(20), LEASE)).isEmpty();

        log.retryLater(merchant, NOW.plusSeconds(25), "2 rows still differ");
        assertThat(log.claimScoped(10, NOW.plusSeconds(25), LEASE)).singleElement()
                .satisfies(entry -> assertThat(entry.attempts()).isEqualTo(1))
                .satisfies(entry -> assertThat(entry.lastError()).isEqualTo("2 rows still differ"));
        log.complete(whole);
        log.complete(merchant);
        assertThat(log.entries()).extracting(ChangeEntry::id).containsExactly(plain);
        assertThatThrownBy(() -> log.claimScoped(0, NOW, LEASE)).hasMessageContaining("limit must be at least 1");
    }

    @Test
    void pendingKeysAreTheKeysOfATableWithAnEntryClaimedOrNotButNoScopedResync() {
        record("orders", "1", NOW);
        record("orders", "2", NOW.plusSeconds(60));
        record("payments", "3", NOW);
        log.record(new ChangeRecord("orders", "order_items", "4", Operation.UPDATE, "failed", Store.NEW, null, null, NOW));
        log.record(ChangeRecord.scopedResync("orders", "orders", null, "truncate", Store.NEW, null));
        log.claim(1, NOW, LEASE);

        assertThat(log.pendingKeys("orders", "ORDERS", List.of("1", "2", "3", "4", "5", "*")))
                .containsExactlyInAnyOrder("1", "2");
        assertThat(log.pendingKeys("payments", "orders", List.of("1", "2", "3"))).containsExactly("3");
        assertThat(log.pendingKeys("orders", "orders", List.of())).isEmpty();
    }

    @Test
    void aChangeLogThatCannotClaimScopedResyncsOrListPendingKeysSaysSo() {
        ChangeLog minimal = new ChangeLog() {
            @Override
            public long record(ChangeRecord record) {
                return 0;
            }

            @Override
            public List<ChangeEntry> claim(int limit, Instant now, Duration lease) {
                return List.of();
            }

            @Override
            public void complete(long id) {
            }

            @Override
            public void retryLater(long id, Instant dueAt, String error) {
            }

            @Override
            public long pendingCount(String migration) {
                return 0;
            }
        };
        assertThatThrownBy(() -> minimal.claimScoped(1, NOW, LEASE)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("cannot claim scoped resync entries");
        assertThatThrownBy(() -> minimal.pendingKeys("orders", "orders", List.of("1")))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("cannot list pending keys");
    }
}
