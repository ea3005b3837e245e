package io.dualwrite.jdbc;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.switches.PhaseResolver;
import io.dualwrite.switches.Resolution;
import io.dualwrite.switches.SwitchScope;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Test double: a system phase plus phases per merchant. */
final class FixedPhaseResolver implements PhaseResolver {

    volatile MigrationPhase system;
    final Map<String, MigrationPhase> merchants = new ConcurrentHashMap<>();

    FixedPhaseResolver(MigrationPhase system) {
        this.system = system;
    }

    @Override
    public Resolution resolveWrite(MigrationContext context) {
        return resolveRead(context);
    }

    @Override
    public Resolution resolveRead(MigrationContext context) {
        MigrationPhase merchant = context.merchantId().map(merchants::get).orElse(null);
        return merchant != null ? new Resolution(merchant, SwitchScope.MERCHANT_SWITCH)
                : new Resolution(system, SwitchScope.SYSTEM);
    }
}
