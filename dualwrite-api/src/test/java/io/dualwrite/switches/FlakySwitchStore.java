package io.dualwrite.switches;

import io.dualwrite.MigrationPhase;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/** An in-memory switch store whose reads fail on demand, counting every load. */
final class FlakySwitchStore implements SwitchStore {

    final SwitchStore delegate = SwitchStores.inMemory();
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger loads = new AtomicInteger();

    @Override
    public SwitchSettings load(String migration) {
        loads.incrementAndGet();
        if (failing.get()) {
            throw new IllegalStateException("switch table unreachable");
        }
        return delegate.load(migration);
    }

    @Override
    public void setSystemPhase(String migration, MigrationPhase phase) {
        delegate.setSystemPhase(migration, phase);
    }

    @Override
    public void setMerchantPhase(String migration, String merchantId, @Nullable MigrationPhase phase) {
        delegate.setMerchantPhase(migration, merchantId, phase);
    }

    @Override
    public void setOrderPhase(String migration, String orderId, @Nullable MigrationPhase phase) {
        delegate.setOrderPhase(migration, orderId, phase);
    }

    @Override
    public void setRules(String migration, List<SwitchRule> rules) {
        delegate.setRules(migration, rules);
    }
}
