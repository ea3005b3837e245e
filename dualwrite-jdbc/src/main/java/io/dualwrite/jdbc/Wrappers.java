package io.dualwrite.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

import java.sql.SQLException;
import java.sql.Wrapper;

/** The JDBC wrapper contract shared by every proxy and the data source: the wrapper itself, else the delegate, else the delegate's chain. */
final class Wrappers {

    private Wrappers() {
    }

    static Object unwrap(Object proxy, Wrapper delegate, Class<?> type, String name) throws SQLException {
        if (type.isInstance(proxy)) {
            return proxy;
        }
        if (type.isInstance(delegate)) {
            return delegate;
        }
        if (delegate.isWrapperFor(type)) {
            return delegate.unwrap(type);
        }
        throw new SQLException(name + " is not a wrapper for " + type.getName());
    }

    static boolean isWrapperFor(Object proxy, Wrapper delegate, Class<?> type) throws SQLException {
        return type.isInstance(proxy) || type.isInstance(delegate) || delegate.isWrapperFor(type);
    }

    /**
     * The result set as the application sees it: every call goes to {@code results}, but
     * {@code getStatement()} answers the statement proxy that produced it ({@code null} for metadata result
     * sets, as JDBC allows), so that no raw driver object is reachable from a proxy.
     */
    static @Nullable ResultSet resultSet(@Nullable ResultSet results, @Nullable Statement owner) {
        if (results == null) {
            return null;
        }
        return (ResultSet) DualWriteDataSource.newProxy(ResultSet.class, (proxy, method, args) -> {
            switch (method.getName()) {
                case "getStatement":
                    return owner;
                case "unwrap":
                    return unwrap(proxy, results, (Class<?>) args[0], "DualWriteResultSet");
                case "isWrapperFor":
                    return isWrapperFor(proxy, results, (Class<?>) args[0]);
                case "toString":
                    return "DualWriteResultSet wrapping " + results;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    return reachable(ConnectionHandler.call(results, method, args));
            }
        });
    }

    /**
     * A value read from a row that leads to further JDBC objects (an array's result set, a cursor) as the
     * application sees it: their result sets answer {@code null} to {@code getStatement()}, never a raw one.
     */
    static @Nullable Object reachable(@Nullable Object value) {
        if (value instanceof ResultSet nested) {
            return resultSet(nested, null);
        }
        if (value instanceof java.sql.Array array) {
            return DualWriteDataSource.newProxy(java.sql.Array.class, (proxy, method, args) -> {
                if (method.getName().equals("toString")) {
                    return "DualWriteArray wrapping " + array;
                }
                return reachable(ConnectionHandler.call(array, method, args));
            });
        }
        return value;
    }

    /**
     * The database metadata as the application sees it: {@code getConnection()} answers the connection proxy,
     * and the result sets it returns lead to no raw statement.
     */
    static DatabaseMetaData metaData(DatabaseMetaData metaData, Connection owner) {
        return (DatabaseMetaData) DualWriteDataSource.newProxy(DatabaseMetaData.class,
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getConnection":
                            return owner;
                        case "unwrap":
                            return unwrap(proxy, metaData, (Class<?>) args[0], "DualWriteDatabaseMetaData");
                        case "isWrapperFor":
                            return isWrapperFor(proxy, metaData, (Class<?>) args[0]);
                        case "toString":
                            return "DualWriteDatabaseMetaData wrapping " + metaData;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            Object result = ConnectionHandler.call(metaData, method, args);
                            return result instanceof ResultSet results ? resultSet(results, null) : result;
                    }
                });
    }
}
