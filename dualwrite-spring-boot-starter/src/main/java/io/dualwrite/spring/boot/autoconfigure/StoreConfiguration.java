package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.DualWriter;
import io.dualwrite.SharedKeyLock;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.changelog.JdbcChangeLog;
import io.dualwrite.jdbc.switches.JdbcOrderPinStore;
import io.dualwrite.jdbc.switches.JdbcSwitchStore;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mirror.MirrorObserver;
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.OrderPinStores;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationProbe;
import io.dualwrite.switches.VerificationStatus;
import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The switch, order-pin and change-log stores, the switchboard, the phase gate and the {@link DualWriter}.
 * Building any of them never connects to a database (see {@link StoreDataSources}); the switches given as
 * properties are written by {@link SwitchSeeder} once every singleton exists.
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Bean
    @ConditionalOnMissingBean
    StoreDataSources dualwriteStoreDataSources(BeanFactory beanFactory, DualWriteProperties properties) {
        return new StoreDataSources(beanFactory, properties);
    }

    @Bean
    @ConditionalOnMissingBean(SwitchStore.class)
    @ConditionalOnProperty(prefix = "dualwrite.stores", name = "switches", havingValue = "jdbc")
    JdbcSwitchStore dualwriteJdbcSwitchStore(StoreDataSources stores) {
        return JdbcSwitchStore.create(stores.libraryTables());
    }

    @Bean
    @ConditionalOnMissingBean(SwitchStore.class)
    @ConditionalOnProperty(prefix = "dualwrite.stores", name = "switches", havingValue = "memory", matchIfMissing = true)
    SwitchStore dualwriteSwitchStore() {
        return SwitchStores.inMemory();
    }

    @Bean
    @ConditionalOnMissingBean(OrderPinStore.class)
    @ConditionalOnProperty(prefix = "dualwrite.stores", name = "pins", havingValue = "jdbc")
    JdbcOrderPinStore dualwriteJdbcOrderPinStore(StoreDataSources stores) {
        return JdbcOrderPinStore.create(stores.libraryTables());
    }

    @Bean
    @ConditionalOnMissingBean(OrderPinStore.class)
    @ConditionalOnProperty(prefix = "dualwrite.stores", name = "pins", havingValue = "memory", matchIfMissing = true)
    OrderPinStore dualwriteOrderPinStore() {
        return OrderPinStores.inMemory();
    }

    @Bean
    @ConditionalOnMissingBean(ChangeLog.class)
    @ConditionalOnProperty(prefix = "dualwrite.stores", name = "change-log", havingValue = "jdbc")
    JdbcChangeLog dualwriteJdbcChangeLog(StoreDataSources stores) {
        return JdbcChangeLog.create(stores.libraryTables());
    }

    @Bean
    @ConditionalOnMissingBean(ChangeLog.class)
    @ConditionalOnProperty(prefix = "dualwrite.stores", name = "change-log", havingValue = "memory",
            matchIfMissing = true)
    InMemoryChangeLog dualwriteChangeLog() {
        return ChangeLogs.inMemory();
    }

    @Bean
    @ConditionalOnMissingBean
    Switchboard dualwriteSwitchboard(DualWriteProperties properties, SwitchStore switchStore,
                                     OrderPinStore orderPinStore, Environment environment) {
        DualWriteSettings.checkNoBlankPhase(Binder.get(environment), properties);
        Duration refresh = DualWriteSettings.positive("dualwrite.stores.refresh-interval",
                properties.getStores().getRefreshInterval(), Duration.ofHours(1));
        return Switchboard.builder()
                .switchStore(switchStore)
                .refreshInterval(refresh)
                .orderPinStore(orderPinStore)
                .migrations(DualWriteSettings.switchConfigs(properties))
                .build();
    }

    /**
     * The last verification as recorded by the verification tools in {@code dualwrite_verification}, with the
     * JDBC change log; with the in-memory one nothing is recorded, so every gated move is refused unless forced.
     */
    @Bean
    @ConditionalOnMissingBean(VerificationProbe.class)
    @ConditionalOnProperty(prefix = "dualwrite.stores", name = "change-log", havingValue = "jdbc")
    JdbcVerificationProbe dualwriteJdbcVerificationProbe(DualWriteProperties properties, StoreDataSources stores,
                                                         ObjectProvider<TableMapping> userMappings) {
        if (properties.getMigrations().size() == 1) {
            String migration = DualWriteSettings.servedMigration(properties);
            List<TableMapping> mappings = JdbcWrapperConfiguration.mappings(migration, properties, userMappings);
            return JdbcVerificationProbe.create(stores.libraryTables(), mappings);
        }
        return JdbcVerificationProbe.create(stores.libraryTables());
    }

    @Bean
    @ConditionalOnMissingBean(VerificationProbe.class)
    @ConditionalOnProperty(prefix = "dualwrite.stores", name = "change-log", havingValue = "memory",
            matchIfMissing = true)
    VerificationProbe dualwriteVerificationProbe() {
        return migration -> VerificationStatus.NEVER_RUN;
    }

    @Bean
    @ConditionalOnMissingBean
    PhaseGate dualwritePhaseGate(ChangeLog changeLog, VerificationProbe verificationProbe, Switchboard switchboard) {
        // a clean run counts only when it started after the moving scope's switches last changed
        return PhaseGate.standard(changeLog::pendingCount, verificationProbe, switchboard.switchStore());
    }

    @Bean
    @ConditionalOnMissingBean
    SwitchAdmin dualwriteSwitchAdmin(Switchboard switchboard, PhaseGate phaseGate) {
        return SwitchAdmin.of(switchboard, phaseGate);
    }

    @Bean
    @ConditionalOnMissingBean
    DualWriter dualWriter(DualWriteProperties properties, Switchboard switchboard, ChangeLog changeLog,
                          ObjectProvider<MirrorObserver> observers, ObjectProvider<SharedKeyLock> sharedKeyLock) {
        DualWriter.Builder builder = DualWriter.builder()
                .resolver(switchboard)
                .changeLog(changeLog)
                .mirrorConfig(DualWriteSettings.mirrorConfig(properties));
        // the state form's lock across instances: a bean of the application's (JdbcSharedKeyLock.on(…)), if any
        sharedKeyLock.ifUnique(builder::sharedKeyLock);
        List<MirrorObserver> all = observers.orderedStream().toList();
        if (!all.isEmpty()) {
            builder.observer(all.size() == 1 ? all.get(0) : MirrorObserver.composite(all));
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    SwitchSeeder dualwriteSwitchSeeder(DualWriteProperties properties, Switchboard switchboard,
                                       Environment environment) {
        DualWriteSettings.checkNoBlankPhase(Binder.get(environment), properties);
        return new SwitchSeeder(properties, switchboard);
    }
}
