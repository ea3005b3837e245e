package io.dualwrite.jdbc.statement;

import io.dualwrite.mapping.TableMapping;
import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.schema.Column;

/**
 * Renames the column references of one mapped table to their new names, everywhere inside an
 * expression; a reference to a dropped column makes the statement impossible to rewrite.
 */
final class ColumnRenamer extends ExpressionVisitorAdapter<Void> {

    private final TableMapping mapping;
    private final Set<String> qualifiers; // lower-case names and aliases that denote the mapped table

    ColumnRenamer(TableMapping mapping, Set<String> qualifiers) {
        this.mapping = mapping;
        this.qualifiers = qualifiers;
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
        String renamed = mapping.newColumn(name).orElseThrow(
                () -> new Rewriter.NotRewritableRuntime("column '" + name + "' is dropped in the new table"));
        column.setColumnName(renamed);
        if (qualifier != null && qualifier.equalsIgnoreCase(mapping.oldTable())) {
            column.getTable().setName(mapping.newTable());
        }
        return null;
    }
}
