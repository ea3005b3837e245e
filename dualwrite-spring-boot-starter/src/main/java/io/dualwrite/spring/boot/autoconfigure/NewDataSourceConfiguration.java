package io.dualwrite.spring.boot.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.internal.Credentials;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
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
        if (settings.getDriverClassName() == null) {
            requireDriverFor(url);
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
        // the same binding as spring.datasource.hikari.*: every HikariDataSource setter, relaxed names; a name that
        // is no setting (a misspelt maximum-pool-size) is refused instead of leaving the pool at its default
        try {
            Binder.get(environment).bind("dualwrite.new-datasource.hikari", Bindable.ofInstance(pool),
                    new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
        } catch (BindException failed) {
            if (failed.getCause() instanceof UnboundConfigurationPropertiesException unbound
                    && !unbound.getUnboundProperties().isEmpty()) {
                ConfigurationProperty first = unbound.getUnboundProperties().iterator().next();
                pool.close();
                String name = first.getName().toString();
                // a misspelt password setting (hikari.pasword) must not show its value
                boolean secret = name.toLowerCase(java.util.Locale.ROOT).matches(".*(pas|pwd|secret|token|credential|key).*");
                Object shown = secret ? Credentials.MASK : first.getValue();
                throw new InvalidDualWritePropertyException(name, shown,
                        "a setting of the new store's HikariDataSource (e.g. maximum-pool-size, connection-timeout,"
                                + " pool-name)",
                        "Fix the name of " + first.getName() + ", or remove it.", failed);
            }
            pool.close();
            throw failed;
        }
        return pool;
    }

    /**
     * Refuses, at start-up, a URL that no registered JDBC driver accepts (a misspelt sub-protocol, a driver missing
     * from the class path). Left to the pool, it fails at the first mirror with a message quoting the whole URL,
     * user information and all, into the mirror failure's log line. The failure shows only the URL's
     * sub-protocol: the rest may carry credentials.
     */
    private static void requireDriverFor(String url) {
        try {
            DriverManager.getDriver(url);
        } catch (SQLException none) {
            int colon = url.indexOf(':', url.indexOf(':') + 1);
            String shown = (colon > 0 ? url.substring(0, colon + 1) : "") + "… (the rest is not shown: it may carry"
                    + " credentials)";
            throw new InvalidDualWritePropertyException("dualwrite.new-datasource.url", shown,
                    "a JDBC URL that a driver on the class path accepts (e.g. jdbc:postgresql://host:5432/db,"
                            + " jdbc:mariadb://host:3306/db)",
                    "Correct the sub-protocol in dualwrite.new-datasource.url, or add the new store's JDBC driver to"
                            + " the application's dependencies.");
        }
    }
}
