package io.dualwrite.jdbc;

import io.dualwrite.internal.Credentials;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A result set read from the new store for an application that speaks the old schema: the values of
 * transformed columns are turned back with the transformer's {@code toOld}. Columns without a
 * transformer, and every other method, pass straight through.
 */
final class OldFormResultSet implements InvocationHandler {

    private final ResultSet delegate;
    private final TableMapping mapping;
    private final String[] labels;        // 1-based, lower case
    private final Set<String> transformed;
    private boolean wasNull;
    private boolean ownNull;

    private OldFormResultSet(ResultSet delegate, TableMapping mapping, String[] labels, Set<String> transformed) {
        this.delegate = delegate;
        this.mapping = mapping;
        this.labels = labels;
        this.transformed = transformed;
    }

    /** The result set itself when none of its columns is transformed, else a wrapper. */
    static ResultSet wrap(@Nullable ResultSet results, TableMapping mapping) throws SQLException {
        if (results == null) {
            return null;
        }
        ResultSetMetaData meta = results.getMetaData();
        String[] labels = new String[meta.getColumnCount() + 1];
        Set<String> transformed = new HashSet<>();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            labels[c] = meta.getColumnLabel(c).toLowerCase(Locale.ROOT);
            if (mapping.transforms(labels[c])) {
                transformed.add(labels[c]);
            }
        }
        if (transformed.isEmpty()) {
            return results;
        }
        return (ResultSet) DualWriteDataSource.newProxy(ResultSet.class,
                new OldFormResultSet(results, mapping, labels, transformed));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        if (name.equals("wasNull")) {
            return ownNull ? wasNull : delegate.wasNull();
        }
        if (name.equals("unwrap")) {
            return Wrappers.unwrap(proxy, delegate, (Class<?>) args[0], "DualWriteResultSet");
        }
        if (name.equals("isWrapperFor")) {
            return Wrappers.isWrapperFor(proxy, delegate, (Class<?>) args[0]);
        }
        if (name.equals("toString")) {
            return "DualWriteResultSet wrapping " + Credentials.mask(String.valueOf(delegate));
        }
        if (name.startsWith("get") && args != null && args.length >= 1 && !name.equals("getMetaData")) {
            String label = args[0] instanceof Integer index && index > 0 && index < labels.length ? labels[index]
                    : args[0] instanceof String text ? text.toLowerCase(Locale.ROOT) : null;
            if (label != null && transformed.contains(label)) {
                Object raw = args[0] instanceof Integer index ? delegate.getObject(index) : delegate.getObject((String) args[0]);
                Object value = mapping.toOldValue(label, raw);
                ownNull = true;
                wasNull = value == null;
                return convert(value, method.getReturnType());
            }
        }
        ownNull = false;
        return ConnectionHandler.call(delegate, method, args);
    }

    private static @Nullable Object convert(@Nullable Object value, Class<?> type) {
        if (value == null) {
            if (type == boolean.class) {
                return false;
            }
            return type.isPrimitive() ? zero(type) : null;
        }
        if (type.isInstance(value) || type == Object.class) {
            return value;
        }
        if (type == String.class) {
            return value.toString();
        }
        if (type == BigDecimal.class) {
            return new BigDecimal(value.toString());
        }
        if (value instanceof Number number) {
            if (type == long.class) {
                return number.longValue();
            }
            if (type == int.class) {
                return number.intValue();
            }
            if (type == short.class) {
                return number.shortValue();
            }
            if (type == double.class) {
                return number.doubleValue();
            }
            if (type == float.class) {
                return number.floatValue();
            }
        }
        if (type == boolean.class) {
            return Boolean.parseBoolean(value.toString()) || "1".equals(value.toString());
        }
        return value;
    }

    private static Object zero(Class<?> type) {
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        return 0;
    }
}
