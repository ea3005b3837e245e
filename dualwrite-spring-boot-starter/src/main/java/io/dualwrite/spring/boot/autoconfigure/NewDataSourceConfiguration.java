package io.dualwrite.spring.boot.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The new store's pool from {@code dualwrite.new-datasource.*}. It is registered with
 * {@code autowireCandidate = false}: a second DataSource that took part in injection by type would make Spring
 * Boot's own DataSource back off and leave the application's injection points ambiguous, and Boot's database
 * health indicator (which takes every autowire candidate) would report the application DOWN whenever the new
 * store is. The starter reaches it by its name {@value StoreDataSources#NEW_DATA_SOURCE}; an application bean of
 * that name replaces it.
 */
@Configuration(proxyBeanMethods = false)
class NewDataSourceConfiguration {

    @Bean(name = StoreDataSources.NEW_DATA_SOURCE, autowireCandidate = false)
    @ConditionalOnMissingBean(name = StoreDataSources.NEW_DATA_SOURCE)
    HikariDataSource dualwriteNewDataSource(DualWriteProperties properties, Environment environment) {
        DualWriteProperties.NewDataSource settings = properties.getNewDatasource();
        String url = settings.getUrl();
        if (url == null || url.isBlank()) {
            throw new InvalidDualWritePropertyException("dualwrite.new-datasource.url", url,
                    "the JDBC URL of the new store while dualwrite is enabled",
                    "Set dualwrite.new-datasource.url (with username and password), define a DataSource bean named '"
                            + StoreDataSources.NEW_DATA_SOURCE + "', or set dualwrite.enabled=false.");
        }
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        if (settings.getUsername() != null) {
            pool.setUsername(settings.getUsername());
        }
        if (settings.getPassword() != null) {
            pool.setPassword(settings.getPassword());
        }
        if (settings.getDriverClassName() != null) {
            pool.setDriverClassName(settings.getDriverClassName());
        }
        pool.setPoolName("dualwrite-new");
        // the same binding as spring.datasource.hikari.*: every HikariDataSource setter, relaxed names
        Binder.get(environment).bind("dualwrite.new-datasource.hikari", Bindable.ofInstance(pool));
        return pool;
    }
}
