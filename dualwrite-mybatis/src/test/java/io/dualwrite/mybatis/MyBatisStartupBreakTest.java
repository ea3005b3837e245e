package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * Installing the MyBatis layer as a new user would: a read route over a switchboard of another migration, and
 * nulls given to the builders, each refused at install or at the setter naming what is wrong.
 */
class MyBatisStartupBreakTest {

    private static Configuration configuration() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:mybatis_startup_break;DB_CLOSE_DELAY=-1");
        Configuration configuration = new Configuration(new Environment("test", new JdbcTransactionFactory(), h2));
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(OrderXmlMapper.class);
        configuration.addMapper(SplitOrderMapper.class);
        return configuration;
    }

    private static NewStoreReads readsOver(String migration) {
        Switchboard switchboard = Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of(migration)).build();
        return NewStoreReads.builder(switchboard).mapper(OrderMapper.class, SplitOrderMapper.class).build();
    }

    @Test
    void readRoutesOverASwitchboardOfAnotherMigrationAreRefusedAtInstall() {
        Configuration configuration = configuration();

        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, MyBatisStores.RULES,
                readsOver("payments")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ContextRules.migration: migration 'orders' is not configured")
                .hasMessageContaining("configured migrations are [payments]")
                .hasMessageContaining("MigrationSwitchConfig.of(\"orders\")");
        assertThat(configuration.getInterceptors()).isEmpty();
    }

    @Test
    void readRoutesOverTheRulesMigrationInstall() {
        Configuration configuration = configuration();

        MigrationContextInterceptor interceptor = MigrationContextInterceptor.install(configuration,
                MyBatisStores.RULES, readsOver("orders"));

        assertThat(configuration.getInterceptors()).containsExactly(interceptor);
    }

    @Test
    void nullPathsAndArgumentsAreRefusedAtTheSetterNamingThem() {
        assertThatThrownBy(() -> ContextRules.builder("orders").orderIdPath(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("orderIdPath must not be null");
        assertThatThrownBy(() -> ContextRules.builder("orders").merchantIdPath(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("merchantIdPath must not be null");
        assertThatThrownBy(() -> NewStoreReads.builder(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("resolver must not be null");
        assertThatThrownBy(() -> readsBuilder().mapper(null, SplitOrderMapper.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("oldMapper must not be null");
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rules must not be null");
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration(), MyBatisStores.RULES, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("reads must not be null");
    }

    @Test
    void mapperCopierStatementsMustBeNamedOneByOne() {
        io.dualwrite.mapping.TableMapping orders = io.dualwrite.mapping.TableMapping.identity("orders");
        assertThatThrownBy(() -> MapperCopier.builder(configuration(), orders).upsert(io.dualwrite.Store.NEW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("upsert must name at least one statement id, but named none");
        assertThatThrownBy(() -> MapperCopier.builder(configuration(), orders)
                .delete(io.dualwrite.Store.NEW, "io.dualwrite.mybatis.SplitOrderMapper.deleteHead", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delete statement id must be a non-blank string, but was null");
        assertThatThrownBy(() -> MapperCopier.builder(configuration(), orders).read(io.dualwrite.Store.NEW, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("statementId must be a non-blank string, but was ' '");
    }

    @Test
    void twoFactoryMappersRefuseABlankStatementOrTableAndANegativeKeyArgument() {
        io.dualwrite.DualWriter writer = io.dualwrite.DualWriter.builder()
                .resolver(Switchboard.builder().switchStore(SwitchStores.inMemory())
                        .migration(MigrationSwitchConfig.of("orders")).build())
                .changeLog(io.dualwrite.changelog.ChangeLogs.inMemory()).build();
        try (writer) {
            assertThatThrownBy(() -> DualWriteMappers.builder(writer, "ordres"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("migration 'ordres' is not configured");
            DualWriteMappers.Builder mappers = DualWriteMappers.builder(writer, "orders");
            assertThatThrownBy(() -> mappers.statement(" ", "orders", 0, io.dualwrite.changelog.Operation.UPSERT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("statementId must be a non-blank string, but was ' '");
            assertThatThrownBy(() -> mappers.statement("io.dualwrite.mybatis.OrderMapper.insert", "", 0,
                    io.dualwrite.changelog.Operation.UPSERT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("table must be a non-blank string, but was ''");
            assertThatThrownBy(() -> mappers.statement("io.dualwrite.mybatis.OrderMapper.insert", "orders", -2,
                    io.dualwrite.changelog.Operation.UPSERT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("keyArgument of statement io.dualwrite.mybatis.OrderMapper.insert")
                    .hasMessageContaining("but was -2");
            assertThatThrownBy(() -> mappers.rules(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("rules must not be null");
        }
    }

    @Test
    void rulesOfAnotherMigrationThanTheDataSourceServesAreRefusedAtInstall() throws Exception {
        MyBatisStores stores = new MyBatisStores(io.dualwrite.jdbc.testing.TestDatabases.Kind.H2);
        try {
            Configuration configuration = new Configuration(new Environment("test", new JdbcTransactionFactory(),
                    stores.dataSource));
            configuration.addMapper(OrderMapper.class);
            ContextRules misspelt = ContextRules.builder("ordres").merchantIdPath("merchantNo").build();

            assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, misspelt))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("ContextRules are for migration 'ordres', but the session factory's"
                            + " DualWriteDataSource serves migration 'orders', which ignores contexts of another"
                            + " migration; build the rules with ContextRules.builder(\"orders\") or fix the name");
            assertThat(configuration.getInterceptors()).isEmpty();

            MigrationContextInterceptor.install(configuration, ContextRules.builder("orders")
                    .merchantIdPath("merchantNo").build());
            assertThat(configuration.getInterceptors()).hasSize(1);
        } finally {
            stores.writer.close();
            stores.oldDb.close();
            stores.newDb.close();
        }
    }

    private static NewStoreReads.Builder readsBuilder() {
        return NewStoreReads.builder(Switchboard.builder().switchStore(SwitchStores.inMemory())
                .migration(MigrationSwitchConfig.of("orders")).build());
    }
}
