package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The names a statement mentions, looked up among the names of the store's catalog that make the database write
 * mapped tables: every identifier and operator anywhere in the text, lower case and without quotes, also inside
 * strings and comments (a database may run what looks like either).
 */
class MentionedNamesTest {

    @Test
    void namesAreFoundQualifiedQuotedAndAcrossWhitespaceAndComments() {
        assertThat(SqlText.names("SELECT bump /* c */ (1), app.Other (2), \"Weird Name\"(3), `tick`(4)"))
                .contains("bump", "other", "weird name", "tick", "app");
    }

    @Test
    void namesHiddenInWhatLooksLikeStringsOrCommentsAreFound() {
        assertThat(SqlText.names("SELECT $$it's$$ AS note, bump(1)")).contains("bump");
        assertThat(SqlText.names("SELECT 'C:\\' AS path, bump(2), 'x' AS y")).contains("bump");
        assertThat(SqlText.names("SELECT 1 /*! + bump(1) */")).contains("bump");
        assertThat(SqlText.names("SELECT # don't forget\n bump(2)")).contains("bump");
    }

    @Test
    void typesOperatorsAndAttributeNotationAreNames() {
        assertThat(SqlText.names("SELECT ### 2::BIGINT, CAST(1 AS bumped), a.abump FROM audit a"))
                .contains("###", "bumped", "abump", "audit");
    }

    @Test
    void aTextWithVeryManyNamesIsLookedAtWhole() {
        String many = IntStream.range(0, 300).mapToObj(i -> "'k" + i + "'").collect(Collectors.joining(", "));
        assertThat(SqlText.names("DELETE FROM orders WHERE code IN (" + many + ")"))
                .containsExactly(SqlText.MANY_NAMES);
    }

    @Test
    void aCatalogTextKeepsEveryNameItMentionsOperatorsToo() {
        String many = IntStream.range(0, 300).mapToObj(i -> "v" + i).collect(Collectors.joining(" + "));
        assertThat(SqlText.allNames("BEGIN PERFORM ### i; RETURN " + many + "; END"))
                .contains("###", "perform", "i", "v0", "v299", "+").hasSize(307);
    }

    @Test
    void theAnalysisCarriesTheNamesOfEveryPart() {
        StatementAnalyzer analyzer = new StatementAnalyzer(Map.of("orders", TableMapping.builder("orders").build()),
                100, table -> List.of());
        assertThat(analyzer.analyze("SELECT bump(1)").names()).contains("bump");
        assertThat(analyzer.analyze("UPDATE orders SET qty = 1 WHERE id = 1; SELECT tick(2)").names())
                .contains("tick", "orders");
        assertThat(analyzer.analyze("BEGIN; SELECT bump(1); COMMIT").parts()).flatExtracting(StatementAnalysis::names)
                .contains("bump");
    }
}
