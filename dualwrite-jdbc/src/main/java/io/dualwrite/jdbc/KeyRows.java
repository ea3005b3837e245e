package io.dualwrite.jdbc;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Generated keys read once from the driver, kept as plain rows, and handed to the application as a
 * forward- and backward-readable result set. Written by hand: the JDK's {@code CachedRowSet} costs tens of
 * microseconds to create (service lookups, reflection, a warning object) on every insert whose keys the
 * application asked for, and a generated-key result set is a handful of columns and rows.
 *
 * <p>Supports what applications do with generated keys: {@code next}, the positioning methods, the getters
 * by index or label for numbers, strings, decimals and objects, {@code wasNull}, {@code findColumn},
 * {@code getMetaData} (column count, names, labels, types). Anything else throws
 * {@link SQLFeatureNotSupportedException}.
 */
final class KeyRows {

    private final String[] labels;
    private final int[] types;
    private final String[] typeNames;
    private final List<@Nullable Object[]> rows;

    private KeyRows(String[] labels, int[] types, String[] typeNames, List<@Nullable Object[]> rows) {
        this.labels = labels;
        this.types = types;
        this.typeNames = typeNames;
        this.rows = rows;
    }

    /** Reads every row of {@code keys} (which the caller closes). */
    static KeyRows read(ResultSet keys) throws SQLException {
        ResultSetMetaData meta = keys.getMetaData();
        int count = meta.getColumnCount();
        String[] labels = new String[count];
        int[] types = new int[count];
        String[] typeNames = new String[count];
        for (int c = 0; c < count; c++) {
            labels[c] = meta.getColumnLabel(c + 1);
            types[c] = meta.getColumnType(c + 1);
            typeNames[c] = meta.getColumnTypeName(c + 1);
        }
        List<@Nullable Object[]> rows = new ArrayList<>(1);
        while (keys.next()) {
            Object[] row = new Object[count];
            for (int c = 0; c < count; c++) {
                row[c] = keys.getObject(c + 1);
            }
            rows.add(row);
        }
        return new KeyRows(labels, types, typeNames, rows);
    }

    /** No rows, one BIGINT column {@code GENERATED_KEY}. */
    /** No keys, and no columns: what the drivers return for keys that were not requested. */
    static KeyRows empty() {
        return new KeyRows(new String[0], new int[0], new String[0], List.of());
    }

    /**
     * These rows with each label that is a renamed column of {@code mapping}'s new table given the old name the
     * application knows ({@code QUANTITY} answers as {@code qty}).
     */
    KeyRows inOldNames(io.dualwrite.mapping.TableMapping mapping) {
        String[] renamed = labels.clone();
        for (int c = 0; c < renamed.length; c++) {
            String old = mapping.oldColumn(renamed[c]).orElse(null);
            if (old != null && !old.equalsIgnoreCase(renamed[c])) {
                renamed[c] = old;
            }
        }
        return new KeyRows(renamed, types, typeNames, rows);
    }

    int columnCount() {
        return labels.length;
    }

    String label(int column) {
        return labels[column];
    }

    List<@Nullable Object[]> rows() {
        return rows;
    }

    /** A fresh result set over the rows, positioned before the first. */
    ResultSet resultSet() {
        Cursor cursor = new Cursor();
        return (ResultSet) DualWriteDataSource.newProxy(ResultSet.class, (proxy, method, args) ->
                cursor.invoke(proxy, method, args));
    }

    private final class Cursor {
        private int position = -1;
        private boolean closed;
        private boolean wasNull;

