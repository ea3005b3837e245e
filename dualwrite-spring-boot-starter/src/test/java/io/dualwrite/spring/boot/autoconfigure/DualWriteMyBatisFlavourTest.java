package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import javax.sql.DataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@link DualWriteFlavourTestBase} with MariaDB to MariaDB and a repository over a MyBatis mapper: merchants from the parameter object (the starter's interceptor) and from {@code @DualWrite}. */
class DualWriteMyBatisFlavourTest extends DualWriteFlavourTestBase {

    private static TestDatabase oldStore;
    private static TestDatabase newStore;

    @DynamicPropertySource
    static void databases(DynamicPropertyRegistry registry) {
        oldStore = TestDatabases.mariadb();
        newStore = TestDatabases.mariadb();
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
        return MyBatisOrders.class;
    }
}
