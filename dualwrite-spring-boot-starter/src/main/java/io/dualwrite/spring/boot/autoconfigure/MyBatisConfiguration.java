package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import org.apache.ibatis.session.SqlSessionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The MyBatis interceptor, when MyBatis and dualwrite-mybatis are on the class path: {@link ContextRules} from
 * {@code dualwrite.mybatis.*} (an application bean replaces them), installed by {@link MyBatisInterceptorInstaller}
 * in every {@code SqlSessionFactory} once its mappers are registered.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({SqlSessionFactory.class, MigrationContextInterceptor.class})
@ConditionalOnProperty(prefix = "dualwrite.mybatis", name = "enabled", matchIfMissing = true)
class MyBatisConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ContextRules dualwriteContextRules(DualWriteProperties properties) {
        DualWriteProperties.MyBatis mybatis = properties.getMybatis();
        String migration = mybatis.getMigration() == null ? DualWriteSettings.servedMigration(properties)
                : DualWriteSettings.knownMigration("dualwrite.mybatis.migration", mybatis.getMigration(), properties);
        String property = "dualwrite.mybatis";
        try {
            ContextRules.Builder rules = ContextRules.builder(migration).annotations(mybatis.isAnnotations());
            mybatis.getOrderIdPaths().forEach(rules::orderIdPath);
            mybatis.getMerchantIdPaths().forEach(rules::merchantIdPath);
            for (int i = 0; i < mybatis.getStatements().size(); i++) {
                DualWriteProperties.Statement statement = mybatis.getStatements().get(i);
                property = "dualwrite.mybatis.statements[" + i + "]";
                rules.statement(statement.getId(), statement.getOrderIdPath(), statement.getMerchantIdPath());
            }
            return rules.build();
        } catch (IllegalArgumentException | NullPointerException refused) {
            throw new InvalidDualWritePropertyException(property, refused.getMessage(),
                    "statement ids and dot-separated property paths (e.g. order.merchantNo)",
                    "Fix the path or statement id under " + property + ".", refused);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    MyBatisInterceptorInstaller dualwriteMyBatisInterceptorInstaller(ContextRules rules,
                                                                    ObjectProvider<SqlSessionFactory> factories) {
        return new MyBatisInterceptorInstaller(rules, factories);
    }
}
