package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Statements rewritten for the new store whose subqueries read the mapped table or others: the subquery's own
 * table and columns are renamed where they are the mapped table's, left alone where they are another table's, and
 * a name the rewrite cannot place is refused rather than guessed.
 */
class SubqueryRewriteTest {

    private final TableMapping orders = TableMapping.builder("orders").newTable("orders_v2")
            .rename("qty", "quantity").drop("legacy").build();

    private final StatementAnalyzer analyzer = new StatementAnalyzer(Map.of("orders", orders), 100,
            table -> List.of("id", "code", "quantity", "customer_id"));

    private String onNew(String sql) {
        StatementAnalysis analysis = analyzer.analyze(sql);
        assertThat(analysis.rewriteProblem()).as("rewrite of %s", sql).isNull();
        return analysis.on(Store.NEW).sql();
    }

    private String problem(String sql) {
        return analyzer.analyze(sql).rewriteProblem();
    }

    @Test
    void aSubqueryOfTheMappedTableInSetIsRenamedWithItsColumns() {
        assertThat(onNew("UPDATE orders SET qty = (SELECT max(qty) FROM orders) WHERE id = ?"))
                .isEqualTo("UPDATE orders_v2 SET quantity = (SELECT max(quantity) FROM orders_v2) WHERE id = ?");
    }

    @Test
    void aSubqueryOfTheMappedTableInWhereIsRenamedWithItsAliasAndColumns() {
        assertThat(onNew("DELETE FROM orders WHERE qty = (SELECT min(x.qty) FROM orders x WHERE x.code = ?)"))
                .isEqualTo("DELETE FROM orders_v2 WHERE quantity = (SELECT min(x.quantity) FROM orders_v2 x WHERE x.code = ?)");
    }

    @Test
    void aSubqueryOfAnotherTableKeepsItsOwnColumnsAndRenamesOnlyTheOuterRowsReferences() {
        assertThat(onNew("UPDATE orders o SET qty = 1 WHERE EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id"
                + " AND o.qty > p.qty AND qty IS NOT NULL)"))
                .isEqualTo("UPDATE orders_v2 o SET quantity = 1 WHERE EXISTS (SELECT 1 FROM payments p WHERE"
                        + " p.order_id = o.id AND o.quantity > p.qty AND qty IS NOT NULL)");
        assertThat(onNew("UPDATE orders SET qty = 2 WHERE customer_id IN (SELECT id FROM customers WHERE qty > 3)"))
                .isEqualTo("UPDATE orders_v2 SET quantity = 2 WHERE customer_id IN (SELECT id FROM customers WHERE qty > 3)");
    }

    @Test
    void anAliasDeclaredInTheSubqueryHidesTheOuterOne() {
        assertThat(onNew("UPDATE orders o SET qty = 1 WHERE id IN (SELECT o.order_id FROM payments o WHERE o.qty > 1)"))
                .isEqualTo("UPDATE orders_v2 o SET quantity = 1 WHERE id IN (SELECT o.order_id FROM payments o WHERE o.qty > 1)");
    }

    @Test
    void nestedAndUnitedSubqueriesAreEachTheirOwnScope() {
        assertThat(onNew("UPDATE orders SET qty = 0 WHERE id IN (SELECT id FROM orders WHERE qty > (SELECT avg(qty)"
                + " FROM orders) UNION SELECT order_id FROM refunds WHERE qty < 0)"))
                .isEqualTo("UPDATE orders_v2 SET quantity = 0 WHERE id IN (SELECT id FROM orders_v2 WHERE quantity >"
                        + " (SELECT avg(quantity) FROM orders_v2) UNION SELECT order_id FROM refunds WHERE qty < 0)");
    }

    @Test
    void aReadOnTheNewStoreRenamesItsSubqueriesToo() {
        assertThat(onNew("SELECT id FROM orders WHERE qty > (SELECT avg(qty) FROM orders)"))
                .isEqualTo("SELECT id FROM orders_v2 WHERE quantity > (SELECT avg(quantity) FROM orders_v2)");
    }

    @Test
    void aColumnWithoutTableInASubqueryJoiningTheMappedTableIsRefusedWhenItsNameChanges() {
        assertThat(problem("UPDATE orders SET qty = 1 WHERE id IN (SELECT x.id FROM orders x JOIN customers c"
                + " ON c.id = x.customer_id WHERE qty > 1)")).contains("'qty'");
        // a name the new table keeps is the same whichever table it belongs to
        assertThat(onNew("UPDATE orders SET qty = 1 WHERE id IN (SELECT x.id FROM orders x JOIN customers c"
                + " ON c.id = x.customer_id WHERE code = ?)"))
                .isEqualTo("UPDATE orders_v2 SET quantity = 1 WHERE id IN (SELECT x.id FROM orders_v2 x JOIN customers c"
                        + " ON c.id = x.customer_id WHERE code = ?)");
    }

    @Test
    void aDroppedColumnReadInASubqueryOfTheMappedTableIsRefused() {
        assertThat(problem("UPDATE orders SET qty = (SELECT max(legacy) FROM orders) WHERE id = ?")).contains("legacy");
    }
}
