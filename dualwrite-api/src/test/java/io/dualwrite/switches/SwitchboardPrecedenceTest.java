package io.dualwrite.switches;

import static io.dualwrite.MigrationPhase.DUAL_WRITE;
import static io.dualwrite.MigrationPhase.NEW_ONLY;
import static io.dualwrite.MigrationPhase.NEW_PRIMARY;
import static io.dualwrite.MigrationPhase.OLD_ONLY;
import static io.dualwrite.MigrationPhase.SHADOW_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SwitchboardPrecedenceTest {

    private final SwitchStore store = SwitchStores.inMemory();
    private final OrderPinStore pins = OrderPinStores.inMemory();
    private final Switchboard switchboard = Switchboard.builder()
            .cachedSwitchStore(store) // read through, so every change is seen at once
            .orderPinStore(pins)
            .migration(MigrationSwitchConfig.builder("orders").pinning(true).build())
            .migration(MigrationSwitchConfig.builder("payments").defaultPhase(DUAL_WRITE).build())
            .build();

    private static MigrationContext order(String orderId, String merchantId) {
        return MigrationContext.forMigration("orders").orderId(orderId).merchantId(merchantId).build();
    }

    private Resolution read(MigrationContext context) {
        return switchboard.resolveRead(context);
    }

    @Test
    void orderSwitchBeatsPin() {
        pins.pinIfAbsent("orders", "o-1", "m-1", DUAL_WRITE);
        store.setOrderPhase("orders", "o-1", SHADOW_READ);

        assertThat(read(order("o-1", "m-1"))).isEqualTo(new Resolution(SHADOW_READ, SwitchScope.ORDER_SWITCH));
        assertThat(switchboard.resolveWrite(order("o-1", "m-1")))
                .isEqualTo(new Resolution(SHADOW_READ, SwitchScope.ORDER_SWITCH));
    }

    @Test
    void pinBeatsMerchantSwitch() {
        pins.pinIfAbsent("orders", "o-1", "m-1", DUAL_WRITE);
        store.setMerchantPhase("orders", "m-1", NEW_PRIMARY);

        assertThat(read(order("o-1", "m-1"))).isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.ORDER_PIN));
        assertThat(read(order("o-2", "m-1"))).isEqualTo(new Resolution(NEW_PRIMARY, SwitchScope.MERCHANT_SWITCH));
    }

    @Test
    void merchantSwitchBeatsRules() {
        store.setRules("orders", List.of(SwitchRule.merchantPercentage(100, SHADOW_READ)));
        store.setMerchantPhase("orders", "m-1", DUAL_WRITE);

        assertThat(read(order("o-1", "m-1"))).isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.MERCHANT_SWITCH));
        assertThat(read(order("o-1", "m-2"))).isEqualTo(new Resolution(SHADOW_READ, SwitchScope.RULE));
    }

    @Test
    void rulesBeatSystem() {
        store.setSystemPhase("orders", DUAL_WRITE);
        store.setRules("orders", List.of(SwitchRule.idThreshold(1_000, NEW_PRIMARY)));

        assertThat(read(order("1000", "m-1"))).isEqualTo(new Resolution(NEW_PRIMARY, SwitchScope.RULE));
        assertThat(read(order("999", "m-1"))).isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.SYSTEM));
    }

    @Test
    void firstApplicableRuleInListOrderWins() {
        store.setRules("orders", List.of(
                SwitchRule.idThreshold(5_000, NEW_ONLY),
                SwitchRule.idThreshold(1_000, NEW_PRIMARY),
                SwitchRule.merchantPercentage(100, DUAL_WRITE)));

        assertThat(read(order("6000", "m-1")).phase()).isEqualTo(NEW_ONLY);
        assertThat(read(order("2000", "m-1")).phase()).isEqualTo(NEW_PRIMARY);
        assertThat(read(order("10", "m-1")).phase()).isEqualTo(DUAL_WRITE);

        store.setRules("orders", List.of(
                SwitchRule.merchantPercentage(100, DUAL_WRITE),
                SwitchRule.idThreshold(1_000, NEW_PRIMARY)));
        assertThat(read(order("6000", "m-1")).phase()).isEqualTo(DUAL_WRITE);
    }

    @Test
    void percentageBucketIsStableAndMonotoneAsThePercentRises() {
        List<String> merchants = IntStream.range(0, 1_000).mapToObj(i -> "merchant-" + i).toList();
        Set<String> previous = Set.of();
        for (int percent : new int[] {0, 5, 10, 25, 50, 90, 100}) {
            store.setRules("orders", List.of(SwitchRule.merchantPercentage(percent, DUAL_WRITE)));
            Set<String> in = merchants.stream()
                    .filter(m -> read(MigrationContext.forMigration("orders").merchantId(m).build()).phase() == DUAL_WRITE)
                    .collect(Collectors.toSet());
            Set<String> again = merchants.stream()
                    .filter(m -> read(MigrationContext.forMigration("orders").merchantId(m).build()).phase() == DUAL_WRITE)
                    .collect(Collectors.toSet());
            assertThat(again).as("stable at %d%%", percent).isEqualTo(in);
            assertThat(in).as("keeps every merchant already in at %d%%", percent).containsAll(previous);
            assertThat(in.size()).as("share at %d%%", percent).isBetween(percent * 10 - 60, percent * 10 + 60);
            previous = in;
        }
        assertThat(previous).hasSize(merchants.size());
        assertThat(SwitchRule.bucketOf("merchant-42")).as("the same on every run").isEqualTo(SwitchRule.bucketOf("merchant-42"));
    }

    @Test
    void percentageRuleSkipsCallsWithoutMerchant() {
        store.setRules("orders", List.of(SwitchRule.merchantPercentage(100, DUAL_WRITE)));
        assertThat(read(MigrationContext.forMigration("orders").orderId("o-1").build()))
                .isEqualTo(new Resolution(OLD_ONLY, SwitchScope.SYSTEM));
    }

    @Test
    void idThresholdIncludesTheThresholdAndSkipsNonNumericIds() {
        store.setRules("orders", List.of(SwitchRule.idThreshold(1_000_000, NEW_PRIMARY)));

        assertThat(read(order("1000000", "m")).phase()).isEqualTo(NEW_PRIMARY);
        assertThat(read(order("1000001", "m")).phase()).isEqualTo(NEW_PRIMARY);
        assertThat(read(order("999999", "m")).phase()).isEqualTo(OLD_ONLY);
        assertThat(read(order("ORD-2000000", "m"))).isEqualTo(new Resolution(OLD_ONLY, SwitchScope.SYSTEM));
        assertThat(read(order("99999999999999999999", "m")).phase()).as("beyond long").isEqualTo(OLD_ONLY);
        assertThat(read(MigrationContext.forMigration("orders").merchantId("m").build()).phase())
                .as("no order id").isEqualTo(OLD_ONLY);
    }

    @Test
    void systemUsesConfiguredDefaultUntilOneIsStored() {
        assertThat(read(order("o-1", "m-1"))).isEqualTo(new Resolution(OLD_ONLY, SwitchScope.SYSTEM));
        assertThat(read(MigrationContext.forMigration("payments").build()))
                .isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.SYSTEM));

        store.setSystemPhase("orders", SHADOW_READ);
        assertThat(read(order("o-1", "m-1"))).isEqualTo(new Resolution(SHADOW_READ, SwitchScope.SYSTEM));
        assertThat(switchboard.systemPhase("orders")).isEqualTo(SHADOW_READ);
        assertThat(switchboard.systemPhase("payments")).isEqualTo(DUAL_WRITE);
    }

    @Test
    void twoMigrationsAreInDifferentPhases() {
        store.setSystemPhase("orders", NEW_PRIMARY);
        store.setSystemPhase("payments", OLD_ONLY);
        store.setMerchantPhase("payments", "m-1", DUAL_WRITE);

        assertThat(read(MigrationContext.forMigration("orders").merchantId("m-1").build()).phase())
                .isEqualTo(NEW_PRIMARY);
        assertThat(read(MigrationContext.forMigration("payments").merchantId("m-1").build()).phase())
                .isEqualTo(DUAL_WRITE);
        assertThat(read(MigrationContext.forMigration("payments").merchantId("m-2").build()).phase())
                .isEqualTo(OLD_ONLY);
    }

    @Test
    void merchantPhaseIsMerchantSwitchElseRulesElseSystem() {
        store.setSystemPhase("orders", DUAL_WRITE);
        assertThat(switchboard.merchantPhase("orders", "m-1")).isEqualTo(new Resolution(DUAL_WRITE, SwitchScope.SYSTEM));
        store.setRules("orders", List.of(SwitchRule.merchantPercentage(100, SHADOW_READ)));
        assertThat(switchboard.merchantPhase("orders", "m-1")).isEqualTo(new Resolution(SHADOW_READ, SwitchScope.RULE));
        store.setMerchantPhase("orders", "m-1", NEW_PRIMARY);
        assertThat(switchboard.merchantPhase("orders", "m-1"))
                .isEqualTo(new Resolution(NEW_PRIMARY, SwitchScope.MERCHANT_SWITCH));
    }

    @Test
    void unconfiguredMigrationIsRejectedNamingTheConfiguredOnes() {
        assertThatThrownBy(() -> read(MigrationContext.forMigration("invoices").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("migration 'invoices' is not configured; configured migrations are [orders, payments]");
    }

    @Test
    void resolvingReturnsSharedResolutionInstances() {
        MigrationContext context = order("o-1", "m-1");
        assertThat(read(context)).isSameAs(read(context));
        for (MigrationPhase phase : MigrationPhase.values()) {
            store.setSystemPhase("payments", phase);
            assertThat(read(MigrationContext.forMigration("payments").build()).phase()).isEqualTo(phase);
        }
    }
}