        @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws SQLException {
            String name = method.getName();
            switch (name) {
                case "next":
                    position = Math.min(position + 1, rows.size());
                    return position < rows.size();
                case "close":
                    closed = true;
                    return null;
                case "isClosed":
                    return closed;
                case "beforeFirst":
                    position = -1;
                    return null;
                case "first":
                    position = 0;
                    return !rows.isEmpty();
                case "isBeforeFirst":
                    return position < 0 && !rows.isEmpty();
                case "isFirst":
                    return position == 0 && !rows.isEmpty();
                case "getRow":
                    return position >= 0 && position < rows.size() ? position + 1 : 0;
                case "wasNull":
                    return wasNull;
                case "findColumn":
                    return column((String) args[0]) + 1;
                case "getMetaData":
                    return metaData();
                case "getType":
                    return ResultSet.TYPE_SCROLL_INSENSITIVE;
                case "getConcurrency":
                    return ResultSet.CONCUR_READ_ONLY;
                case "getWarnings":
                case "getStatement":
                    return null;
                case "clearWarnings":
                    return null;
                case "unwrap":
                    if (((Class<?>) args[0]).isInstance(proxy)) {
                        return proxy;
                    }
                    throw new SQLException("DualWriteKeyRows is not a wrapper for " + ((Class<?>) args[0]).getName());
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(proxy);
                case "toString":
                    return "DualWriteKeyRows[" + rows.size() + " row(s)]";
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    if (name.startsWith("get") && args != null && args.length == 1) {
                        return value(name, args[0]);
                    }
                    throw new SQLFeatureNotSupportedException("generated keys do not support " + name);
            }
        }

        private @Nullable Object value(String getter, Object columnRef) throws SQLException {
            if (closed) {
                throw new SQLException("result set is closed");
            }
            if (position < 0 || position >= rows.size()) {
                throw new SQLException("no current row");
            }
            int column = columnRef instanceof Integer index ? index - 1 : column((String) columnRef);
            if (column < 0 || column >= labels.length) {
                throw new SQLException("column index " + columnRef + " out of range 1.." + labels.length);
            }
            Object value = rows.get(position)[column];
            wasNull = value == null;
            return convert(getter, value);
        }

        private int column(String label) throws SQLException {
            for (int c = 0; c < labels.length; c++) {
                if (labels[c].equalsIgnoreCase(label)) {
                    return c;
                }
            }
            throw new SQLException("no column '" + label + "'; the generated keys have " + List.of(labels));
        }
    }

    private static @Nullable Object convert(String getter, @Nullable Object value) throws SQLException {
        switch (getter) {
            case "getObject":
                return value;
            case "getString":
                return value == null ? null : value.toString();
            case "getLong":
                return value == null ? 0L : number(value).longValue();
            case "getInt":
                return value == null ? 0 : number(value).intValue();
            case "getShort":
                return value == null ? (short) 0 : number(value).shortValue();
            case "getByte":
                return value == null ? (byte) 0 : number(value).byteValue();
            case "getDouble":
                return value == null ? 0d : number(value).doubleValue();
            case "getFloat":
                return value == null ? 0f : number(value).floatValue();
            case "getBigDecimal":
                return value == null ? null : value instanceof BigDecimal decimal ? decimal
                        : new BigDecimal(value.toString());
            case "getBoolean":
                return value != null && number(value).intValue() != 0;
            default:
                throw new SQLFeatureNotSupportedException("generated keys do not support " + getter);
        }
    }

    private static Number number(Object value) throws SQLException {
        if (value instanceof Number number) {
            return number;
        }
        try {
            return new BigDecimal(value.toString().strip());
        } catch (NumberFormatException e) {
            throw new SQLException("generated key '" + value + "' is not a number", "22018");
        }
    }

    private ResultSetMetaData metaData() {
        return (ResultSetMetaData) DualWriteDataSource.newProxy(ResultSetMetaData.class,
                (proxy, method, args) -> switch (method.getName()) {
                    case "getColumnCount" -> labels.length;
                    case "getColumnLabel", "getColumnName" -> labels[(Integer) args[0] - 1];
                    case "getColumnType" -> types[(Integer) args[0] - 1];
                    case "getColumnTypeName" -> typeNames[(Integer) args[0] - 1];
                    case "isNullable" -> ResultSetMetaData.columnNullableUnknown;
                    case "toString" -> "DualWriteKeyRowsMetaData" + List.of(labels);
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "unwrap", "isWrapperFor" -> throw new SQLFeatureNotSupportedException(method.getName());
                    default -> throw new SQLFeatureNotSupportedException("generated keys' metadata do not support "
                            + method.getName().toLowerCase(Locale.ROOT));
                });
    }
}
