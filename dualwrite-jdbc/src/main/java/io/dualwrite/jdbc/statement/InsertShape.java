package io.dualwrite.jdbc.statement;

import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.update.UpdateSet;
import net.sf.jsqlparser.statement.upsert.Upsert;
import org.jspecify.annotations.Nullable;

/**
 * The parts of an {@code INSERT}, upsert or {@code REPLACE} the analysis and the rewrite work on: the table,
 * the column list, the rows of {@code VALUES} (live lists of the parsed statement, so that the rewrite
 * can edit them) and the update sets of the conflict clause.
 */
record InsertShape(Table table, @Nullable ExpressionList<Column> columns,
                   @Nullable List<ExpressionList<Expression>> rows, List<List<UpdateSet>> updateSets,
                   @Nullable Insert insert) {

    @SuppressWarnings("unchecked")
    static @Nullable InsertShape of(Statement statement) {
        if (statement instanceof Insert insert) {
            List<List<UpdateSet>> sets = new ArrayList<>();
            if (insert.getDuplicateUpdateSets() != null) {
                sets.add(insert.getDuplicateUpdateSets());
            }
            if (insert.getConflictAction() != null && insert.getConflictAction().getUpdateSets() != null) {
                sets.add(insert.getConflictAction().getUpdateSets());
            }
            Values values = insert.getSelect() instanceof Values v ? v : null;
            return new InsertShape(insert.getTable(), insert.getColumns(), rowsOf(values, insert.getColumns()), sets,
                    insert);
        }
        if (statement instanceof Upsert upsert) {
            List<List<UpdateSet>> sets = upsert.getDuplicateUpdateSets() == null ? List.of()
                    : List.of(upsert.getDuplicateUpdateSets());
            Values values = upsert.getSelect() instanceof Values v ? v : null;
            List<ExpressionList<Expression>> rows = values != null
                    ? rowsOf(values, upsert.getColumns())
                    : upsert.getSelect() != null ? null
                    : upsert.getExpressions() == null ? null : List.of((ExpressionList<Expression>) upsert.getExpressions());
            return new InsertShape(upsert.getTable(), upsert.getColumns(), rows, sets, null);
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static @Nullable List<ExpressionList<Expression>> rowsOf(@Nullable Values values,
                                                                    @Nullable ExpressionList<Column> columns) {
        if (values == null || values.getExpressions() == null) {
            return null;
        }
        ExpressionList<Expression> expressions = values.getExpressions();
        boolean multi = !expressions.isEmpty();
        for (Expression expression : expressions) {
            if (!(expression instanceof ParenthesedExpressionList<?>)) {
                multi = false;
                break;
            }
        }
        if (multi && columns != null && columns.size() > 1
                && ((ExpressionList<?>) expressions.get(0)).size() != columns.size()) {
            multi = false;
        }
        if (!multi) {
            return List.of(expressions);
        }
        List<ExpressionList<Expression>> rows = new ArrayList<>();
        for (Expression expression : expressions) {
            rows.add((ExpressionList<Expression>) expression);
        }
        return rows;
    }

    /** The column names without quotes. */
    List<String> columnNames() {
        List<String> names = new ArrayList<>();
        if (columns != null) {
            columns.forEach(column -> names.add(SqlText.unquote(column.getColumnName())));
        }
        return names;
    }
}
