package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The names a statement calls, looked up among the store's routines after it runs: every name before a parenthesis
 * except keywords, type names, built-ins that write nothing and the table of an {@code INSERT INTO t (…)}.
 */
class CalledNamesTest {

    @Test
    void callsAreFoundQualifiedQuotedAndAcrossWhitespace() {
        assertThat(SqlText.calledNames("SELECT bump(1), app.Other (2), \"Weird Name\"(3), `tick`(4) FROM dual"))
                .containsExactly("bump", "other", "weird name", "tick");
    }

    @Test
    void aCallInsideAnUpdateOrAnInsertIntoAnotherTableIsFound() {
        assertThat(SqlText.calledNames("UPDATE orders SET qty = bump(?) WHERE id = ?")).containsExactly("bump");
        assertThat(SqlText.calledNames("INSERT INTO audit (v) VALUES (note(?))")).containsExactly("note");
        assertThat(SqlText.calledNames("DO bump(2)")).containsExactly("bump");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO orders (id, code, qty) VALUES (?, ?, ?)",
            "UPDATE orders SET qty = qty + 1 WHERE id IN (1, 2) AND EXISTS (SELECT 1 FROM t WHERE t.id = orders.id)",
            "SELECT COUNT(*), MAX(qty), LOWER(code), COALESCE(note, 'f(x)') FROM orders WHERE created < NOW()",
            "CREATE TABLE t (id BIGINT, code VARCHAR(20), amount DECIMAL(10, 2), at TIMESTAMP(3))",
            "SELECT CAST(qty AS NUMERIC(10, 2)) FROM orders -- bump(1)",
            "SELECT 'bump(1)' FROM orders /* tick(2) */",
            "SELECT ROW_COUNT(), FOUND_ROWS(), LAST_INSERT_ID()",
            "SELECT lastval(), currval('orders_id_seq')"})
    void keywordsTypesBuiltInsTablesQuotesAndCommentsAreNoCalls(String sql) {
        assertThat(SqlText.calledNames(sql)).as(sql).isEmpty();
    }

    @Test
    void theAnalysisCarriesTheCallsOfEveryPart() {
        StatementAnalyzer analyzer = new StatementAnalyzer(Map.of("orders", TableMapping.builder("orders").build()),
                100, table -> List.of());
        assertThat(analyzer.analyze("SELECT bump(1)").calls()).containsExactly("bump");
        assertThat(analyzer.analyze("UPDATE orders SET qty = 1 WHERE id = 1; SELECT tick(2)").calls())
                .containsExactly("tick");
        assertThat(analyzer.analyze("BEGIN; SELECT bump(1); COMMIT").parts()).extracting(StatementAnalysis::calls)
                .contains(List.of("bump"));
        assertThat(analyzer.analyze("UPDATE orders SET qty = 1 WHERE id = 1").calls()).isEmpty();
    }
}
