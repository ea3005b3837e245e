package io.dualwrite.jdbc.statement;

import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;

/**
 * Renames the column references of one mapped table to their new names, everywhere inside an
 * expression; a reference to a dropped column makes the statement impossible to rewrite.
 *
 * <p>Subqueries are scopes of their own, resolved as SQL resolves names: a subquery that reads the mapped table
 * ({@code SET qty = (SELECT max(qty) FROM orders)}) gets the new table's name, and its columns without a table
 * are the mapped table's when it reads no other table; where it joins another one, such a column is ambiguous to
 * a rewrite that knows only the mapped table's columns, and one the mapping renames or drops makes the statement
 * impossible to rewrite. In a subquery of other tables only, columns without a table are theirs. A name or alias
 * a subquery declares hides an outer one of the same spelling.
 */
final class ColumnRenamer extends ExpressionVisitorAdapter<Void> {

    /** What a column without a table is in this scope. */
    private enum Unqualified {
        /** The mapped table's: renamed. */
        MAPPED,
        /** Another table's: left as written. */
        OTHER,
        /** The mapped table's or another's: refused when the mapping renames or drops its name. */
        AMBIGUOUS
    }

    private final TableMapping mapping;
    private final Set<String> qualifiers; // lower-case names and aliases that denote the mapped table
    private final Unqualified unqualified;
    private final StatementAnalyzer.NewTableColumns names;

    ColumnRenamer(TableMapping mapping, Set<String> qualifiers, StatementAnalyzer.NewTableColumns names) {
        this(mapping, qualifiers, Unqualified.MAPPED, names);
    }

    private ColumnRenamer(TableMapping mapping, Set<String> qualifiers, Unqualified unqualified,
                          StatementAnalyzer.NewTableColumns names) {
        this.mapping = mapping;
        this.qualifiers = qualifiers;
        this.unqualified = unqualified;
        this.names = names;
    }

    @Override
    public <S> Void visit(ParenthesedSelect select, S context) {
        subquery(select.getSelect());
        return null;
    }

    @Override
    public <S> Void visit(Select select, S context) {
        subquery(select);
        return null;
    }

    private void subquery(Select select) {
        if (select.getWithItemsList() != null && !select.getWithItemsList().isEmpty()) {
            throw new Rewriter.NotRewritableRuntime("a subquery with its own WITH clause is not rewritten");
        }
        if (select instanceof ParenthesedSelect parenthesed) {
            subquery(parenthesed.getSelect());
        } else if (select instanceof SetOperationList union) {
            union.getSelects().forEach(this::subquery);
        } else if (select instanceof PlainSelect plain) {
            plainSubquery(plain);
        } else {
            throw new Rewriter.NotRewritableRuntime("a subquery of this shape is not rewritten: " + select);
        }
        if (select.getOrderByElements() != null) {
            select.getOrderByElements().forEach(element -> element.getExpression().accept(this, null));
        }
    }

    private void plainSubquery(PlainSelect select) {
        List<FromItem> items = new ArrayList<>();
        if (select.getFromItem() != null) {
            items.add(select.getFromItem());
        }
        if (select.getJoins() != null) {
            select.getJoins().forEach(join -> items.add(join.getFromItem()));
        }
        Set<String> scope = new HashSet<>(qualifiers);
        boolean mapped = false;
        boolean others = false;
        for (FromItem item : items) {
            String declared = item.getAlias() != null ? item.getAlias().getName()
                    : item instanceof Table table ? SqlText.unquote(table.getName()) : null;
            if (declared != null) {
                scope.remove(SqlText.unquote(declared).toLowerCase(Locale.ROOT));
            }
        }
        for (FromItem item : items) {
            if (item instanceof Table table && isMapped(table)) {
                mapped = true;
                scope.add(SqlText.unquote(table.getName()).toLowerCase(Locale.ROOT));
                if (table.getAlias() != null) {
                    scope.add(SqlText.unquote(table.getAlias().getName()).toLowerCase(Locale.ROOT));
                }
                StatementAnalyzer.renameTable(table, StatementAnalyzer.newTableName(names, mapping));
            } else {
                others = true;
                if (item instanceof ParenthesedSelect derived) {
                    subquery(derived.getSelect()); // a derived table sees the outer scope only
                }
            }
        }
        ColumnRenamer inner = new ColumnRenamer(mapping, scope,
                mapped ? (others ? Unqualified.AMBIGUOUS : Unqualified.MAPPED) : Unqualified.OTHER, names);
        List<Expression> expressions = new ArrayList<>();
        for (SelectItem<?> item : select.getSelectItems()) {
            expressions.add(item.getExpression());
        }
        if (select.getJoins() != null) {
            for (Join join : select.getJoins()) {
                expressions.addAll(join.getOnExpressions());
                if (join.getUsingColumns() != null && !join.getUsingColumns().isEmpty()) {
                    throw new Rewriter.NotRewritableRuntime("a subquery joining USING (…) is not rewritten");
                }
            }
        }
        expressions.add(select.getWhere());
        expressions.add(select.getHaving());
        if (select.getGroupBy() != null) {
            select.getGroupBy().getGroupByExpressionList().forEach(e -> expressions.add((Expression) e));
        }
        for (Expression expression : expressions) {
            if (expression != null) {
                expression.accept(inner, null);
            }
        }
    }

    /** Whether {@code table} names the mapped table (by its name as written, schema or not). */
    private boolean isMapped(Table table) {
        String name = SqlText.unquote(table.getName());
        String old = mapping.oldTable();
        String plainOld = old.substring(old.lastIndexOf('.') + 1);
        return name.equalsIgnoreCase(plainOld) && (table.getSchemaName() == null || old.indexOf('.') < 0
                || SqlText.unquote(table.getSchemaName()).equalsIgnoreCase(old.substring(0, old.indexOf('.'))));
    }

    @Override
    public <S> Void visit(Column column, S context) {
        String qualifier = column.getTable() == null || column.getTable().getName() == null ? null
                : SqlText.unquote(column.getTable().getName()).toLowerCase(Locale.ROOT);
        if (qualifier != null && !qualifiers.contains(qualifier)) {
            return null;
        }
        String name = SqlText.unquote(column.getColumnName());
        if (qualifier == null && (name.equalsIgnoreCase("true") || name.equalsIgnoreCase("false"))) {
            return null;
        }
        if (qualifier == null && unqualified == Unqualified.OTHER) {
            return null;
        }
        if (qualifier == null && unqualified == Unqualified.AMBIGUOUS) {
            if (!mapping.newColumn(name).map(name::equalsIgnoreCase).orElse(false)) {
                throw new Rewriter.NotRewritableRuntime("column '" + name + "' of a subquery that joins the mapped"
                        + " table to another one names no table, and the new table renames or drops it");
            }
            return null;
        }
        String renamed = mapping.newColumn(name).orElseThrow(
                () -> new Rewriter.NotRewritableRuntime("column '" + name + "' is dropped in the new table"));
        column.setColumnName(StatementAnalyzer.newColumnName(names, mapping, renamed));
        if (qualifier != null && qualifier.equalsIgnoreCase(mapping.oldTable())) {
            StatementAnalyzer.renameTable(column.getTable(), StatementAnalyzer.newTableName(names, mapping));
        }
        return null;
    }
}
