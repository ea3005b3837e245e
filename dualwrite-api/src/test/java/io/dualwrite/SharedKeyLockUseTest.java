package io.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.StateWriteTest.MapStore;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.testing.FixedPhaseResolver;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link DualWriter}'s state form uses a {@link SharedKeyLock}: taken before the authoritative read with the
 * migration's time limit as its wait, released after the write, and a lock that fails keeps the sync from reading
 * or writing and leaves it recorded. (The JDBC module's tests run a real one across two writers.)
 */
class SharedKeyLockUseTest {

    private static final Duration TIME_LIMIT = Duration.ofSeconds(7);

    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final MapStore oldStore = new MapStore("old");
    private final MapStore newStore = new MapStore("new");
    private final List<String> steps = new CopyOnWriteArrayList<>();
    private DualWriter writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private DualWriter writer(SharedKeyLock lock) {
        writer = DualWriter.builder().resolver(new FixedPhaseResolver(MigrationPhase.DUAL_WRITE)).changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).timeLimit(TIME_LIMIT).build())
                .sharedKeyLock(lock).build();
        return writer;
    }

    private static MigrationContext context() {
        return MigrationContext.forMigration("balances").orderId("k-1").build();
    }

    private static RowRef row() {
        return new RowRef("balance", "k-1", Operation.UPSERT);
    }

    private StoreWrite<Integer, RuntimeException> put(int value) {
        return store -> (store == Store.OLD ? oldStore : newStore).values.put("k-1", value);
    }

    @Test
    void theLockIsHeldFromBeforeTheReadUntilAfterTheWriteWithTheTimeLimitAsItsWait() {
        newStore.beforeWriting = () -> steps.add("write");
        StateSync<Integer> sync = StateSync.of(new Recording(oldStore), newStore);
        writer((migration, table, key, wait) -> {
            steps.add("lock " + migration + "/" + table + "/" + key + " " + wait);
            return () -> steps.add("release");
        });

        writer.writeState(context(), row(), put(5), sync);

        assertThat(steps).containsExactly("lock balances/balance/k-1 PT7S", "read", "write", "release");
        assertThat(newStore.values).isEqualTo(oldStore.values).containsEntry("k-1", 5);
        assertThat(changeLog.pendingCount("balances")).isZero();
    }

    @Test
    void aLockThatIsNotGrantedKeepsTheSyncFromTouchingEitherStoreAndRecordsIt() {
        writer((migration, table, key, wait) -> {
            throw new IOException("lock not granted within " + wait);
        });

        Integer previous = writer.writeState(context(), row(), put(5), StateSync.of(new Recording(oldStore), newStore));

        assertThat(previous).as("the caller's own result").isNull();
        assertThat(steps).doesNotContain("read");
        assertThat(newStore.values).isEmpty();
        assertThat(changeLog.pendingKeys("balances", "balance", List.of("k-1"))).containsExactly("k-1");
    }

    @Test
    void aFailedReleaseIsRecordedAndItsRepairCopiesTheKeyAgain() throws Exception {
        boolean[] failRelease = {true};
        writer((migration, table, key, wait) -> () -> {
            if (failRelease[0]) {
                throw new IOException("release failed");
            }
        });
        StateSync<Integer> sync = StateSync.of(oldStore, newStore);

        writer.writeState(context(), row(), put(5), sync);

        assertThat(newStore.values).containsEntry("k-1", 5);
        assertThat(changeLog.pendingKeys("balances", "balance", List.of("k-1"))).containsExactly("k-1");
        failRelease[0] = false;
        oldStore.values.put("k-1", 6);
        writer.syncKey("balances", row(), Store.NEW, sync);
        assertThat(newStore.values).isEqualTo(oldStore.values);
    }

    @Test
    void aLockThatReturnsNoHoldIsAFailedSyncNamingIt() throws Exception {
        writer((migration, table, key, wait) -> null);

        assertThatThrownBy(() -> writer.syncKey("balances", row(), Store.NEW, StateSync.of(oldStore, newStore)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null from acquire()");
        assertThatThrownBy(() -> DualWriter.builder().sharedKeyLock(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sharedKeyLock");
    }

    /** A store that notes its reads in {@link #steps}. */
    private final class Recording implements KeyedStore<Integer> {
        private final MapStore store;

        Recording(MapStore store) {
            this.store = store;
        }

        @Override
        public java.util.Optional<Integer> read(String key) throws IOException {
            steps.add("read");
            return store.read(key);
        }

        @Override
        public void upsert(String key, Integer value) throws IOException {
            store.upsert(key, value);
        }

        @Override
        public void delete(String key) throws IOException {
            store.delete(key);
        }
    }
}
