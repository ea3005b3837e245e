package io.dualwrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.mirror.MirrorConfig;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.testing.FixedPhaseResolver;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What a new user gets wrong in the first hour with the programmatic API, refused at start-up by name. */
class FirstHourBreakTest {

    private final Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
            .migration(MigrationSwitchConfig.of("orders")).migration(MigrationSwitchConfig.of("payments")).build();

    @Test
    void aMirrorConfigForAMigrationTheSwitchboardDoesNotKnowIsRefusedAtBuildNamingTheKnownOnesAndTheFix() {
        DualWriter.Builder builder = DualWriter.builder().resolver(switchboard).changeLog(ChangeLogs.inMemory())
                .mirrorConfig("ordres", MirrorConfig.ofDefaults());

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mirrorConfig(migration, config)")
                .hasMessageContaining("migration 'ordres' is not configured")
                .hasMessageContaining("[orders, payments]")
                .hasMessageContaining("MigrationSwitchConfig.of(\"ordres\")");
    }

    @Test
    void aMirrorConfigForAKnownMigrationBuilds() {
        try (DualWriter writer = DualWriter.builder().resolver(switchboard).changeLog(ChangeLogs.inMemory())
                .mirrorConfig("payments", MirrorConfig.custom().lanes(2).build()).build()) {
            assertThat(writer.mirrorConfig("payments").lanes()).isEqualTo(2);
        }
    }

    @Test
    void aResolverThatDoesNotListItsMigrationsAcceptsAnyNonBlankName() {
        FixedPhaseResolver fixed = new FixedPhaseResolver(MigrationPhase.DUAL_WRITE);

        assertThat(fixed.requireKnownMigration("migration", "anything")).isEqualTo("anything");
        assertThatThrownBy(() -> fixed.requireKnownMigration("migration", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("migration must be a non-blank id, but was ' '");
    }

    @Test
    void theSwitchboardsOwnCheckNamesTheSettingTheNameCameFrom() {
        assertThatThrownBy(() -> switchboard.requireKnownMigration("dualwrite.jdbc.migration", "invoices"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("dualwrite.jdbc.migration: migration 'invoices' is not configured;"
                        + " configured migrations are [orders, payments]");
        assertThatThrownBy(() -> switchboard.requireKnownMigration("migration", null))
                .hasMessage("migration must be a non-blank id, but was null");
        assertThat(switchboard.requireKnownMigration("migration", "orders")).isEqualTo("orders");
    }

    @Test
    void everyDualWriterBuilderSetterRefusesNullAtOnceNamingTheArgument() {
        assertRefusesNull("resolver", b -> b.resolver(null));
        assertRefusesNull("changeLog", b -> b.changeLog(null));
        assertRefusesNull("observer", b -> b.observer(null));
        assertRefusesNull("mirrorConfig", b -> b.mirrorConfig(null));
        assertRefusesNull("mirrorConfig", b -> b.mirrorConfig("orders", null));
    }

    @Test
    void mirrorConfigBuilderSettersRefuseNullNamingTheArgument() {
        assertThatThrownBy(() -> MirrorConfig.custom().mode(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("mode must not be null");
        assertThatThrownBy(() -> MirrorConfig.custom().changeLogMode(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("changeLogMode must not be null");
        assertThatThrownBy(() -> MirrorConfig.custom().timeLimit(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("timeLimit");
    }

    @Test
    void factoriesAndCopiesRefuseNullNamingTheArgument() {
        assertThatThrownBy(() -> io.dualwrite.switches.SwitchRule.merchantPercentage(5, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("phase must not be null");
        assertThatThrownBy(() -> io.dualwrite.switches.SwitchRule.idThreshold(1_000, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("phase must not be null");
        assertThatThrownBy(() -> MigrationSwitchConfig.from(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("base must not be null");
        assertThatThrownBy(() -> MirrorConfig.from(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("base must not be null");
        assertThatThrownBy(() -> io.dualwrite.mirror.MirrorExecutors.create("to-new", null, ChangeLogs.inMemory(),
                io.dualwrite.mirror.MirrorObserver.NOOP))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("config must not be null");
        assertThatThrownBy(() -> io.dualwrite.mirror.MirrorExecutors.create("to-new", MirrorConfig.ofDefaults(), null,
                io.dualwrite.mirror.MirrorObserver.NOOP))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("changeLog must not be null");
    }

    @Test
    void aContextCopyRefusesANullOrBlankOrderIdLikeTheBuilder() {
        MigrationContext context = MigrationContext.forMigration("orders").merchantId("m-1").build();

        assertThatThrownBy(() -> context.withOrderId(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("orderId must be a non-blank id, but was null");
        assertThatThrownBy(() -> context.withOrderId(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("orderId must be a non-blank id, but was ' '");
        assertThat(context.withOrderId("o-1").orderId()).contains("o-1");
    }

    private static void assertRefusesNull(String argument, Consumer<DualWriter.Builder> setter) {
        assertThatThrownBy(() -> setter.accept(DualWriter.builder()))
                .as(argument)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(argument + " must not be null");
    }
}
