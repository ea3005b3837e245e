package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Conditions that may name other rows when the key pre-select runs them a second time make the statement record a
 * scoped resync instead (no pre-select, which would also repeat their side effects); conditions of deterministic
 * built-ins keep the pre-select.
 */
class VolatileConditionTest {

    private static final StatementAnalyzer ANALYZER = new StatementAnalyzer(
            Map.of("orders", TableMapping.builder("orders").build()), 100, table -> List.of());

    @ParameterizedTest
    @ValueSource(strings = {
            "DELETE FROM orders WHERE id = (SELECT nextval('s'))",
            "UPDATE orders SET qty = 1 WHERE id = (@n := @n + 1)",
            "UPDATE orders SET qty = 1 WHERE random() < 0.5",
            "UPDATE orders SET qty = 1 WHERE qty < RAND()",
            "DELETE FROM orders WHERE id IN (SELECT pick_ids(?))",
            "UPDATE orders SET qty = 1 WHERE code = app.next_code()",
            "UPDATE orders SET qty = 1 WHERE code = \"Weird\"(code)",
            "DELETE FROM orders WHERE id = (SELECT id FROM queue ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) AND uuid() <> ''",
            // a sequence's next value without a call (round 24)
            "DELETE FROM orders WHERE id = NEXT VALUE FOR s",
            "UPDATE orders SET qty = 1 WHERE id < next value for shop.s",
            "UPDATE orders SET qty = 1 WHERE id = (SELECT NEXT VALUE FOR s)"})
    void aConditionThatMayNameOtherRowsRecordsAScopedResync(String sql) {
        assertThat(ANALYZER.analyze(sql).keysUnknown()).as(sql).isEqualTo("volatile-condition");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "UPDATE orders SET qty = 1 WHERE LOWER(code) = ? AND created < NOW() - INTERVAL '1' DAY",
            "UPDATE orders SET qty = nextval('s') WHERE status = ANY(?) AND COALESCE(note, '') = 'x(y)'",
            "UPDATE orders SET qty = 1 WHERE tenant = current_setting('app.tenant')",
            "DELETE FROM orders WHERE CAST(code AS CHAR(3)) = SUBSTRING(?, 1, 3)",
            "UPDATE orders SET qty = 1 WHERE note = 'next value for s'"})
    void aConditionOfDeterministicBuiltInsIsPreselected(String sql) {
        assertThat(ANALYZER.analyze(sql).keysUnknown()).as(sql).isNull();
    }

    // round 24: a condition reading a relation is not run a second time by a key pre-select (a view may take a
    // sequence's next value, a concurrent change may make it name other rows): the table's scoped resync
    @ParameterizedTest
    @ValueSource(strings = {
            "DELETE FROM orders WHERE id IN (SELECT id FROM archive WHERE DATE(at) = CURRENT_DATE)",
            "UPDATE orders SET qty = 1 WHERE tenant = current_setting('app.tenant') AND EXISTS (SELECT 1 FROM t)",
            "DELETE FROM orders WHERE id = (SELECT n FROM nexts)"})
    void aConditionReadingARelationIsNotPreselected(String sql) {
        assertThat(ANALYZER.analyze(sql).keysUnknown()).as(sql).isEqualTo("condition-reads-rows");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "UPDATE orders SET qty = (SELECT max(qty) FROM orders) WHERE id = ?",
            "DELETE FROM orders WHERE id = 3 AND EXISTS (SELECT 1 FROM t)",
            "UPDATE orders SET qty = 1 WHERE note = 'select'"})
    void aKeyedConditionOrARelationReadOutsideTheConditionKeepsItsKeys(String sql) {
        assertThat(ANALYZER.analyze(sql).keysUnknown()).as(sql).isNull();
    }
}
