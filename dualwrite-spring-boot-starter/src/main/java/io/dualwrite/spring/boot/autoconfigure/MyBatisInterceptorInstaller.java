package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Installs the {@link MigrationContextInterceptor} in the configuration of every {@link SqlSessionFactory} bean,
 * once every singleton exists: {@code install} checks the rules against the mappers, and mapper interfaces
 * register themselves while their beans are created, after the factory. (So it is not an {@code Interceptor}
 * bean, which MyBatis' auto-configuration would add to the factory before any mapper is known.) A configuration
 * that already holds one is left alone.
 */
final class MyBatisInterceptorInstaller implements SmartInitializingSingleton {

    private final ContextRules rules;
    private final ObjectProvider<SqlSessionFactory> factories;
    private final List<MigrationContextInterceptor> installed = new CopyOnWriteArrayList<>();

    MyBatisInterceptorInstaller(ContextRules rules, ObjectProvider<SqlSessionFactory> factories) {
        this.rules = rules;
        this.factories = factories;
    }

    @Override
    public void afterSingletonsInstantiated() {
        factories.orderedStream().forEach(factory -> {
            Configuration configuration = factory.getConfiguration();
            if (configuration.getInterceptors().stream().noneMatch(MigrationContextInterceptor.class::isInstance)) {
                try {
                    installed.add(MigrationContextInterceptor.install(configuration, rules));
                } catch (IllegalStateException mismatch) {
                    throw new InvalidDualWritePropertyException("dualwrite.mybatis", rules.toString(),
                            "statement ids and property paths that exist in the mappers (" + mismatch.getMessage() + ")",
                            "Fix the statement ids and paths under dualwrite.mybatis.*.", mismatch);
                }
            }
        });
    }

    /** The interceptors this installer added, one per session factory. */
    List<MigrationContextInterceptor> installed() {
        return List.copyOf(installed);
    }
}
