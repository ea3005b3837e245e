package io.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.changelog.ChangeEntry;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.testing.FixedPhaseResolver;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Round 22, the programmatic API in the switch-refresh window: a write resolved under a phase that does not mirror
 * ({@code OLD_ONLY}, {@code NEW_ONLY}) whose call lands after the switch moved into mirroring and after a backfill
 * read the key (the call waited for a lock). Before the fix nothing asked the phase again: the other store kept the
 * backfill's older copy, nothing recorded. Now the row is recorded ({@code phase-moved}) and {@link DualWriter#syncKey}
 * repairs it. In-memory stores, as the state form's other tests; each test ends comparing both stores key by key.
 */
class DualWriterSwitchWindowBreak22Test {

    private static final String MIGRATION = "balances";
    private static final RowRef ROW = new RowRef("balance", "k-1", Operation.UPSERT);
    private static final MigrationContext CONTEXT = MigrationContext.forMigration(MIGRATION).merchantId("m-1").build();

    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private final Map<String, Integer> oldValues = new ConcurrentHashMap<>(Map.of("k-1", 1));
    private final Map<String, Integer> newValues = new ConcurrentHashMap<>();
    private DualWriter writer;

    @AfterEach
    void tearDown() {
        if (writer != null) {
            writer.close();
        }
    }

    private KeyedStore<Integer> store(Map<String, Integer> values) {
        return new KeyedStore<>() {
            @Override
            public Optional<Integer> read(String key) {
                return Optional.ofNullable(values.get(key));
            }

            @Override
            public void upsert(String key, Integer value) {
                values.put(key, value);
            }

            @Override
            public void delete(String key) {
                values.remove(key);
            }
        };
    }

    private DualWriter writer(FixedPhaseResolver resolver) {
        writer = DualWriter.builder().resolver(resolver).changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build()).build();
        return writer;
    }

    /**
     * While the application's call runs: the switch moves to {@code to}, and a backfill copies the key from
     * {@code from} into the other store (it reads before the call's write); then the call writes {@code value}.
     */
    private void moveAndBackfillDuringTheCall(FixedPhaseResolver resolver, MigrationPhase to, Store from, int value) {
        resolver.phase = to;
        Map<String, Integer> source = from == Store.OLD ? oldValues : newValues;
        Map<String, Integer> target = from == Store.OLD ? newValues : oldValues;
        target.put("k-1", source.get("k-1"));
        source.put("k-1", value);
    }

    /** What an operator does with the entries: syncKey each into its target, then complete it. */
    private void repairRecorded(DualWriter writer) throws Exception {
        StateSync<Integer> sync = StateSync.of(store(oldValues), store(newValues));
        for (ChangeEntry entry : changeLog.entries()) {
            writer.syncKey(entry.record().migration(), entry.record().row(), entry.record().target(), sync);
            changeLog.complete(entry.id());
        }
    }

    private void assertRecordedAsMoved(Store target) {
        assertThat(changeLog.entries()).extracting(entry -> entry.record().key() + " " + entry.record().reason() + " "
                + entry.record().target()).containsExactly("k-1 phase-moved " + target);
    }

    @Test
    void aStateWriteUnderOldOnlyThatLandsAfterAMoveToDualWriteIsRecorded() throws Exception {
        FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.OLD_ONLY);
        DualWriter writer = writer(resolver);
        StateSync<Integer> sync = StateSync.of(store(oldValues), store(newValues));

        writer.writeState(CONTEXT, ROW, store -> {
            moveAndBackfillDuringTheCall(resolver, MigrationPhase.DUAL_WRITE, Store.OLD, 2);
            return null;
        }, sync);

        assertRecordedAsMoved(Store.NEW);
        repairRecorded(writer);
        assertThat(new TreeMap<>(newValues)).isEqualTo(new TreeMap<>(oldValues)).containsEntry("k-1", 2);
    }

    @Test
    void aWriteUnderNewOnlyThatLandsAfterAMoveToNewPrimaryIsRecorded() throws Exception {
        FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.NEW_ONLY);
        DualWriter writer = writer(resolver);
        newValues.put("k-1", 1);

        writer.write(CONTEXT, ROW, () -> oldValues.put("k-1", 99), () -> {
            moveAndBackfillDuringTheCall(resolver, MigrationPhase.NEW_PRIMARY, Store.NEW, 3);
            return null;
        });

        assertRecordedAsMoved(Store.OLD);
        repairRecorded(writer);
        assertThat(new TreeMap<>(oldValues)).isEqualTo(new TreeMap<>(newValues)).containsEntry("k-1", 3);
    }

    // the call fails after its write landed (an answer lost after the commit): recorded all the same, and the caller
    // gets its exception unchanged
    @Test
    void aFailedCallUnderOldOnlyThatMayHaveWrittenAfterAMoveIsRecordedAndItsExceptionReachesTheCaller()
            throws Exception {
        FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.OLD_ONLY);
        DualWriter writer = writer(resolver);
        IllegalStateException lost = new IllegalStateException("connection reset after the commit");

        assertThatThrownBy(() -> writer.write(CONTEXT, ROW, () -> {
            moveAndBackfillDuringTheCall(resolver, MigrationPhase.DUAL_WRITE, Store.OLD, 4);
            throw lost;
        }, () -> newValues.put("k-1", 99))).isSameAs(lost);

        assertRecordedAsMoved(Store.NEW);
        repairRecorded(writer);
        assertThat(new TreeMap<>(newValues)).isEqualTo(new TreeMap<>(oldValues)).containsEntry("k-1", 4);
    }

    // held: a phase that did not move records nothing, and a move that does not mirror (OLD_ONLY -> NEW_ONLY is no
    // such move, so OLD_ONLY stays) neither
    @Test
    void aWriteWhosePhaseDidNotMoveRecordsNothing() throws Exception {
        FixedPhaseResolver resolver = new FixedPhaseResolver(MigrationPhase.OLD_ONLY);
        DualWriter writer = writer(resolver);
        writer.write(CONTEXT, ROW, () -> oldValues.put("k-1", 5), () -> newValues.put("k-1", 99));
        assertThat(changeLog.entries()).isEmpty();
        assertThat(oldValues).containsEntry("k-1", 5);
        assertThat(newValues).isEmpty();
    }
}
