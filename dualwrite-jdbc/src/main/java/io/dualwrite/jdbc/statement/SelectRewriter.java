package io.dualwrite.jdbc.statement;

import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * Rewrites a {@code SELECT} on one mapped table for the new store so that the application still sees the
 * old column names: the table is renamed, each renamed column is selected as {@code new_col AS old_col},
 * and {@code *} is expanded from the new table's columns (added columns left out).
 */
final class SelectRewriter {

    private final Map<String, TableMapping> mappings;
    private final StatementAnalyzer.NewTableColumns newColumns;

    SelectRewriter(Map<String, TableMapping> mappings, StatementAnalyzer.NewTableColumns newColumns) {
        this.mappings = mappings;
        this.newColumns = newColumns;
    }

    StatementAnalysis analyze(String sql, String numbered, Statement statement) {
        if (!(statement instanceof PlainSelect select) || !(select.getFromItem() instanceof Table table)) {
            return StatementAnalysis.passThrough(sql, SqlKind.SELECT);
        }
        TableMapping mapping = mappings.get(SqlText.unquote(table.getName()).toLowerCase(Locale.ROOT));
        if (mapping == null) {
            return StatementAnalysis.passThrough(sql, SqlKind.SELECT);
        }
        RenderedSql onOld = StatementAnalysis.identity(sql, SqlText.countParameters(sql));
        RenderedSql onNew = null;
        String problem = null;
        try {
            onNew = rewrite(numbered, mapping);
        } catch (Rewriter.NotRewritableRuntime | Rewriter.NotRewritable e) {
            problem = e.getMessage();
        } catch (Exception e) {
            problem = "rewrite failed: " + e;
        }
        return new StatementAnalysis(sql, SqlKind.SELECT, mapping, null, false, List.of(), null, null, null,
                onOld, onNew, null, null, problem, null, List.of(), null, false, false, TxControl.NONE,
                List.of(), List.of(), null, List.of(), List.of(), null, null);
    }

    private RenderedSql rewrite(String numbered, TableMapping mapping) throws Exception {
        PlainSelect select = (PlainSelect) StatementAnalyzer.parse(numbered);
        Table table = (Table) select.getFromItem();
        if (select.getJoins() != null && !select.getJoins().isEmpty()) {
            for (Join join : select.getJoins()) {
                if (join.getFromItem() instanceof Table other
                        && mappings.containsKey(SqlText.unquote(other.getName()).toLowerCase(Locale.ROOT))) {
                    throw new Rewriter.NotRewritable("a join of two mapped tables is not rewritten");
                }
            }
        }
        Set<String> qualifiers = new HashSet<>();
        qualifiers.add(SqlText.unquote(table.getName()).toLowerCase(Locale.ROOT));
        String qualifier = table.getAlias() != null ? table.getAlias().getName() : null;
        if (qualifier != null) {
            qualifiers.add(qualifier.toLowerCase(Locale.ROOT));
        }
        ColumnRenamer renamer = new ColumnRenamer(mapping, qualifiers, newColumns);
        boolean joined = select.getJoins() != null && !select.getJoins().isEmpty();
        List<SelectItem<?>> items = new ArrayList<>();
        for (SelectItem<?> item : select.getSelectItems()) {
            Expression expression = item.getExpression();
            if (expression instanceof AllColumns && !(expression instanceof AllTableColumns) && !joined) {
                items.addAll(expand(mapping, null));
            } else if (expression instanceof AllTableColumns all
                    && qualifiers.contains(SqlText.unquote(all.getTable().getName()).toLowerCase(Locale.ROOT))) {
                items.addAll(expand(mapping, qualifier != null ? qualifier : mapping.newTable()));
            } else if (expression instanceof Column column && item.getAlias() == null) {
                String oldName = SqlText.unquote(column.getColumnName());
                column.accept(renamer, null);
                SelectItem<Column> renamed = new SelectItem<>(column);
                if (!column.getColumnName().equalsIgnoreCase(oldName)) {
                    renamed.setAlias(new Alias(oldName, true));
                }
                items.add(renamed);
            } else {
                expression.accept(renamer, null);
                items.add(item);
            }
        }
        select.setSelectItems(items);
        StatementAnalyzer.renameTable(table, StatementAnalyzer.newTableName(newColumns, mapping));
        if (select.getWhere() != null) {
            select.getWhere().accept(renamer, null);
        }
        if (select.getOrderByElements() != null) {
            for (OrderByElement element : select.getOrderByElements()) {
                element.getExpression().accept(renamer, null);
            }
        }
        if (select.getGroupBy() != null) {
            select.getGroupBy().getGroupByExpressionList().forEach(e -> ((Expression) e).accept(renamer, null));
        }
        if (select.getHaving() != null) {
            select.getHaving().accept(renamer, null);
        }
        Map<Integer, String> parameterColumns = new java.util.HashMap<>();
        StatementAnalyzer.collectEqualities(((PlainSelect) StatementAnalyzer.parse(numbered)).getWhere(),
                new java.util.HashMap<>(), parameterColumns);
        parameterColumns.values().removeIf(column -> !mapping.transforms(column));
        return SqlText.plan(select.toString(), List.of(), parameterColumns);
    }

    private List<SelectItem<?>> expand(TableMapping mapping, String qualifier) {
        List<SelectItem<?>> items = new ArrayList<>();
        for (String newColumn : newColumns.of(mapping.newTable())) {
            var oldColumn = mapping.oldColumn(newColumn);
            if (oldColumn.isEmpty()) {
                continue; // an added column: the application does not know it
            }
            String spelled = StatementAnalyzer.newColumnName(newColumns, mapping, newColumn);
            Column column = qualifier == null ? new Column(spelled) : new Column(new Table(qualifier), spelled);
            SelectItem<Column> item = new SelectItem<>(column);
            if (!oldColumn.get().equalsIgnoreCase(newColumn)) {
                item.setAlias(new Alias(oldColumn.get(), true));
            }
            items.add(item);
        }
        return items;
    }
}
