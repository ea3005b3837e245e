package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.copy.RowCopier;
import io.dualwrite.jdbc.schema.DualWriteSchema;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.verify.Repairer;
import io.dualwrite.jdbc.verify.ScopedResyncResolver;
import io.dualwrite.jdbc.verify.Verifier;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stores of the key-spelling inputs: {@code orders (id text, qty)} on the old store, {@code orders_v2 (id,
 * quantity)} on the new one, read back by exact key text with plain JDBC, independently of the copier.
 */
final class LooseKeyStores {

    /** MariaDB's case- and accent-insensitive key. */
    static final String MARIADB_ORDERS =
            "CREATE TABLE orders (id VARCHAR(20) COLLATE utf8mb4_unicode_ci PRIMARY KEY, qty INT)";
    static final String POSTGRES_OLD_ORDERS = "CREATE TABLE orders (id VARCHAR(20) PRIMARY KEY, qty INT)";
    static final String POSTGRES_ORDERS = "CREATE TABLE orders_v2 (id VARCHAR(20) PRIMARY KEY, quantity INT)";

    private LooseKeyStores() {
    }

    /** MariaDB (case- and accent-insensitive key) into PostgreSQL, seeded with {@code ids} (qty 1, 2, …) on both. */
    static Fixture mariadb(String... ids) {
        Fixture fixture = Fixture.of(Kind.MARIADB, Kind.POSTGRES);
        seed(fixture, ids);
        return fixture;
    }

    /** PostgreSQL into PostgreSQL, both keys exact, seeded with {@code ids}. */
    static Fixture postgres(String... ids) {
        return postgres(Fixture.of(Kind.POSTGRES, Kind.POSTGRES), ids);
    }

    private static Fixture postgres(Fixture fixture, String... ids) {
        fixture.onOld(POSTGRES_OLD_ORDERS);
        fixture.onNew(POSTGRES_ORDERS);
        insert(fixture, ids);
        return fixture;
    }

    /** How long the catalog is trusted by the fixtures of inputs about triggers created while writes go on. */
    static final java.time.Duration SHORT_REFRESH = java.time.Duration.ofSeconds(2);

    /** {@link #postgres}, with the catalog trusted for {@link #SHORT_REFRESH} only. */
    static Fixture postgresRefreshing(String... ids) {
        return postgres(Fixture.builder(Kind.POSTGRES, Kind.POSTGRES)
                .customize(builder -> builder.catalogRefresh(SHORT_REFRESH)).build(), ids);
    }

