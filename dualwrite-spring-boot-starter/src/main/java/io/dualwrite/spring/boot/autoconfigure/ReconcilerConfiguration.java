package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.reconcile.Reconciler;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.switches.Switchboard;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The reconciler of the served migration's tables, and {@link ReconcilerSchedule}, which runs it every
 * {@code dualwrite.reconciler.interval} while the context runs. Off with {@code dualwrite.reconciler.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "dualwrite.reconciler", name = "enabled", matchIfMissing = true)
class ReconcilerConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Reconciler dualwriteReconciler(DualWriteProperties properties, ChangeLog changeLog, Switchboard switchboard,
                                   StoreDataSources stores, ObjectProvider<TableMapping> userMappings) {
        DualWriteProperties.Reconciler settings = properties.getReconciler();
        DualWriteSettings.checkReconciler(settings);
        String migration = DualWriteSettings.servedMigration(properties);
        return Reconciler.builder()
                .changeLog(changeLog)
                .oldDataSource(stores.oldStore())
                .newDataSource(stores.newStore())
                .mappings(JdbcWrapperConfiguration.mappings(migration, properties, userMappings))
                .resolver(migration, switchboard)
                .batchSize(settings.getBatchSize())
                .lease(settings.getLease())
                .initialBackoff(settings.getInitialBackoff())
                .maxBackoff(settings.getMaxBackoff())
                .maxAttempts(settings.getMaxAttempts())
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    ReconcilerSchedule dualwriteReconcilerSchedule(Reconciler reconciler, DualWriteProperties properties) {
        return new ReconcilerSchedule(reconciler, properties.getReconciler().getInterval());
    }
}
