package io.dualwrite.jdbc.copy;

import io.dualwrite.internal.Credentials;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * An upsert the target refused with a data error no check of the copier foresaw: a {@code CHECK} constraint, a
 * domain or an enum only the target has, a value out of a range or a character set {@link Holdable} does not know.
 * Thrown inside the sync, whose transaction is then rolled back; {@link #named} turns it into the {@link
 * UnholdableValueException} the tools know, naming the row, and the column and value the target refused, so that a
 * backfill or repair writes the other rows one by one and reports the refused ones by key (a refusal of several rows
 * names none: the tools then write them one by one, and each refused one is named).
 */
final class RefusedWrite extends SQLException {

    private static final long serialVersionUID = 1L;

    /**
     * MySQL/MariaDB errors about a value that are not of SQLState class 22: a value cut ({@code 1265}, {@code 01000},
     * an enum's unknown value), a value the column's type or character set cannot take ({@code 1366}, {@code HY000}),
     * a {@code NULL} for a {@code NOT NULL} column ({@code 1048}) and a failed {@code CHECK} ({@code 4025} MariaDB,
     * {@code 3819} MySQL), both {@code 23000}.
     */
    private static final Set<Integer> MYSQL_VALUE_ERRORS = Set.of(1265, 1366, 1048, 4025, 3819);

    /** A parameter PostgreSQL names in the context of a refused input value ({@code unnamed portal parameter $4}). */
    private static final Pattern PARAMETER = Pattern.compile("parameter \\$(\\d+)");

    private final transient CopyDialect dialect;
    private final String table;
    private final transient TableColumns columns;
    private final List<String> names;
    private final transient List<TableColumns.Column> typed;
    private final transient List<TableColumns.Column> keys;
    private final transient List<Map<String, @Nullable Object>> rows;

    RefusedWrite(SQLException failure, CopyDialect dialect, String table, TableColumns columns, List<String> names,
                 List<TableColumns.Column> typed, List<TableColumns.Column> keys,
                 List<Map<String, @Nullable Object>> rows) {
        super(failure.getMessage(), failure.getSQLState(), failure.getErrorCode(), failure);
        this.dialect = dialect;
        this.table = table;
        this.columns = columns;
        this.names = List.copyOf(names);
        this.typed = List.copyOf(typed);
        this.keys = List.copyOf(keys);
        this.rows = new ArrayList<>(rows);
    }

