package io.dualwrite.examples;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.changelog.RowRef;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.mirror.MirrorMode;
import io.dualwrite.switches.GateVerdict;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.OrderPinStores;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.PhaseMoveRefusedException;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The store-agnostic entry point: any two stores (here two maps standing for an old and a new key-value
 * store) written through {@link DualWriter}, with a merchant switched to {@code DUAL_WRITE}, a failing
 * new store that never reaches the caller, and the phase gate refusing to go further until the backlog
 * is drained. {@code ProgrammaticQuickStartTest} runs it.
 */
public final class ProgrammaticQuickStart {

    /** What the run saw, for the test and the console. */
    public record Outcome(Map<String, String> oldStore, Map<String, String> newStore, long backlogAfterOutage,
                          String refusal, GateVerdict verdictAfterRepair) {
    }

    private ProgrammaticQuickStart() {
    }

    public static Outcome run() {
        Map<String, String> oldStore = new ConcurrentHashMap<>();
        Map<String, String> newStore = new ConcurrentHashMap<>();
        AtomicBoolean newStoreDown = new AtomicBoolean();

        InMemoryChangeLog changeLog = ChangeLogs.inMemory();
        Switchboard switchboard = Switchboard.builder()
                .switchStore(SwitchStores.inMemory())
                .orderPinStore(OrderPinStores.inMemory())
                .migration(MigrationSwitchConfig.builder("profiles").defaultPhase(MigrationPhase.OLD_ONLY)
                        .pinning(true).build())
                .build();
        SwitchAdmin admin = SwitchAdmin.of(switchboard,
                PhaseGate.standard(changeLog::pendingCount, migration -> VerificationStatus.CLEAN));

        try (DualWriter writer = DualWriter.builder()
                .resolver(switchboard)
                .changeLog(changeLog)
                .mirrorConfig(MirrorConfig.custom().mode(MirrorMode.SYNC).build())
                .build()) {

            // Gray release: merchant m-1 double-writes, every other merchant stays on the old store.
            admin.moveMerchant("profiles", "m-1", MigrationPhase.DUAL_WRITE, false);
            put(writer, oldStore, newStore, newStoreDown, "m-1", "o-1", "paid");
            put(writer, oldStore, newStore, newStoreDown, "m-2", "o-2", "paid");

            // The new store fails: the caller does not notice, the change log remembers.
            newStoreDown.set(true);
            put(writer, oldStore, newStore, newStoreDown, "m-1", "o-3", "shipped");
            long backlog = changeLog.pendingCount("profiles");

            // Moving m-1 to NEW_PRIMARY is refused while the backlog is not empty.
            String refusal;
            try {
                admin.moveMerchant("profiles", "m-1", MigrationPhase.NEW_PRIMARY, false);
                refusal = "(not refused)";
            } catch (PhaseMoveRefusedException refused) {
                refusal = refused.verdict().reason();
            }

            // Repair (what the reconciler does for a database): copy each recorded key, old wins.
            newStoreDown.set(false);
            changeLog.claim(100, java.time.Instant.now(), java.time.Duration.ofMinutes(1)).forEach(entry -> {
                newStore.put(entry.record().key(), oldStore.get(entry.record().key()));
                changeLog.complete(entry.id());
            });
            GateVerdict verdict = admin.moveMerchant("profiles", "m-1", MigrationPhase.NEW_PRIMARY, false);
            return new Outcome(Map.copyOf(oldStore), Map.copyOf(newStore), backlog, refusal, verdict);
        }
    }

    private static void put(DualWriter writer, Map<String, String> oldStore, Map<String, String> newStore,
                            AtomicBoolean newStoreDown, String merchant, String order, String status) {
        MigrationContext context = MigrationContext.forMigration("profiles").merchantId(merchant).orderId(order).build();
        writer.write(context, new RowRef("profiles", order, Operation.UPSERT),
                () -> oldStore.put(order, status),
                () -> {
                    if (newStoreDown.get()) {
                        throw new IllegalStateException("new store unavailable");
                    }
                    return newStore.put(order, status);
                });
    }

    public static void main(String[] args) {
        Outcome outcome = run();
        System.out.println("old store:  " + outcome.oldStore());
        System.out.println("new store:  " + outcome.newStore());
        System.out.println("backlog after the outage: " + outcome.backlogAfterOutage());
        System.out.println("gate while the backlog was open: " + outcome.refusal());
        System.out.println("gate after repair: " + outcome.verdictAfterRepair());
    }
}