    /**
     * Writes {@code sql} (a write that changes nothing, such as a delete of a key no row has) through the data
     * source again and again until a write reads the catalog anew and finds it changed: the table's scoped resync
     * ({@code catalog-changed}) is then recorded.
     */
    static void awaitCatalogChange(Fixture fixture, String sql, Object... parameters) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                    execute(fixture, sql, parameters);
                    return fixture.scopedResyncs().stream().anyMatch(r -> r.reason().equals("catalog-changed"));
                });
    }

    /**
     * An old store of {@code kind} set up by {@code oldSetup} (its {@code orders} table and whatever it needs)
     * into PostgreSQL's {@code orders_v2}, both then given the rows {@code values} ({@code "('a', 1), ('b', 2)"}).
     */
    static Fixture into(Kind kind, String values, String... oldSetup) {
        return into(Fixture.of(kind, Kind.POSTGRES), values, oldSetup);
    }

    /** {@link #into}, with the catalog trusted for {@link #SHORT_REFRESH} only. */
    static Fixture intoRefreshing(Kind kind, String values, String... oldSetup) {
        return into(Fixture.builder(kind, Kind.POSTGRES).customize(builder -> builder.catalogRefresh(SHORT_REFRESH))
                .build(), values, oldSetup);
    }

    private static Fixture into(Fixture fixture, String values, String... oldSetup) {
        fixture.onOld(oldSetup);
        fixture.onOld("INSERT INTO orders VALUES " + values);
        fixture.onNew(POSTGRES_ORDERS, "INSERT INTO orders_v2 VALUES " + values);
        return fixture;
    }

    /** An old store of {@code kind} with an empty exact-text {@code orders}, into PostgreSQL's empty {@code orders_v2}. */
    static Fixture empty(Kind kind) {
        Fixture fixture = Fixture.of(kind, Kind.POSTGRES);
        fixture.onOld(POSTGRES_OLD_ORDERS);
        fixture.onNew(POSTGRES_ORDERS);
        return fixture;
    }

    /** Creates the MariaDB and PostgreSQL tables on {@code fixture} and inserts {@code ids} into both. */
    static void seed(Fixture fixture, String... ids) {
        fixture.onOld(MARIADB_ORDERS);
        fixture.onNew(POSTGRES_ORDERS);
        insert(fixture, ids);
    }

    static void insert(Fixture fixture, String... ids) {
        for (int i = 0; i < ids.length; i++) {
            String id = ids[i].replace("'", "''");
            fixture.onOld("INSERT INTO orders VALUES ('" + id + "', " + (i + 1) + ")");
            fixture.onNew("INSERT INTO orders_v2 VALUES ('" + id + "', " + (i + 1) + ")");
        }
    }

    /** Runs one statement through the data source, binding {@code parameters} with {@code setObject}; its count. */
    static int execute(Fixture fixture, String sql, Object... parameters) throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        }
    }

    /**
     * Runs one write through the data source on one connection between session statements: {@code set} before it
     * ({@code SET SESSION sql_mode = ''}), {@code reset} after; asserts that it changed rows.
     */
    static void executeIn(Fixture fixture, List<String> set, List<String> reset, String sql, Object... parameters)
            throws SQLException {
        try (Connection connection = fixture.dataSource.getConnection()) {
            for (String statement : set) {
                session(connection, statement);
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                assertThat(statement.executeUpdate()).as("rows the write changed").isPositive();
            }
            for (String statement : reset) {
                session(connection, statement);
            }
        }
    }

    /** A data source whose every connection is put in the time {@code zone}, as a pool's init SQL would. */
    static javax.sql.DataSource zoned(javax.sql.DataSource real, String zone) {
        return sessionSet(real, "SET time_zone = '" + zone + "'");
    }

    /**
     * A data source whose every connection runs {@code sql} (a session setting) when handed out, as a pool's init
     * SQL, or an earlier borrower that left it so, would.
     */
    static javax.sql.DataSource sessionSet(javax.sql.DataSource real, String sql) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(LooseKeyStores.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(real, args);
                        if (method.getName().equals("getConnection")) {
                            session((Connection) result, sql);
                        }
                        return result;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Runs one statement (a session setting) on {@code connection} with a plain {@code Statement}. */
    static void session(Connection connection, String sql) throws SQLException {
        try (java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Asserts that both stores hold the same keys, spelt exactly alike, with the same quantities. */
    static Map<String, String> sameRows(Fixture fixture) {
        Map<String, String> old = rows(fixture.oldDb, "SELECT id, qty FROM orders", false);
        assertThat(rows(fixture.newDb, "SELECT id, quantity AS qty FROM orders_v2", false))
                .as("new store rows by exact key text").isEqualTo(old);
        return old;
    }

    /**
     * Asserts that both stores hold the same keys (trailing spaces aside, for {@code char(n)} keys) with the same
     * quantities, or, when they differ, that the difference is recorded in the change log; the old store's rows.
     */
    static Map<String, String> sameOrRecorded(Fixture fixture) {
        return sameOrRecorded(fixture, "SELECT id, qty FROM orders", "SELECT id, quantity AS qty FROM orders_v2");
    }

    /** {@link #sameOrRecorded(Fixture)} with the queries of each store's rows (columns {@code id}, {@code qty}). */
    static Map<String, String> sameOrRecorded(Fixture fixture, String oldSql, String newSql) {
        Map<String, String> old = rows(fixture.oldDb, oldSql, true);
        Map<String, String> now = rows(fixture.newDb, newSql, true);
        if (!now.equals(old)) {
            assertThat(fixture.records()).as("stores differ (old %s, new %s) and nothing is recorded", old, now)
                    .isNotEmpty();
        }
        return old;
    }

    /**
     * Resolves whatever scoped resync the write recorded with the library's own tool (verification of the scope,
     * repair of what differs), then asserts both stores hold the same rows by exact key text; the old store's rows.
     */
    static Map<String, String> converged(Fixture fixture, String oldSql, String newSql) throws SQLException {
        // the last write's async mirror may record its scoped resync after a first resolution ran (a catalog change
        // seen again by a later refresh): resolve until nothing is left, each resolution checked
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(200)).until(() -> {
                    if (!fixture.scopedResyncs().isEmpty()) {
                        DualWriteSchema.create(fixture.oldDb.dataSource());
                        Verifier verifier = fixture.verifier();
                        RowCopier copier = RowCopier.builder().oldDataSource(fixture.oldDb.dataSource())
                                .newDataSource(fixture.newDb.dataSource()).build();
                        assertThat(ScopedResyncResolver.builder().migration(Fixture.MIGRATION)
                                .changeLog(fixture.changeLog).verifier(verifier)
                                .repairer(Repairer.of(copier, verifier)).mapping(fixture.mappings.get(0)).build()
                                .resolveOnce().failed()).as("scoped resyncs the repair could not resolve").isZero();
                    }
                    return fixture.records().isEmpty();
                }); // (not asked again after: a recheck may record at any moment, and this one was empty)
        Map<String, String> old = LooseKeyStores.rows(fixture.oldDb, oldSql);
        assertThat(LooseKeyStores.rows(fixture.newDb, newSql)).as("new store rows by exact key").isEqualTo(old);
        return old;
    }

    /** The rows of {@code sql} (columns {@code id}, {@code qty}) by key text. */
    static Map<String, String> rows(TestDatabase db, String sql) {
        return rows(db, sql, false);
    }

    private static Map<String, String> rows(TestDatabase db, String sql, boolean trimmed) {
        Map<String, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            String id = String.valueOf(row.containsKey("id") ? row.get("id") : row.get("ID")); // H2 labels in upper case
            id = trimmed ? id.stripTrailing() : id;
            Object qty = row.containsKey("qty") ? row.get("qty") : row.get("QTY");
            assertThat(rows.put(id, String.valueOf(qty))).as("key %s twice in %s", id, db).isNull();
        }
        return rows;
    }
}
