package io.dualwrite.spring.boot.autoconfigure;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import javax.sql.DataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@link DualWriteApplicationTestBase} with the old store on real MariaDB and the new one on real PostgreSQL: a
 * change of database product, with the library's tables in the old store.
 */
class DualWriteMariaDbToPostgresApplicationTest extends DualWriteApplicationTestBase {

    private static TestDatabase oldStore;
    private static TestDatabase newStore;

    @DynamicPropertySource
    static void databases(DynamicPropertyRegistry registry) {
        oldStore = TestDatabases.mariadb();
        newStore = TestDatabases.postgres();
        oldStore.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), status VARCHAR(20),"
                + " amount DECIMAL(12,2))");
        newStore.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20), status VARCHAR(20),"
                + " amount_total NUMERIC(12,2))");
        register(registry, oldStore, newStore);
    }

    @Override
    protected DataSource plainOld() {
        return oldStore.dataSource();
    }

    @Override
    protected DataSource plainNew() {
        return newStore.dataSource();
    }
}
