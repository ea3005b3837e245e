package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round 25: round 24's rule that a condition taking a sequence's value is never run a second time by a key pre-select
 * ({@code volatile-condition}), attacked with other spellings of a sequence call: a {@code regclass} cast, {@code
 * currval}, {@code setval}, {@code lastval()}, a schema-qualified or quoted {@code nextval}, a quoted sequence after
 * {@code NEXT VALUE FOR} and before {@code .NEXTVAL}, MariaDB's {@code NEXTVAL(s)} and {@code LAST_INSERT_ID()}. Each
 * must leave its keys unknown (a scoped resync, no pre-select), whichever reason names it.
 */
class SequenceConditionsBreak25Test {

    private static final StatementAnalyzer ANALYZER = new StatementAnalyzer(
            Map.of("orders", TableMapping.builder("orders").build()), 100, table -> List.of());

    @ParameterizedTest
    @ValueSource(strings = {
            "DELETE FROM orders WHERE id = nextval('s'::regclass)",
            "DELETE FROM orders WHERE id = nextval ( 's' )",
            "DELETE FROM orders WHERE id = pg_catalog.nextval('s')",
            "DELETE FROM orders WHERE id = \"nextval\"('s')",
            "UPDATE orders SET qty = 1 WHERE id < currval('s')",
            "DELETE FROM orders WHERE id < setval('s', 10)",
            "DELETE FROM orders WHERE id = LASTVAL()",
            "DELETE FROM orders WHERE id = NEXT VALUE FOR \"S\"",
            "DELETE FROM orders WHERE id = NEXT VALUE FOR app.\"S\"",
            "DELETE FROM orders WHERE id = \"S\".NEXTVAL",
            "DELETE FROM orders WHERE id = s.nextval",
            "DELETE FROM orders WHERE id = NEXTVAL(s)",
            "DELETE FROM orders WHERE id <= LAST_INSERT_ID()",
            "UPDATE orders SET qty = 1 WHERE code = 'a' AND id > nextval('s')"})
    void aConditionTakingASequencesValueIsNeverPreselected(String sql) {
        assertThat(ANALYZER.analyze(sql).keysUnknown()).as(sql).isNotNull();
    }
}
