package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import org.junit.jupiter.api.Test;

/**
 * A table mapping written as a new user writes it: a column given twice (where the second setting would silently
 * replace the first) is refused naming the column, and a name that is not an identifier is refused with the fix.
 */
class MappingConfigBreakTest {

    private static final ValueTransformer SAME = ValueTransformer.of(v -> v, v -> v);

    @Test
    void aColumnAddedTwiceIsRefusedNamingItEvenInAnotherCase() {
        assertThatThrownBy(() -> TableMapping.builder("orders").add("status", "NEW").add("STATUS", "OLD"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("add of column 'STATUS' is set twice (first as 'status'); give each added column once,"
                        + " with its one value");
        assertThatThrownBy(() -> TableMapping.builder("orders").add("status", null).add("status", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add of column 'status' is set twice");
    }

    @Test
    void aColumnTransformedTwiceIsRefusedNamingIt() {
        assertThatThrownBy(() -> TableMapping.builder("orders").transform("card", SAME).transform("Card", SAME))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transform of column 'Card' is set twice; compose the two into one ValueTransformer");
    }

    @Test
    void aColumnRenamedTwiceIsRefusedNamingBothTargets() {
        assertThatThrownBy(() -> TableMapping.builder("orders").rename("qty", "quantity").rename("QTY", "amount"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rename of column 'QTY' is set twice (to 'quantity' and to 'amount'); rename each column"
                        + " once");
    }

    @Test
    void distinctColumnsStillBuild() {
        TableMapping mapping = TableMapping.builder("orders").add("status", "NEW").add("source", "web")
                .transform("card", SAME).transform("iban", SAME).rename("qty", "quantity").build();

        assertThat(mapping.addedColumns()).containsEntry("status", "NEW").containsEntry("source", "web");
        assertThat(mapping.transforms("card")).isTrue();
        assertThat(mapping.transforms("iban")).isTrue();
    }

    @Test
    void aQuotedIdentifierIsRefusedWithTheFixOfGivingTheBareName() {
        assertThatThrownBy(() -> TableMapping.builder("`orders`"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but was '`orders`'")
                .hasMessageEndingWith("give the bare name, without quotes, backticks or brackets: the library quotes"
                        + " every identifier it generates, so mixed case and reserved words need none");
        assertThatThrownBy(() -> TableMapping.builder("orders").rename("\"qty\"", "quantity"))
                .hasMessageContaining("rename.oldColumn").hasMessageContaining("without quotes");
        assertThatThrownBy(() -> TableMapping.builder("orders").merchantIdColumn("[merchant]"))
                .hasMessageContaining("merchantIdColumn").hasMessageContaining("without quotes");
    }

    @Test
    void otherBadIdentifiersAreRefusedEachWithAFix() {
        assertThatThrownBy(() -> TableMapping.builder("orders").newTable(" orders_v2"))
                .hasMessageEndingWith("remove the spaces around the name");
        assertThatThrownBy(() -> TableMapping.builder("orders").add("x".repeat(64), 1))
                .hasMessageEndingWith("rename it in the database first")
                .hasMessageContaining("would not address the same object on both stores");
        assertThatThrownBy(() -> TableMapping.builder("orders").newTable("orders_v2; DROP TABLE victim"))
                .hasMessageContaining("SQL, comments or separators are never part of it");
        assertThatThrownBy(() -> TableMapping.builder("orders").drop(null))
                .hasMessage("drop must be an unquoted SQL identifier ([A-Za-z_][A-Za-z0-9_$]*, at most 63 characters),"
                        + " but was null; give the name of the table or column as the database knows it");
    }
}
