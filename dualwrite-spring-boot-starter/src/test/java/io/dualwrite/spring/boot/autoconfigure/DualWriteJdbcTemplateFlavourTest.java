package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import javax.sql.DataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link DualWriteFlavourTestBase} with PostgreSQL to PostgreSQL and a JdbcTemplate repository whose writes carry {@code @DualWrite} and {@code @Transactional}. */
class DualWriteJdbcTemplateFlavourTest extends DualWriteFlavourTestBase {

    private static TestDatabase oldStore;
    private static TestDatabase newStore;

    @DynamicPropertySource
    static void databases(DynamicPropertyRegistry registry) {
        oldStore = TestDatabases.postgres();
        newStore = TestDatabases.postgres();
        register(registry, oldStore, newStore, "amount");
    }

    @Override
    protected DataSource plainOld() {
        return oldStore.dataSource();
    }

    @Override
    protected DataSource plainNew() {
        return newStore.dataSource();
    }

    @Override
    protected String newAmount() {
        return "amount";
    }

    @Override
    protected Class<? extends Orders> repository() {
        return JdbcOrders.class;
    }
}
