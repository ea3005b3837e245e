package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which tables a text writes, as the analysis reports them ({@link StatementAnalysis#writtenTables()}, {@link
 * StatementAnalysis#assignedColumns()}), and which mapped ones it resyncs: the targets of multi-table writes and
 * {@code WITH} items, and of texts the parser does not read, found by {@link SqlText#targets}.
 */
class WrittenTablesTest {

    private final StatementAnalyzer analyzer = new StatementAnalyzer(
            Map.of("orders", TableMapping.builder("orders").newTable("orders_v2").build()), 100,
            table -> List.of("id", "qty"));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE orders SET qty = 1 WHERE id = 2                                             | orders",
        "UPDATE customers c JOIN orders o ON o.id = c.id SET c.flag = 1, o.qty = 5          | customers,orders",
        "UPDATE customers c JOIN orders o ON o.id = c.id SET o.qty = 5                      | orders",
        "UPDATE customers c JOIN orders o ON o.id = c.id SET c.flag = 1                     | customers",
        "UPDATE customers c, orders o SET flag = 1                                          | customers,orders",
        "DELETE c, o FROM customers c JOIN orders o ON o.id = c.id                          | customers,orders",
        "DELETE o FROM customers c JOIN orders o ON o.id = c.id                             | orders",
        "DELETE FROM c, o USING customers c JOIN orders o ON o.id = c.id                    | customers,orders",
        "DELETE FROM orders USING customers c WHERE c.id = orders.id                        | orders",
        "WITH d AS (DELETE FROM customers RETURNING id) DELETE FROM audit                   | audit,customers",
        "WITH u AS (UPDATE orders SET qty = 1 RETURNING id) SELECT id FROM u               | orders"})
    void writtenTablesAreTheTargetsNotTheFirstNamedTable(String sql, String expected) {
        assertThat(analyzer.analyze(sql).writtenTables()).containsExactly(expected.split(","));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE customers c JOIN orders o ON o.id = c.id SET o.qty = 5 WHERE c.id = 1   | true",
        "DELETE FROM c, o USING customers c JOIN orders o ON o.id = c.id                | true",
        "DELETE c FROM customers c JOIN orders o ON o.id = c.id WHERE o.qty = 1         | false",
        "DELETE FROM c USING customers c JOIN orders o ON o.id = c.id WHERE o.qty = 1   | false",
        "UPDATE customers c JOIN orders o ON o.id = c.id SET c.flag = o.qty             | false"})
    void ordersIsResyncedOnlyWhenItIsWritten(String sql, boolean resynced) {
        StatementAnalysis analysis = analyzer.analyze(sql);
        assertThat(analysis.resyncTables().stream().map(TableMapping::oldTable).toList().contains("orders")
                || analysis.mapped() && analysis.keysUnknown() != null).isEqualTo(resynced);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UPDATE orders SET qty = 1, code = 'a' WHERE id = 2                                    | qty,code",
        "INSERT INTO orders (id, qty) VALUES (1, 2) ON DUPLICATE KEY UPDATE qty = VALUES(qty)  | qty",
        "INSERT INTO orders (id, qty) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET qty = 3     | qty",
        "INSERT INTO orders (id, qty) VALUES (1, 2) ON CONFLICT (id) DO NOTHING                | ''",
        "REPLACE INTO orders (id, qty) VALUES (1, 2)                                           | <any>",
        "DELETE FROM orders WHERE id = 1                                                       | <any>"})
    void assignedColumnsAreKnownForUpdatesAndUpsertsThatDeleteNothing(String sql, String expected) {
        List<String> assigned = analyzer.analyze(sql).assignedColumns();
        if (expected.equals("<any>")) {
            assertThat(assigned).isNull();
        } else {
            assertThat(assigned).containsExactly(expected.isEmpty() ? new String[0] : expected.split(","));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "DELETE FROM parents WHERE n OPERATOR(pg_catalog.=) 0                          | parents",
        "delete low_priority quick ignore from `p` where 1 order by id limit 1         | `p`",
        "UPDATE \"Shop\" . \"Parents\" SET n = 1; INSERT INTO audit VALUES (1)        | \"Shop\".\"Parents\",audit",
        "INSERT INTO t (a) VALUES (1) ON DUPLICATE KEY UPDATE a = 2                    | t",
        "TRUNCATE TABLE a, b; MERGE INTO c USING d ON 1 = 1 WHEN MATCHED THEN DELETE   | a,b,c",
        "UPDATE a x, b y SET x.n = 1                                                   | a,b",
        "SELECT 'DELETE FROM hidden' /* UPDATE other SET */ FROM t FOR UPDATE          | ''"})
    void tokenScanFindsTheTargetsOfAText(String sql, String expected) {
        assertThat(SqlText.targets(sql)).containsExactly(expected.isEmpty() ? new String[0] : expected.split(","));
    }
}
