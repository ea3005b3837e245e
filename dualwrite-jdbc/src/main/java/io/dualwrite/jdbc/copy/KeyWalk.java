package io.dualwrite.jdbc.copy;

import io.dualwrite.Store;
import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.KeyCodec;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Walks the primary keys of one table of one store by keyset, in the order of the table's primary-key
 * index: {@code WHERE key > :after [AND key <= :upTo] ORDER BY key LIMIT :n}, never {@code OFFSET}. The
 * keys come back in the copier's form ({@link KeyCodec} text of the store's own values, the form
 * {@link RowCopier#sync} takes), so a walk's keys can be synced as they are.
 *
 * <p><b>Order.</b> Every comparison and the {@code ORDER BY} run in the database, on the key columns as
 * declared, so both use the columns' own collation: the order of the primary-key index. A primary key is
 * unique under exactly that collation, so the order is total over the table's keys, and a range
 * {@code (after, upTo]} holds each key of the table exactly once whatever the collation (MariaDB's
 * case-insensitive, PAD SPACE defaults included). No key is compared in Java. Bounds are keys that an
 * earlier walk returned, bound with their columns' types.
 *
 * <p><b>Filter.</b> A walk can keep to the rows whose merchant column (of the mapping) equals one id. The
 * comparison is exact on every database: on MySQL/MariaDB a text column is compared as bytes too, so that
 * {@code 'M-1'} or {@code 'm-1 '} are other merchants, as they are to the switches.
 *
 * <p>Immutable and thread-safe; the caller passes the connection (in auto-commit, to see the latest
 * commits) and closes it.
 */
public final class KeyWalk {

    private final TableMapping mapping;
    private final Store side;
    private final CopyDialect dialect;
    private final TableColumns columns;
    private final List<TableColumns.Column> keyColumns;
    private final TableColumns.@Nullable Column merchantColumn;
    /** The collation of each text key column, by lower-cased name, as the catalog names it; none on H2. */
    private final java.util.Map<String, String> keyCollations;

    private KeyWalk(TableMapping mapping, Store side, CopyDialect dialect, TableColumns columns,
                    List<TableColumns.Column> keyColumns, TableColumns.@Nullable Column merchantColumn,
                    java.util.Map<String, String> keyCollations) {
        this.mapping = mapping;
        this.side = side;
        this.dialect = dialect;
        this.columns = columns;
        this.keyColumns = keyColumns;
        this.merchantColumn = merchantColumn;
        this.keyCollations = keyCollations;
    }

    /**
     * A walk over the table of {@code mapping} on {@code side}, its columns read through {@code connection}
     * (run it outside a transaction: on PostgreSQL a failed lookup would abort one).
     *
     * @throws SQLException when the table or one of its key columns (or the mapping's merchant column) is missing
     */
    public static KeyWalk open(Connection connection, TableMapping mapping, Store side) throws SQLException {
        CopyDialect dialect = CopyDialect.of(Dialect.detect(connection));
        TableColumns columns = TableColumns.read(connection, dialect, mapping.table(side));
        List<TableColumns.Column> keys = new ArrayList<>();
        for (String key : side == Store.OLD ? mapping.primaryKey() : mapping.newPrimaryKey()) {
            keys.add(columns.get(key));
        }
        TableColumns.Column merchant = null;
        if (mapping.merchantIdColumn().isPresent()) {
            String oldName = mapping.merchantIdColumn().get();
            String name = side == Store.OLD ? oldName : mapping.newColumn(oldName).orElse(oldName);
            merchant = columns.find(name).orElse(null);
        }
        return new KeyWalk(mapping, side, dialect, columns, List.copyOf(keys), merchant,
                keyCollations(connection, dialect, columns.quotedTable(), keys));
    }

    /**
     * The collation of each text column of {@code keys}, by lower-cased name, as the catalog names it (PostgreSQL's
     * {@code pg_collation}, {@code default} for the database's; MySQL/MariaDB's {@code SHOW FULL COLUMNS}). None on
     * H2, whose collation is the database's and set only while it is empty, and none when the catalog cannot be read.
     */
    private static java.util.Map<String, String> keyCollations(Connection connection, CopyDialect dialect,
                                                               String quotedTable, List<TableColumns.Column> keys) {
        java.util.Set<String> text = new java.util.HashSet<>();
        keys.stream().filter(KeyWalk::isText).forEach(c -> text.add(c.name().toLowerCase(java.util.Locale.ROOT)));
        if (text.isEmpty() || dialect == CopyDialect.H2) {
            return java.util.Map.of();
        }
        java.util.Map<String, String> collations = new java.util.HashMap<>();
        String sql = dialect == CopyDialect.POSTGRESQL ? "SELECT a.attname, c.collname FROM pg_attribute a"
                + " JOIN pg_collation c ON c.oid = a.attcollation WHERE a.attrelid = to_regclass(?) AND a.attnum > 0"
                + " AND NOT a.attisdropped" : "SHOW FULL COLUMNS FROM " + quotedTable;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            if (dialect == CopyDialect.POSTGRESQL) {
                statement.setString(1, quotedTable);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String name = rows.getString(1).toLowerCase(java.util.Locale.ROOT);
                    String collation = dialect == CopyDialect.POSTGRESQL ? rows.getString(2)
                            : rows.getString("Collation");
                    if (text.contains(name) && collation != null) {
                        collations.put(name, collation);
                    }
                }
            }
        } catch (SQLException unread) {
            return java.util.Map.of(); // the keys' types are still kept
        }
        return java.util.Map.copyOf(collations);
    }

    /**
     * The keys after {@code after} (exclusive; {@code null}: from the first) up to {@code upTo} (inclusive;
     * {@code null}: to the last), in key order, at most {@code limit} of them. A MySQL/MariaDB {@code TIMESTAMP}
     * key part is read and bound as a UTC date-time: the session is put in UTC (and {@code utf8mb4}) for the call,
     * and restored.
     *
     * @param merchantId only rows whose merchant column equals it; {@code null}: every row
     * @throws SQLException          when the store fails or a bound does not fit its columns
     * @throws IllegalStateException when {@code merchantId} is given but the mapping names no merchant column
     */
    public List<String> keys(Connection connection, @Nullable String after, @Nullable String upTo,
                             @Nullable String merchantId, int limit) throws SQLException {
        return keys(connection, after, upTo, merchantId, limit, false);
    }

    /**
     * The last key of the walk as the store holds it now (of one merchant's rows when {@code merchantId} is given),
     * in the walk's order; {@code null} when there is none. A tool that walks up to it ends even while rows of new
     * keys keep coming after it (those are written after it was read, by the live path).
     *
     * @throws SQLException when the store fails
     */
    public @Nullable String lastKey(Connection connection, @Nullable String merchantId) throws SQLException {
        List<String> last = keys(connection, null, null, merchantId, 1, true);
        return last.isEmpty() ? null : last.get(0);
    }

    private List<String> keys(Connection connection, @Nullable String after, @Nullable String upTo,
                              @Nullable String merchantId, int limit, boolean descending) throws SQLException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        List<Object> parameters = new ArrayList<>();
        List<TableColumns.Column> parameterColumns = new ArrayList<>();
        List<String> conditions = new ArrayList<>();
        if (after != null) {
            conditions.add(bound(after, true, parameters, parameterColumns));
        }
        if (upTo != null) {
            conditions.add(bound(upTo, false, parameters, parameterColumns));
        }
        if (merchantId != null) {
            conditions.add(merchantCondition(merchantId, parameters, parameterColumns));
        }
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(keyColumns.stream().map(c -> Values.selectExpression(dialect, c)).collect(Collectors.joining(", ")));
        sql.append(" FROM ").append(columns.quotedTable()).append(" dw_t");
        if (!conditions.isEmpty()) {
            sql.append(" WHERE ").append(String.join(" AND ", conditions));
        }
        sql.append(" ORDER BY ").append(keyColumns.stream().map(c -> qualified(c) + (descending ? " DESC" : ""))
                .collect(Collectors.joining(", ")));
        sql.append(" LIMIT ").append(limit);
        List<String> keys = new ArrayList<>(Math.min(limit, 10_000));
        // a MySQL TIMESTAMP key's text is UTC wherever it comes from (JdbcRowCopier.zoned): read and bound in UTC
        CopierSession session = dialect == CopyDialect.MYSQL ? CopierSession.enterMySql(connection,
                keyColumns.stream().anyMatch(c -> c.typeNamed("timestamp"))) : null;
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                Values.bind(statement, i + 1, parameters.get(i), parameterColumns.get(i), dialect);
            }
            statement.setFetchSize(Math.min(limit, 10_000));
            try (ResultSet rows = statement.executeQuery()) {
                List<String> parts = new ArrayList<>(keyColumns.size());
                while (rows.next()) {
                    parts.clear();
                    for (int i = 0; i < keyColumns.size(); i++) {
                        // a zoned key as its UTC date-time, the form key texts of zoned columns take (and the one
                        // a PostgreSQL timestamptz key, reported as a TIMESTAMP, parses back as)
                        parts.add(Values.keyText(Values.utcKey(Values.read(rows, i + 1, keyColumns.get(i), dialect))));
                    }
                    keys.add(KeyCodec.encode(parts));
                }
            }
        } finally {
            if (session != null) {
                session.restore();
            }
        }
        return keys;
    }

    /**
     * The merchant id as its column's value, checking that it fits the column's type.
     *
     * @throws SQLException          when the id does not fit the merchant column (e.g. a text id for a number column)
     * @throws IllegalStateException when the mapping names no merchant column
     */
    public Object merchantValue(String merchantId) throws SQLException {
        return Values.parseKey(merchantId, requireMerchantColumn());
    }

    /**
     * The merchant id as the copier and the write path read it from a row holding {@code merchantId}'s value, where
     * the column is a number or a UUID: the id the switches and the phase resolver name that row's merchant by. A scope whose id is spelt otherwise
     * ({@code 07} for an integer column, which holds 7; {@code 7.50} for a decimal; a UUID in capitals) would
     * select the rows of the merchant of this spelling, another merchant to the switches.
     *
     * @throws SQLException          when the id does not fit the merchant column
     * @throws IllegalStateException when the mapping names no merchant column
     */
    public String merchantIdOfRows(String merchantId) throws SQLException {
        Object value = merchantValue(merchantId);
        // numbers and UUIDs have spellings of one value; other types keep the id's text
        return value instanceof Number || value instanceof java.util.UUID ? Values.keyText(value) : merchantId;
    }

    /** The {@code ORDER BY} of the walk, for messages: the key columns, as quoted for this database. */
    public String order() {
        return keyColumns.stream().map(c -> dialect.quote(c.name())).collect(Collectors.joining(", "));
    }

    /** The table, as quoted to reach it. */
    public String quotedTable() {
        return columns.quotedTable();
    }

    /** The key columns holding text (lower case). */
    public java.util.Set<String> textKeyColumns() {
        java.util.Set<String> text = new java.util.HashSet<>();
        keyColumns.stream().filter(KeyWalk::isText).forEach(c -> text.add(c.name().toLowerCase(java.util.Locale.ROOT)));
        return text;
    }

    /** Whether a key column is floating-point ({@code FLOAT}, {@code REAL}, {@code DOUBLE}): inexact as text. */
    public boolean floatingPointKey() {
        return keyColumns.stream().anyMatch(c -> c.sqlType() == java.sql.Types.FLOAT || c.sqlType() == java.sql.Types.REAL
                || c.sqlType() == java.sql.Types.DOUBLE);
    }

    /**
     * The key columns, their types and the collations of their texts ({@code [id int4]}, {@code [code varchar
     * collate utf8mb4_bin]}), for a checkpoint: the walk's order and the key texts it records are those of these
     * types and collations, so chunks planned under others ({@code INT} against {@code VARCHAR}: 10 before 9; a
     * case-insensitive collation against a binary one: {@code 'b'} before {@code 'C'} or after it) cover other keys.
     */
    public String keyTypes() {
        return keyColumns.stream().map(c -> c.name() + " " + c.lowerTypeName() + collated(c))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * {@link #keyTypes()} without the collations, as checkpoints written before the collations were kept hold them:
     * such a checkpoint is resumed as before.
     */
    public String keyTypesWithoutCollations() {
        return keyColumns.stream().map(c -> c.name() + " " + c.lowerTypeName())
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private String collated(TableColumns.Column column) {
        String collation = keyCollations.get(column.name().toLowerCase(java.util.Locale.ROOT));
        return collation == null ? "" : " collate " + collation;
    }

    /**
     * Why {@code key} (a key text of this walk's form, as a checkpoint keeps a chunk's bounds) does not read as a
     * key of this walk's columns, or {@code null} when it does: a part for each key column, each a value of its
     * column's type ({@code 'x'} is no {@code INT}, {@code '2024-02-30'} no date).
     */
    public @Nullable String keyProblem(String key) {
        try {
            List<String> texts = KeyCodec.decode(key, keyColumns.size());
            for (int i = 0; i < texts.size(); i++) {
                Values.parseKey(texts.get(i), keyColumns.get(i));
            }
            return null;
        } catch (IllegalArgumentException | SQLException e) {
            return e.getMessage();
        }
    }

    /**
     * Compares two key texts of this walk's form in the table's key order, where every key column is an integer or a
     * decimal, whose order Java knows exactly: negative, zero or positive as {@code left} comes before, with or after
     * {@code right}. {@code null} where some key column is of another type (a text's order is its collation's, known
     * to the database only), or a part does not read as a number of its column (a special {@code NaN}).
     */
    public @Nullable Integer compareNumericKeys(String left, String right) {
        try {
            List<String> lefts = KeyCodec.decode(left, keyColumns.size());
            List<String> rights = KeyCodec.decode(right, keyColumns.size());
            for (int i = 0; i < keyColumns.size(); i++) {
                TableColumns.Column column = keyColumns.get(i);
                int type = column.sqlType();
                if (type != Types.TINYINT && type != Types.SMALLINT && type != Types.INTEGER && type != Types.BIGINT
                        && type != Types.DECIMAL && type != Types.NUMERIC) {
                    return null;
                }
                Object one = Values.parseKey(lefts.get(i), column);
                Object other = Values.parseKey(rights.get(i), column);
                if (!(one instanceof Number) || !(other instanceof Number)) {
                    return null;
                }
                int order = new java.math.BigDecimal(one.toString()).compareTo(new java.math.BigDecimal(other.toString()));
                if (order != 0) {
                    return order;
                }
            }
            return 0;
        } catch (IllegalArgumentException | SQLException e) {
            return null; // does not read: keyProblem names it
        }
    }

    /** The key columns, as the database spells them. */
    public List<String> keyColumnNames() {
        return keyColumns.stream().map(TableColumns.Column::name).toList();
    }

    /** The mapping walked. */
    public TableMapping mapping() {
        return mapping;
    }

    /** The store walked. */
    public Store side() {
        return side;
    }

    /**
     * How many rows the walk covers, for an estimate: {@code COUNT(*)} of the table, or of one merchant's rows.
     *
     * @throws SQLException when the store fails
     */
    public long count(Connection connection, @Nullable String merchantId) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        List<TableColumns.Column> parameterColumns = new ArrayList<>();
        String sql = "SELECT COUNT(*) FROM " + columns.quotedTable() + " dw_t"
                + (merchantId == null ? "" : " WHERE " + merchantCondition(merchantId, parameters, parameterColumns));
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                Values.bind(statement, i + 1, parameters.get(i), parameterColumns.get(i), dialect);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    private TableColumns.Column requireMerchantColumn() {
        if (merchantColumn == null) {
            throw new IllegalStateException("the mapping of table " + mapping.oldTable()
                    + " names no merchant column present in " + mapping.table(side));
        }
        return merchantColumn;
    }

    private String merchantCondition(String merchantId, List<Object> parameters,
                                     List<TableColumns.Column> parameterColumns) throws SQLException {
        TableColumns.Column column = requireMerchantColumn();
        Object value = Values.parseKey(merchantId, column);
        String quoted = qualified(column);
        parameters.add(value);
        parameterColumns.add(column);
        if (dialect == CopyDialect.MYSQL && isText(column)) {
            // the column's collation may ignore case and trailing spaces: the first comparison can use an
            // index, the second makes it exact, comparing utf8mb4 bytes (the set the parameter is sent in) so
            // that a latin1 column's 'Zoë' matches too
            parameters.add(value);
            parameterColumns.add(column);
            return "(" + quoted + " = ? AND CAST(CONVERT(" + quoted + " USING utf8mb4) AS BINARY)"
                    + " = CAST(? AS BINARY))";
        }
        if (dialect == CopyDialect.H2 && column.typeName().toLowerCase(java.util.Locale.ROOT).contains("ignorecase")) {
            // VARCHAR_IGNORECASE takes 'M-1' as 'm-1'; cast to VARCHAR it compares exactly
            parameters.add(value);
            parameterColumns.add(column);
            return "(" + quoted + " = ? AND CAST(" + quoted + " AS VARCHAR) = CAST(? AS VARCHAR))";
        }
        if (dialect == CopyDialect.POSTGRESQL && isText(column)) {
            // a nondeterministic collation (ICU, case-insensitive) takes 'M-1' as 'm-1': the first comparison
            // can use an index, the second, in the byte order of "C", makes it exact
            parameters.add(value);
            parameterColumns.add(column);
            return "(" + quoted + " = ? AND CAST(" + quoted + " AS text) COLLATE \"C\" = CAST(? AS text))";
        }
        return quoted + " = ?";
    }

    /**
     * {@code key > after} (or {@code key <= upTo}) over the key columns: a row comparison on PostgreSQL and
     * H2, which use it as one index range; on MySQL/MariaDB the equivalent disjunction
     * {@code a > ? OR (a = ? AND b > ?)}, which their range optimizer turns into one index range.
     */
    private String bound(String key, boolean lower, List<Object> parameters,
                         List<TableColumns.Column> parameterColumns) throws SQLException {
        List<String> texts;
        try {
            texts = KeyCodec.decode(key, keyColumns.size());
        } catch (IllegalArgumentException e) {
            throw new SQLException("key bound '" + key + "' does not fit the key " + keyColumnNames()
                    + " of " + mapping.table(side) + ": " + e.getMessage(), e);
        }
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            values.add(inIndexOrder(Values.parseKey(texts.get(i), keyColumns.get(i)), keyColumns.get(i)));
        }
        String strict = lower ? ">" : "<";
        String last = lower ? ">" : "<=";
        if (keyColumns.size() == 1) {
            parameters.add(values.get(0));
            parameterColumns.add(keyColumns.get(0));
            return qualified(keyColumns.get(0)) + " " + last + " ?";
        }
        if (dialect != CopyDialect.MYSQL) {
            parameters.addAll(values);
            parameterColumns.addAll(keyColumns);
            return "(" + keyColumns.stream().map(this::qualified).collect(Collectors.joining(", ")) + ") " + last
                    + " (" + String.join(", ", java.util.Collections.nCopies(values.size(), "?")) + ")";
        }
        List<String> alternatives = new ArrayList<>();
        for (int i = 0; i < keyColumns.size(); i++) {
            List<String> terms = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                terms.add(qualified(keyColumns.get(j)) + " = ?");
                parameters.add(values.get(j));
                parameterColumns.add(keyColumns.get(j));
            }
            terms.add(qualified(keyColumns.get(i)) + " " + (i == keyColumns.size() - 1 ? last : strict) + " ?");
            parameters.add(values.get(i));
            parameterColumns.add(keyColumns.get(i));
            alternatives.add(terms.size() == 1 ? terms.get(0) : "(" + String.join(" AND ", terms) + ")");
        }
        return "(" + String.join(" OR ", alternatives) + ")";
    }

    /**
     * A MySQL/MariaDB {@code ENUM} or {@code SET} key part as the number it is ordered by: its index is ordered by its
     * labels' declared order (a {@code SET} by the sum of its members' bits), but compared with a text it compares as
     * text, so a bound given as the label ({@code k > 'y'} of {@code ENUM('z','y','x','w')}) found only {@code 'z'}
     * and the walk ended without {@code 'x'} and {@code 'w'}. Compared with the number, it compares as the index
     * orders. Any other value as it is.
     */
    private Object inIndexOrder(Object value, TableColumns.Column column) {
        MySqlColumn catalog = column.declared();
        if (dialect != CopyDialect.MYSQL || catalog == null || !(value instanceof String text)) {
            return value;
        }
        Long number = catalog.number(text);
        return number == null ? value : number;
    }

    private String qualified(TableColumns.Column column) {
        return "dw_t." + dialect.quote(column.name());
    }

    private static boolean isText(TableColumns.Column column) {
        if (column.typeNamed("citext") || column.typeName().toLowerCase(java.util.Locale.ROOT).contains("ignorecase")) {
            return true; // PostgreSQL's citext and H2's VARCHAR_IGNORECASE: text that compares ignoring case
        }
        return switch (column.sqlType()) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return "KeyWalk[" + columns.quotedTable() + " ORDER BY " + order() + "]";
    }
}