    /**
     * Whether {@code failure} is the target's refusal of a value of the rows written: SQLState class 22 (data
     * exception), a check or not-null violation ({@code 23514}, H2's
     * {@code 23513}, {@code 23502}) or one of {@link #MYSQL_VALUE_ERRORS}.
     * A unique or foreign key violation is not: it depends on other rows, which a later sync may change.
     */
    static boolean isDataRefusal(SQLException failure) {
        for (SQLException e : chain(failure)) {
            String state = e.getSQLState();
            if (state != null && (state.startsWith("22") || state.equals("23514") || state.equals("23513")
                    || state.equals("23502"))
                    || MYSQL_VALUE_ERRORS.contains(e.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    /** {@code failure}, its causes and the exceptions chained to a batch's failure, the first of each. */
    private static List<SQLException> chain(SQLException failure) {
        List<SQLException> chain = new ArrayList<>();
        for (Throwable t = failure; t instanceof SQLException sql && chain.size() < 10; ) {
            chain.add(sql);
            Throwable next = sql instanceof BatchUpdateException || sql.getCause() == null ? sql.getNextException()
                    : sql.getCause();
            t = next == t ? null : next;
        }
        return chain;
    }

    /**
     * The target's words, on one line, without credentials, and without the statement H2 quotes (which names every
     * column).
     */
    private String reason() {
        List<SQLException> chain = chain(this);
        SQLException first = chain.get(chain.size() - 1);
        String message = first.getMessage() == null ? first.toString() : first.getMessage();
        int statement = message.indexOf("SQL statement:");
        if (statement >= 0) {
            message = message.substring(0, statement);
        }
        return Credentials.mask(message.replaceAll("\\s*\\R\\s*", "; ").trim().replaceAll(";$", ""));
    }

    /**
     * The refusal as the tools know it: of the row, naming the column (and its value) the target refused — the
     * column its message names, else the one whose value, replaced by {@code NULL} in a write of the row the target
     * then takes (rolled back at once, on a connection of {@code target}), is to blame — or of the rows, naming
     * none.
     */
    UnholdableValueException named(DataSource target) {
        String reason = reason();
        if (rows.size() != 1) {
            UnholdableValueException refused = UnholdableValueException.ofRows(table, rows.size(), reason);
            refused.initCause(this);
            return refused;
        }
        Map<String, @Nullable Object> row = rows.get(0);
        List<Integer> blamed = namedByMessage(reason);
        if (blamed.isEmpty()) {
            blamed = probed(target, row);
        }
        String key = JdbcRowCopier.keyText(row, keys).replace('\u0000', '|');
        UnholdableValueException refused;
        if (blamed.isEmpty()) {
            refused = UnholdableValueException.byTarget(table, key, "(not named by the target)",
                    "(the row's values)", reason);
        } else {
            List<String> blamedNames = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i : blamed) {
                blamedNames.add(names.get(i));
                Object value = row.get(names.get(i));
                values.add(value == null ? "NULL" : Holdable.quoted(value));
            }
            refused = UnholdableValueException.byTarget(table, key, String.join(" or ", blamedNames),
                    String.join("' or '", values), reason);
        }
        refused.initCause(this);
        return refused;
    }

    /**
     * The columns the target's message names: a column's name quoted as MySQL/MariaDB ({@code 'v'}, {@code `v`})
     * or H2 ({@code "V …"}) quote it, or the parameter PostgreSQL names in the context of a value it could not read.
     */
    private List<Integer> namedByMessage(String message) {
        List<Integer> named = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Pattern quoted = Pattern.compile("['`\"]" + Pattern.quote(names.get(i)) + "['`\" ]",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            if (quoted.matcher(message).find()) {
                named.add(i);
            }
        }
        if (named.isEmpty()) {
            Matcher parameter = PARAMETER.matcher(message);
            if (parameter.find()) {
                int index = Integer.parseInt(parameter.group(1)) - 1;
                if (index >= 0 && index < names.size()) {
                    named.add(index);
                }
            }
        }
        return named;
    }

    /**
     * The columns of the row, other than its key, that the target takes the row without: each replaced by {@code
     * NULL} in turn, in a transaction rolled back at once. Empty when none is, or when the target cannot be asked.
     */
    private List<Integer> probed(DataSource target, Map<String, @Nullable Object> row) {
        List<Integer> blamed = new ArrayList<>();
        String upsert = JdbcRowCopier.upsertText(dialect, columns, typed, keys, 1, false);
        try (Connection connection = target.getConnection()) {
            CopierSession session = dialect == CopyDialect.MYSQL
                    ? CopierSession.enterMySql(connection, JdbcRowCopier.zoned(List.of(columns))) : null;
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(upsert)) {
                for (int nulled = 0; nulled < names.size(); nulled++) {
                    if (row.get(names.get(nulled)) == null || isKey(names.get(nulled))) {
                        continue;
                    }
                    for (int i = 0; i < names.size(); i++) {
                        Object value = i == nulled ? null : Values.writtenValue(row.get(names.get(i)), typed.get(i));
                        Values.bind(statement, i + 1, value, typed.get(i), dialect);
                    }
                    try {
                        statement.executeUpdate();
                        blamed.add(nulled);
                    } catch (SQLException stillRefused) {
                        // not this column, or not this column alone
                    } finally {
                        connection.rollback();
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
                if (session != null) {
                    session.restore();
                }
            }
        } catch (SQLException | RuntimeException e) {
            addSuppressed(e);
            return List.of();
        }
        return blamed;
    }

    private boolean isKey(String name) {
        return keys.stream().anyMatch(key -> key.name().equalsIgnoreCase(name));
    }

}
