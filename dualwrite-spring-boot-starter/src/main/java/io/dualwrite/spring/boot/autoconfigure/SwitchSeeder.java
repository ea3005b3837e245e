package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.MigrationPhase;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.Switchboard;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Writes the merchant, order and rule switches given as properties into the switch store, once every singleton
 * exists (so the store's database is reachable without a bean cycle). A switch the store already holds wins over
 * the property, so a restart never undoes an operator's flip; that case is logged at INFO. The system phase is
 * not written: it is the migration's default, which applies while the store holds none.
 */
final class SwitchSeeder implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(SwitchSeeder.class);

    private final DualWriteProperties properties;
    private final Switchboard switchboard;
    private final Map<String, List<SwitchRule>> rules = new LinkedHashMap<>();

    SwitchSeeder(DualWriteProperties properties, Switchboard switchboard) {
        this.properties = properties;
        this.switchboard = switchboard;
        properties.getMigrations().forEach((name, migration) -> rules.put(name, DualWriteSettings.rules(name, migration)));
    }

    @Override
    public void afterSingletonsInstantiated() {
        SwitchStore store = switchboard.switchStore();
        properties.getMigrations().forEach((name, migration) -> {
            SwitchSettings stored = store.load(name);
            migration.getMerchants().forEach((merchant, phase) -> {
                MigrationPhase held = stored.merchantPhases().get(merchant);
                if (held == null) {
                    store.setMerchantPhase(name, merchant, phase);
                } else if (held != phase) {
                    log.info("dualwrite.migrations.{}.merchants.{}={} not applied: the switch store holds {} for"
                            + " this merchant, and a stored switch wins", name, merchant, phase, held);
                }
            });
            migration.getOrders().forEach((order, phase) -> {
                MigrationPhase held = stored.orderPhases().get(order);
                if (held == null) {
                    store.setOrderPhase(name, order, phase);
                } else if (held != phase) {
                    log.info("dualwrite.migrations.{}.orders.{}={} not applied: the switch store holds {} for"
                            + " this order, and a stored switch wins", name, order, phase, held);
                }
            });
            List<SwitchRule> configured = rules.get(name);
            if (!configured.isEmpty()) {
                if (stored.rules().isEmpty()) {
                    store.setRules(name, configured);
                } else if (!stored.rules().equals(configured)) {
                    log.info("dualwrite.migrations.{}.rules not applied: the switch store holds other rules {},"
                            + " and stored rules win", name, stored.rules());
                }
            }
        });
    }
}
