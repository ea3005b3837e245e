package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.mybatis.ContextRules;
import io.dualwrite.mybatis.MigrationContextInterceptor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.SqlSessionFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Installs the {@link MigrationContextInterceptor} in the configuration of every {@link SqlSessionFactory} bean,
 * once every singleton exists: {@code install} checks the rules against the mappers, and mapper interfaces
 * register themselves while their beans are created, after the factory. (So it is not an {@code Interceptor}
 * bean, which MyBatis' auto-configuration would add to the factory before any mapper is known.) A configuration
 * that already holds one is left alone. With several factories, those on another DataSource than the
 * {@code DualWriteDataSource} get none (their mappers need not fit the rules); without any factory on it (JDBC
 * wrapping off), every factory gets one.
 */
final class MyBatisInterceptorInstaller implements SmartInitializingSingleton {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MyBatisInterceptorInstaller.class);

    private final ContextRules rules;
    private final ObjectProvider<SqlSessionFactory> factories;
    private final DualWriteProperties.MyBatis properties;
    private final List<MigrationContextInterceptor> installed = new CopyOnWriteArrayList<>();

    private final @org.jspecify.annotations.Nullable ListableBeanFactory beans;

    /**
     * With the {@code dualwrite.mybatis.*} properties, so that a refusal names the property it comes from, and the
     * bean factory whose lazy mapper beans register their mappers before the check (null: none looked for).
     */
    MyBatisInterceptorInstaller(ContextRules rules, ObjectProvider<SqlSessionFactory> factories,
                                DualWriteProperties.MyBatis properties,
                                @org.jspecify.annotations.Nullable ListableBeanFactory beans) {
        this.rules = rules;
        this.factories = factories;
        this.properties = properties;
        this.beans = beans;
    }

    @Override
    public void afterSingletonsInstantiated() {
        if (beans != null && org.springframework.util.ClassUtils.isPresent(LazyMappers.FACTORY,
                MyBatisInterceptorInstaller.class.getClassLoader())) {
            LazyMappers.register(beans);
        }
        List<SqlSessionFactory> all = factories.orderedStream().toList();
        // the factories on a DualWriteDataSource, where the contexts route the SQL; when none is (JDBC wrapping off),
        // every factory, as the contexts may serve the application's own code
        List<SqlSessionFactory> served = all.stream().filter(factory -> doubleWrites(factory) != Boolean.FALSE).toList();
        boolean anyDoubleWrites = all.stream().anyMatch(factory -> doubleWrites(factory) == Boolean.TRUE);
        for (SqlSessionFactory factory : anyDoubleWrites ? served : all) {
            Configuration configuration = factory.getConfiguration();
            if (configuration.getInterceptors().stream().noneMatch(MigrationContextInterceptor.class::isInstance)) {
                try {
                    installed.add(MigrationContextInterceptor.install(configuration, rules));
                } catch (IllegalStateException mismatch) {
                    String[] named = propertyOf(mismatch.getMessage());
                    throw new InvalidDualWritePropertyException(named[0], named[1],
                            "statement ids and property paths that exist in the mappers (" + mismatch.getMessage() + ")",
                            "Fix " + named[0] + (named[0].equals("dualwrite.mybatis") ? ".*" : "")
                                    + " (each problem is listed above).", mismatch);
                } catch (IllegalArgumentException otherMigration) {
                    // the factory's DualWriteDataSource serves another migration: it ignores the contexts opened
                    if (rules.migration().equals(properties.getMigration())) {
                        throw new InvalidDualWritePropertyException("dualwrite.mybatis.migration", rules.migration(),
                                "the migration of the DualWriteDataSource the SqlSessionFactory runs on ("
                                        + otherMigration.getMessage() + ")",
                                "Remove dualwrite.mybatis.migration (the interceptor then serves the migration of the"
                                        + " wrapped DataSource, dualwrite.jdbc.migration), or set it to that"
                                        + " migration.", otherMigration);
                    }
                    throw new IllegalStateException("dualwrite: the ContextRules bean does not fit a SqlSessionFactory: "
                            + otherMigration.getMessage(), otherMigration);
                }
            }
        }
        if (anyDoubleWrites && served.size() < all.size()) {
            log.info("dualwrite: the MyBatis interceptor of migration {} is installed in the {} SqlSessionFactory(s) on"
                    + " the DualWriteDataSource, not in the {} on other DataSources (nothing there is double-written)",
                    rules.migration(), served.size(), all.size() - served.size());
        }
    }

    /**
     * Whether the factory's DataSource is, or wraps, a {@code DualWriteDataSource}; null when it cannot tell (no
     * environment, a pool that refuses to say), which counts as one: the rules are then checked there as before. A
     * factory on another DataSource has its own mappers, which the rules' statements and paths need not fit: checked
     * there, they failed the start-up of a right configuration, naming a statement "that does not exist".
     */
    private static @org.jspecify.annotations.Nullable Boolean doubleWrites(SqlSessionFactory factory) {
        org.apache.ibatis.mapping.Environment environment = factory.getConfiguration().getEnvironment();
        javax.sql.DataSource dataSource = environment == null ? null : environment.getDataSource();
        if (dataSource == null) {
            return null;
        }
        try {
            return dataSource.isWrapperFor(io.dualwrite.jdbc.DualWriteDataSource.class);
        } catch (java.sql.SQLException | RuntimeException unknown) {
            return null;
        }
    }

    /**
     * The property (and its value) a start-up check's message names first: a statement's id or path under
     * {@code dualwrite.mybatis.statements[i]}, a global path under {@code order-id-paths[i]} or
     * {@code merchant-id-paths[i]}; else the group {@code dualwrite.mybatis} and the rules.
     */
    private String[] propertyOf(@org.jspecify.annotations.Nullable String message) {
        String text = message == null ? "" : message;
        String prefix = "dualwrite.mybatis.";
        int first = Integer.MAX_VALUE;
        String[] found = {"dualwrite.mybatis", rules.toString()};
        List<DualWriteProperties.Statement> statements = properties.getStatements();
        for (int i = 0; i < statements.size(); i++) {
            DualWriteProperties.Statement statement = statements.get(i);
            String of = " of statement '" + statement.getId() + "'";
            String[][] candidates = {
                    {"statement '" + statement.getId() + "' ", prefix + "statements[" + i + "].id", statement.getId()},
                    {"path '" + statement.getOrderIdPath() + "'" + of, prefix + "statements[" + i + "].order-id-path",
                            statement.getOrderIdPath()},
                    {"path '" + statement.getMerchantIdPath() + "'" + of,
                            prefix + "statements[" + i + "].merchant-id-path", statement.getMerchantIdPath()}};
            for (String[] candidate : candidates) {
                int at = candidate[2] == null ? -1 : text.indexOf(candidate[0]);
                if (at >= 0 && at < first) {
                    first = at;
                    found = new String[] {candidate[1], candidate[2]};
                }
            }
        }
        for (String kind : new String[] {"order-id-paths", "merchant-id-paths"}) {
            List<String> paths = kind.startsWith("order") ? properties.getOrderIdPaths() : properties.getMerchantIdPaths();
            for (int i = 0; i < paths.size(); i++) {
                int at = text.indexOf("global property path '" + paths.get(i) + "'");
                if (at >= 0 && at < first) {
                    first = at;
                    found = new String[] {prefix + kind + "[" + i + "]", paths.get(i)};
                }
            }
        }
        return found;
    }

    /**
     * mybatis-spring's mapper beans that are lazy (a mapper scan with lazy initialization, or
     * {@code spring.main.lazy-initialization}) add their mapper to its configuration only when first made, after
     * every singleton: the check then found none of their statements, and a statement rule naming one failed
     * start-up as a statement "that does not exist". Each such factory (not the mapper itself) is made here, which
     * adds its mapper as it would at first use. One that cannot be made is left for its first use (and a rule
     * naming its statements is refused as before).
     */
    private static final class LazyMappers {
        static final String FACTORY = "org.mybatis.spring.mapper.MapperFactoryBean";

        static void register(ListableBeanFactory beans) {
            for (String name : beans.getBeanNamesForType(org.mybatis.spring.mapper.MapperFactoryBean.class, true,
                    false)) {
                String factory = name.startsWith(org.springframework.beans.factory.BeanFactory.FACTORY_BEAN_PREFIX)
                        ? name : org.springframework.beans.factory.BeanFactory.FACTORY_BEAN_PREFIX + name;
                try {
                    beans.getBean(factory);
                } catch (org.springframework.beans.BeansException notYet) {
                    log.debug("dualwrite: mapper bean {} could not be made before the MyBatis check: {}", name,
                            notYet.getMessage());
                }
            }
        }
    }

    /** The interceptors this installer added, one per session factory. */
    List<MigrationContextInterceptor> installed() {
        return List.copyOf(installed);
    }
}
