package io.dualwrite.jdbc.copy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Two fresh databases of one kind for tests of a copier's syncs: {@code counters} (renamed {@code counters_v2},
 * column {@code n} as {@code total}) and {@code notes}, created by the subclass, a target pool of one connection
 * (whatever a sync leaves on it, the pool's next borrower gets), and rows read with plain queries.
 */
abstract class SyncStores {

    static final TableMapping COUNTERS = TableMapping.builder("counters").newTable("counters_v2")
            .rename("n", "total").build();
    static final TableMapping NOTES = TableMapping.identity("notes");

    TestDatabase old;
    TestDatabase fresh;
    /** The new store's pool of one connection, in auto-commit mode. */
    HikariDataSource target;

    /** The kind of both databases. */
    abstract TestDatabases.Kind kind();

    /** Creates the tables of both stores (and sets up {@link #target}'s session if the test needs one). */
    abstract void createTables() throws Exception;

    @BeforeEach
    void stores() throws Exception {
        old = TestDatabases.create(kind());
        fresh = TestDatabases.create(kind());
        target = onePooledConnection(fresh.pool().getJdbcUrl(), true, false);
        createTables();
    }

    @AfterEach
    void closeStores() {
        target.close();
        fresh.close();
        old.close();
    }

    RowCopier copier(DataSource newStore) {
        return RowCopier.builder().oldDataSource(old.dataSource()).newDataSource(newStore).build();
    }

    static RowCopier.TableKeys keys(TableMapping mapping, String... keys) {
        return new RowCopier.TableKeys(mapping, List.of(keys), null);
    }

    /** The rows of {@code sql}, numbers as longs, nulls as {@code "NULL"}. */
    static List<List<Object>> table(TestDatabase db, String sql) {
        List<List<Object>> rows = new ArrayList<>();
        for (Map<String, Object> row : db.query(sql)) {
            List<Object> values = new ArrayList<>();
            row.values().forEach(value -> values.add(value == null ? "NULL"
                    : value instanceof Number number ? number.longValue() : value));
            rows.add(values);
        }
        return rows;
    }

    static List<List<Object>> notes(TestDatabase db) {
        return table(db, "SELECT id, body FROM notes ORDER BY id");
    }

    HikariDataSource onePooledConnection(String url, boolean autoCommit) {
        return onePooledConnection(url, autoCommit, false);
    }

    HikariDataSource onePooledConnection(String url, boolean autoCommit, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user());
        config.setMaximumPoolSize(1);
        config.setAutoCommit(autoCommit);
        config.setReadOnly(readOnly);
        return new HikariDataSource(config);
    }

    /** The user the test servers accept without a password. */
    String user() {
        return kind() == TestDatabases.Kind.POSTGRES ? "postgres" : "root";
    }
}
