package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import java.util.List;
import org.apache.ibatis.session.SqlSessionFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
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
        ContextRules.Builder rules = ContextRules.builder(migration).annotations(mybatis.isAnnotations());
        List<String> orderPaths = mybatis.getOrderIdPaths();
        for (int i = 0; i < orderPaths.size(); i++) {
            String path = orderPaths.get(i);
            applied("dualwrite.mybatis.order-id-paths[" + i + "]", path, () -> rules.orderIdPath(path));
        }
        List<String> merchantPaths = mybatis.getMerchantIdPaths();
        for (int i = 0; i < merchantPaths.size(); i++) {
            String path = merchantPaths.get(i);
            applied("dualwrite.mybatis.merchant-id-paths[" + i + "]", path, () -> rules.merchantIdPath(path));
        }
        for (int i = 0; i < mybatis.getStatements().size(); i++) {
            DualWriteProperties.Statement statement = mybatis.getStatements().get(i);
            String property = "dualwrite.mybatis.statements[" + i + "]";
            // each path is checked on its own first, so that a bad one is named by its own property
            if (statement.getOrderIdPath() != null) {
                applied(property + ".order-id-path", statement.getOrderIdPath(),
                        () -> ContextRules.builder(migration).orderIdPath(statement.getOrderIdPath()));
            }
            if (statement.getMerchantIdPath() != null) {
                applied(property + ".merchant-id-path", statement.getMerchantIdPath(),
                        () -> ContextRules.builder(migration).merchantIdPath(statement.getMerchantIdPath()));
            }
            applied(property + ".id", statement.getId(), () -> rules.statement(statement.getId(),
                    statement.getOrderIdPath(), statement.getMerchantIdPath()));
        }
        return rules.build();
    }

    /** Runs one setting of the rules; a refusal names the property and its value. */
    private static void applied(String property, @Nullable String value, Runnable setting) {
        try {
            setting.run();
        } catch (IllegalArgumentException refused) {
            throw new InvalidDualWritePropertyException(property, value,
                    "a mapper statement id such as com.example.OrderMapper.insert, or a dot-separated property path"
                            + " such as order.merchantNo (" + refused.getMessage() + ")",
                    "Fix " + property + ".", refused);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    MyBatisInterceptorInstaller dualwriteMyBatisInterceptorInstaller(ContextRules rules,
                                                                    ObjectProvider<SqlSessionFactory> factories,
                                                                    DualWriteProperties properties,
                                                                    ListableBeanFactory beans) {
        return new MyBatisInterceptorInstaller(rules, factories, properties.getMybatis(), beans);
    }
}
