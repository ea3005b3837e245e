package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.internal.Checks;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Order pins held in this JVM only; {@link #pinIfAbsent} is atomic within it. */
final class InMemoryOrderPinStore implements OrderPinStore {

    private record Pin(MigrationPhase phase, @Nullable String merchantId) {
    }

    private final ConcurrentMap<String, ConcurrentMap<String, Pin>> pins = new ConcurrentHashMap<>();

    @Override
    public Optional<MigrationPhase> find(String migration, String orderId) {
        return pin(migration, orderId).map(Pin::phase);
    }

    @Override
    public Optional<String> merchantOf(String migration, String orderId) {
        return pin(migration, orderId).map(Pin::merchantId);
    }

    private Optional<Pin> pin(String migration, String orderId) {
        Checks.requireId("migration", migration);
        Checks.requireId("orderId", orderId);
        ConcurrentMap<String, Pin> ofMigration = pins.get(migration);
        return Optional.ofNullable(ofMigration == null ? null : ofMigration.get(orderId));
    }

    @Override
    public MigrationPhase pinIfAbsent(String migration, String orderId, @Nullable String merchantId,
            MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("orderId", orderId);
        Checks.optionalId("merchantId", merchantId);
        Checks.requireNonNull("phase", phase);
        Pin candidate = new Pin(phase, merchantId);
        Pin existing = ofMigration(migration).putIfAbsent(orderId, candidate);
        return existing == null ? phase : existing.phase();
    }

    @Override
    public void repin(String migration, String orderId, MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("orderId", orderId);
        Checks.requireNonNull("phase", phase);
        ofMigration(migration).compute(orderId,
                (key, old) -> new Pin(phase, old == null ? null : old.merchantId()));
    }

    @Override
    public int repinMerchant(String migration, String merchantId, MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireId("merchantId", merchantId);
        Checks.requireNonNull("phase", phase);
        return repinWhere(migration, phase, pin -> merchantId.equals(pin.merchantId()));
    }

    @Override
    public int repinAll(String migration, MigrationPhase phase) {
        Checks.requireId("migration", migration);
        Checks.requireNonNull("phase", phase);
        return repinWhere(migration, phase, pin -> true);
    }

    @Override
    public void unpin(String migration, String orderId) {
        Checks.requireId("migration", migration);
        Checks.requireId("orderId", orderId);
        ofMigration(migration).remove(orderId);
    }

    @Override
    public Map<MigrationPhase, Long> pinCounts(String migration) {
        Checks.requireId("migration", migration);
        Map<MigrationPhase, Long> counts = new EnumMap<>(MigrationPhase.class);
        ConcurrentMap<String, Pin> ofMigration = pins.get(migration);
        if (ofMigration != null) {
            ofMigration.values().forEach(pin -> counts.merge(pin.phase(), 1L, Long::sum));
        }
        return counts;
    }

    @Override
    public String toString() {
        return "InMemoryOrderPinStore" + pins.keySet();
    }

    private int repinWhere(String migration, MigrationPhase phase, Predicate<Pin> selected) {
        ConcurrentMap<String, Pin> ofMigration = ofMigration(migration);
        AtomicInteger count = new AtomicInteger();
        for (String orderId : ofMigration.keySet()) {
            // computeIfPresent runs the function once per key, under the key's lock: each pin counts once.
            ofMigration.computeIfPresent(orderId, (key, pin) -> {
                if (!selected.test(pin)) {
                    return pin;
                }
                count.incrementAndGet();
                return new Pin(phase, pin.merchantId());
            });
        }
        return count.get();
    }

    private ConcurrentMap<String, Pin> ofMigration(String migration) {
        return pins.computeIfAbsent(Checks.requireId("migration", migration), key -> new ConcurrentHashMap<>());
    }
}
