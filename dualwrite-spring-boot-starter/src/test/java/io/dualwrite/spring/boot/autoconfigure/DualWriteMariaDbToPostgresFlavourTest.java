package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import javax.sql.DataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link DualWriteFlavourTestBase} from old MariaDB to new PostgreSQL, the amount column renamed ({@code amount} to {@code amount_total}), with the JdbcTemplate repository. */
class DualWriteMariaDbToPostgresFlavourTest extends DualWriteFlavourTestBase {

    private static TestDatabase oldStore;
    private static TestDatabase newStore;

    @DynamicPropertySource
    static void databases(DynamicPropertyRegistry registry) {
        oldStore = TestDatabases.mariadb();
        newStore = TestDatabases.postgres();
        register(registry, oldStore, newStore, "amount_total");
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
        return "amount_total";
    }

    @Override
    protected Class<? extends Orders> repository() {
        return JdbcOrders.class;
    }
}
