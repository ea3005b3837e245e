package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.DualWriter;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * The wrapping of the application's DataSource: a post-processor that replaces the bean named by
 * {@code dualwrite.jdbc.bean-name} with a {@code DualWriteDataSource} built by {@link DataSourceWrapper}.
 * Off with {@code dualwrite.jdbc.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "dualwrite.jdbc", name = "enabled", matchIfMissing = true)
class JdbcWrapperConfiguration {

    /** Static, so that registering it does not instantiate this configuration early; depends on nothing eagerly. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static DualWriteDataSourcePostProcessor dualwriteDataSourcePostProcessor(Environment environment,
            ObjectProvider<StoreDataSources> stores, ObjectProvider<DataSourceWrapper> wrapper) {
        String beanName = environment.getProperty("dualwrite.jdbc.bean-name", "dataSource");
        return new DualWriteDataSourcePostProcessor(beanName, stores, wrapper);
    }

    @Bean
    @ConditionalOnMissingBean
    DataSourceWrapper dualwriteDataSourceWrapper(DualWriteProperties properties, DualWriter dualWriter,
            StoreDataSources stores, ObjectProvider<TableMapping> userMappings) {
        return new DataSourceWrapper(properties, dualWriter, stores, userMappings);
    }

    /**
     * The mappings of {@code migration}: those of its properties, each replaced by an application
     * {@link TableMapping} bean of the same old table, plus the application's other {@link TableMapping} beans
     * when {@code migration} is the one the wrapped DataSource serves.
     */
    static List<TableMapping> mappings(String migration, DualWriteProperties properties,
                                       ObjectProvider<TableMapping> userMappings) {
        Map<String, TableMapping> byTable = new LinkedHashMap<>();
        DualWriteSettings.mappings(migration, properties)
                .forEach(mapping -> byTable.put(mapping.oldTable().toLowerCase(Locale.ROOT), mapping));
        if (migration.equals(DualWriteSettings.servedMigration(properties))) {
            userMappings.orderedStream()
                    .forEach(mapping -> byTable.put(mapping.oldTable().toLowerCase(Locale.ROOT), mapping));
        }
        if (byTable.isEmpty()) {
            throw new InvalidDualWritePropertyException("dualwrite.migrations." + migration + ".tables", null,
                    "at least one table of the migration, e.g. dualwrite.migrations." + migration
                            + ".tables.orders.new-table=orders_v2",
                    "Map the tables the application's DataSource writes under dualwrite.migrations." + migration
                            + ".tables.<old-table>.*, or define TableMapping beans; when no table is written through"
                            + " JDBC, set dualwrite.jdbc.enabled=false and dualwrite.reconciler.enabled=false.");
        }
        return new ArrayList<>(byTable.values());
    }
}
