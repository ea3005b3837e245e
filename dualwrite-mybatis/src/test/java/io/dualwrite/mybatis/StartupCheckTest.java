package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Bad statement ids and property paths fail at install, naming what is wrong, the mapper and the fix. */
class StartupCheckTest {

    private static Configuration configuration() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:startup;DB_CLOSE_DELAY=-1");
        Configuration configuration = new Configuration(new Environment("test", new JdbcTransactionFactory(), h2));
        configuration.addMapper(OrderMapper.class);
        configuration.addMapper(OrderXmlMapper.class);
        return configuration;
    }

    @Test
    void theTestRulesFitTheMappers() {
        Configuration configuration = configuration();
        MigrationContextInterceptor interceptor = MigrationContextInterceptor.install(configuration, MyBatisStores.RULES);
        assertThat(configuration.getInterceptors()).containsExactly(interceptor);
    }

    @Test
    void anUnknownStatementIdIsReportedWithItsMapperAndTheFix() {
        ContextRules rules = ContextRules.builder("orders")
                .statement("io.dualwrite.mybatis.OrderMapper.insertt", null, "merchantNo").build();
        Configuration configuration = configuration();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, rules))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("statement 'io.dualwrite.mybatis.OrderMapper.insertt' does not exist")
                .hasMessageContaining("mapper io.dualwrite.mybatis.OrderMapper")
                .hasMessageContaining("insert, selectById")
                .hasMessageContaining("fix the id");
        assertThat(configuration.getInterceptors()).isEmpty();
    }

    @Test
    void aPathNamingNoPropertyOfTheParameterBeanIsReported() {
        ContextRules rules = ContextRules.builder("orders")
                .statement("io.dualwrite.mybatis.OrderMapper.insert", "orderNo", null).build();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration(), rules))
                .hasMessageContaining("property path 'orderNo' of statement 'io.dualwrite.mybatis.OrderMapper.insert'")
                .hasMessageContaining("(mapper io.dualwrite.mybatis.OrderMapper)")
                .hasMessageContaining("Order has no readable property 'orderNo'")
                .hasMessageContaining("merchantNo")
                .hasMessageContaining("fix the path");
    }

    @Test
    void aPathNamingNoParamNameIsReported() {
        ContextRules rules = ContextRules.builder("orders")
                .statement("io.dualwrite.mybatis.OrderMapper.updateStatus", null, "merchant").build();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration(), rules))
                .hasMessageContaining("has no parameter named 'merchant'")
                .hasMessageContaining("[id, merchantNo, status]");
    }

    @Test
    void aPathThroughACollectionIsCheckedOnItsElements() {
        ContextRules rules = ContextRules.builder("orders")
                .statement("io.dualwrite.mybatis.OrderXmlMapper.insertAll", null, "orders.merchant").build();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration(), rules))
                .hasMessageContaining("Order has no readable property 'merchant'")
                .hasMessageContaining("mapper io.dualwrite.mybatis.OrderXmlMapper");
    }

    @Test
    void aGlobalPathThatFitsNoStatementIsReported() {
        ContextRules rules = ContextRules.builder("orders").merchantIdPath("shopNumber").build();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration(), rules))
                .hasMessageContaining("global property path 'shopNumber' fits the parameter of no statement")
                .hasMessageContaining("io.dualwrite.mybatis.OrderMapper");
    }

    @Test
    void malformedRulesAreRefusedByTheBuilder() {
        assertThatThrownBy(() -> ContextRules.builder("orders").merchantIdPath("order..id"))
                .hasMessageContaining("merchantIdPath must be dot-separated property names")
                .hasMessageContaining("'order..id'");
        assertThatThrownBy(() -> ContextRules.builder("orders").statement("a.B.c", null, null))
                .hasMessageContaining("statement a.B.c: give an orderIdPath, a merchantIdPath or both");
        assertThatThrownBy(() -> ContextRules.builder(" ")).hasMessageContaining("migration must be a non-blank name");
    }

    @Test
    void aReadCounterpartThatIsMissingOrOfAnotherTypeIsReported() {
        Configuration configuration = configuration();
        configuration.addMapper(SplitOrderMapper.class);
        io.dualwrite.switches.Switchboard switchboard = io.dualwrite.switches.Switchboard.builder()
                .switchStore(io.dualwrite.switches.SwitchStores.inMemory())
                .migration(io.dualwrite.switches.MigrationSwitchConfig.of("orders")).build();
        NewStoreReads missing = NewStoreReads.builder(switchboard)
                .statement("io.dualwrite.mybatis.OrderMapper.selectById", "io.dualwrite.mybatis.SplitOrderMapper.selectOne")
                .build();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, MyBatisStores.RULES, missing))
                .hasMessageContaining("statement 'io.dualwrite.mybatis.SplitOrderMapper.selectOne' does not exist")
                .hasMessageContaining("mapper io.dualwrite.mybatis.SplitOrderMapper");
        NewStoreReads notARead = NewStoreReads.builder(switchboard)
                .statement("io.dualwrite.mybatis.OrderMapper.insert", "io.dualwrite.mybatis.SplitOrderMapper.selectById")
                .build();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, MyBatisStores.RULES, notARead))
                .hasMessageContaining("'io.dualwrite.mybatis.OrderMapper.insert' (mapper io.dualwrite.mybatis.OrderMapper)"
                        + " is a INSERT, not a read");
        NewStoreReads otherType = NewStoreReads.builder(switchboard)
                .statement("io.dualwrite.mybatis.OrderMapper.selectById", "io.dualwrite.mybatis.SplitOrderMapper.deleteHead")
                .build();
        assertThatThrownBy(() -> MigrationContextInterceptor.install(configuration, MyBatisStores.RULES, otherType))
                .hasMessageContaining("returns int but 'io.dualwrite.mybatis.OrderMapper.selectById' returns "
                        + "io.dualwrite.mybatis.Order");
    }
}
