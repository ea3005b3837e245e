package io.dualwrite.jdbc.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Policy;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.jdbc.DualWriteDataSource;
import io.dualwrite.jdbc.statement.SqlKind;
import io.dualwrite.jdbc.statement.StatementAnalysis;
import io.dualwrite.jdbc.statement.StatementAnalyzer;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Input 28: a 1 MB {@code UPDATE orders SET note = 'x' WHERE id IN (1, 2, …)} through the data source runs on the
 * authoritative store, is not parsed (longer than {@link StatementAnalyzer#MAX_ANALYZED_LENGTH}), and records a
 * scoped resync of {@code orders} rather than silence; 60 distinct statements of that size leave the analysis cache
 * bounded by its weight (read through reflection: the cache is private to {@link StatementAnalyzer}, which the data
 * source keeps in a package-private configuration record).
 */
class LargeStatementTest {

    private static final int ROWS = 1_000;
    private static final int ONE_MB = 1 << 20;

    /** {@code UPDATE orders SET note = '<note>' WHERE id IN (<first>, 1, 2, 3, …)}, at least 1 MiB long. */
    static String largeUpdate(String note, long first) {
        StringBuilder sql = new StringBuilder(ONE_MB + 16).append("UPDATE orders SET note = '").append(note)
                .append("' WHERE id IN (").append(first);
        for (long id = 1; sql.length() < ONE_MB; id++) {
            sql.append(", ").append(id);
        }
        return sql.append(')').toString();
    }

    // input 28
    @Test
    void h2OneMegabyteUpdateRunsUnparsedAndRecordsAScopedResync() throws Exception {
        oneMegabyteUpdate(Kind.H2);
    }

    // input 28, on PostgreSQL
    @Test
    void postgresOneMegabyteUpdateRunsUnparsedAndRecordsAScopedResync() throws Exception {
        oneMegabyteUpdate(Kind.POSTGRES);
    }

    private static void oneMegabyteUpdate(Kind kind) throws Exception {
        try (Fixture fixture = Fixture.of(kind, kind)) {
            seed(fixture, kind);
            String viaLibrary = largeUpdate("x", 0);
            String plain = largeUpdate("p", 0);
            assertThat(viaLibrary.length()).isGreaterThanOrEqualTo(ONE_MB).isGreaterThan(StatementAnalyzer.MAX_ANALYZED_LENGTH);

            StatementAnalysis analysis = analyzer(fixture.dataSource).analyze(viaLibrary);
            assertThat(analysis.kind()).as("not parsed: a parsed UPDATE would be of kind UPDATE").isEqualTo(SqlKind.UNKNOWN);
            assertThat(analysis.mapping()).isNull();
            assertThat(analysis.resyncTables()).extracting(mapping -> mapping.oldTable()).containsExactly("orders");

            try (Connection raw = fixture.oldDb.dataSource().getConnection(); Statement statement = raw.createStatement()) {
                assertThat(statement.executeUpdate(largeUpdate("w", -1))).as("warm-up, not timed").isEqualTo(ROWS);
            }
            long plainStart = System.nanoTime();
            try (Connection raw = fixture.oldDb.dataSource().getConnection(); Statement statement = raw.createStatement()) {
                assertThat(statement.executeUpdate(plain)).isEqualTo(ROWS);
            }
            long plainNanos = System.nanoTime() - plainStart;
            long libraryStart = System.nanoTime();
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                assertThat(statement.executeUpdate(viaLibrary)).isEqualTo(ROWS);
            }
            long libraryNanos = System.nanoTime() - libraryStart;
            System.out.printf("input 28 (%s): a %,d-char UPDATE of %d rows: plain JDBC %d ms, through the data source %d ms%n",
                    kind, viaLibrary.length(), ROWS, plainNanos / 1_000_000, libraryNanos / 1_000_000);

            assertThat(fixture.oldDb.count("SELECT COUNT(*) FROM orders WHERE note = 'x'")).isEqualTo(ROWS);
            assertThat(fixture.scopedResyncs()).extracting(r -> r.table() + "/" + r.key() + "/" + r.target())
                    .containsExactly("orders/" + ChangeRecord.WHOLE_TABLE + "/NEW");
            assertThat(fixture.dataSource.scopedResyncCount()).isOne();
            System.out.println("input 28 (" + kind + "): recorded " + fixture.scopedResyncs());

            // the same through a PreparedStatement, with another distinct large statement
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement statement = connection.prepareStatement(largeUpdate("y", 0))) {
                assertThat(statement.executeUpdate()).isEqualTo(ROWS);
            }
            assertThat(fixture.dataSource.scopedResyncCount()).isEqualTo(2);

            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(fixture.records()).isEmpty();
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, note")).hasSize(ROWS)
                    .allSatisfy(row -> assertThat(row.get("note")).isEqualTo("y"));
        }
    }

    // input 28, beyond the brief: under NEW_PRIMARY the unparsed statement cannot be rewritten to the new table. It
    // must either run on the new table (and record a resync of the old store) or fail saying it cannot run on the
    // new store; it must not be sent unrewritten, naming the old table, to the new store
    @Test
    void h2OneMegabyteUpdateUnderNewPrimaryIsNotSentUnrewrittenToTheNewStore() throws Exception {
        try (Fixture fixture = Fixture.builder(Kind.H2, Kind.H2).phase(io.dualwrite.MigrationPhase.NEW_PRIMARY).build()) {
            seed(fixture, Kind.H2);
            String sql = largeUpdate("x", 0);
            SQLException failure = null;
            int count = -1;
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                count = statement.executeUpdate(sql);
            } catch (SQLException e) {
                failure = e;
            }
            String outcome = failure == null ? "ran, " + count + " rows; recorded " + fixture.scopedResyncs()
                    : "failed: " + failure.getMessage().lines().findFirst().orElse("");
            System.out.println("input 28 (H2, NEW_PRIMARY): a 1 MB UPDATE through the data source " + outcome);
            if (failure == null) {
                assertThat(fixture.newDb.count("SELECT COUNT(*) FROM orders_v2 WHERE note = 'x'")).isEqualTo(ROWS);
                assertThat(fixture.scopedResyncs()).extracting(r -> r.table() + "/" + r.target())
                        .containsExactly("orders/OLD");
            } else {
                assertThat(failure.getMessage()).as("the caller is told why").contains("cannot be rewritten for the new store").contains("orders_v2");
                assertThat(Rows.assertOrdersSame(fixture, "id, qty, note")).hasSize(ROWS);
            }
        }
    }

    // input 28: 60 distinct 1 MB statements through the data source do not pile up in the analysis cache
    @Test
    void h2SixtyDistinctOneMegabyteStatementsKeepTheAnalysisCacheBounded() throws Exception {
        try (Fixture fixture = Fixture.of(Kind.H2, Kind.H2)) {
            seed(fixture, Kind.H2);
            StatementAnalyzer analyzer = analyzer(fixture.dataSource);
            Cache<String, StatementAnalysis> cache = cache(analyzer);
            Policy.Eviction<String, StatementAnalysis> eviction = cache.policy().eviction().orElseThrow();
            long totalChars = 0;
            long start = System.nanoTime();
            long largestRetainedChars = 0;
            try (Connection connection = fixture.dataSource.getConnection(); Statement statement = connection.createStatement()) {
                for (int i = 1; i <= 60; i++) {
                    String sql = largeUpdate("x" + i, 100_000 + i);
                    totalChars += sql.length();
                    assertThat(statement.executeUpdate(sql)).isEqualTo(ROWS);
                    cache.cleanUp();
                    largestRetainedChars = Math.max(largestRetainedChars, retainedChars(cache));
                }
            }
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            cache.cleanUp();
            long retained = retainedChars(cache);
            System.out.printf("input 28: 60 distinct statements, %,d chars in all, ran in %d ms; the cache keeps %d entries"
                            + " (%,d chars of SQL; at most %,d chars at any point), weighed %,d of a maximum of %,d%n",
                    totalChars, elapsed, cache.estimatedSize(), retained, largestRetainedChars,
                    eviction.weightedSize().orElse(-1), eviction.getMaximum());

            assertThat(eviction.weightedSize().orElseThrow()).isLessThanOrEqualTo(eviction.getMaximum());
            // the weigher counts 8 bytes a char, so the cache holds at most maximum / 8 chars of SQL: ~5 MB, not 60
            assertThat(largestRetainedChars).as("chars of SQL the cache held at its fullest")
                    .isLessThanOrEqualTo(eviction.getMaximum() / 8).isLessThan(10L * ONE_MB);
            assertThat(fixture.dataSource.scopedResyncCount()).isEqualTo(60);
            fixture.resolveScopedResyncs(Fixture.ORDERS);
            assertThat(Rows.assertOrdersSame(fixture, "id, qty, note")).hasSize(ROWS)
                    .allSatisfy(row -> assertThat(row.get("note")).isEqualTo("x60"));
        }
    }

    private static void seed(Fixture fixture, Kind kind) {
        fixture.onOld("CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, note VARCHAR(20))",
                kind == Kind.POSTGRES ? "INSERT INTO orders (id, qty, note) SELECT g, 1, 'n' FROM generate_series(1, " + ROWS + ") g"
                        : "INSERT INTO orders (id, qty, note) SELECT X, 1, 'n' FROM SYSTEM_RANGE(1, " + ROWS + ")");
        fixture.onNew("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, quantity INT, note VARCHAR(20))",
                kind == Kind.POSTGRES ? "INSERT INTO orders_v2 (id, quantity, note) SELECT g, 1, 'n' FROM generate_series(1, " + ROWS + ") g"
                        : "INSERT INTO orders_v2 (id, quantity, note) SELECT X, 1, 'n' FROM SYSTEM_RANGE(1, " + ROWS + ")");
        Rows.assertOrdersSame(fixture, "id, qty, note");
    }

    private static long retainedChars(Cache<String, StatementAnalysis> cache) {
        return cache.asMap().keySet().stream().mapToLong(String::length).sum();
    }

    /** The data source's own analyzer (in its package-private configuration record). */
    private static StatementAnalyzer analyzer(DualWriteDataSource dataSource) throws Exception {
        Field config = DualWriteDataSource.class.getDeclaredField("config");
        config.setAccessible(true);
        Object value = config.get(dataSource);
        Method analyzer = value.getClass().getDeclaredMethod("analyzer");
        analyzer.setAccessible(true);
        return (StatementAnalyzer) analyzer.invoke(value);
    }

    @SuppressWarnings("unchecked")
    private static Cache<String, StatementAnalysis> cache(StatementAnalyzer analyzer) throws Exception {
        Field cache = StatementAnalyzer.class.getDeclaredField("cache");
        cache.setAccessible(true);
        return (Cache<String, StatementAnalysis>) cache.get(analyzer);
    }
}
