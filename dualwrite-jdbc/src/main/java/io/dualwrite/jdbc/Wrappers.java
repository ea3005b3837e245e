package io.dualwrite.jdbc;

import io.dualwrite.internal.Credentials;
import java.lang.reflect.Modifier;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Struct;
import org.jspecify.annotations.Nullable;

import java.sql.SQLException;
import java.sql.Wrapper;

/** The JDBC wrapper contract shared by every proxy and the data source: the wrapper itself, else the delegate, else the delegate's chain. */
final class Wrappers {

    private Wrappers() {
    }

    /**
     * What a result set does around a row it writes itself ({@code updateRow}, {@code insertRow},
     * {@code deleteRow}): the driver writes the table by keys no statement of the application named.
     */
    @FunctionalInterface
    interface RowWrites {
        Object write(ConnectionHandler.SqlCall driverWrite) throws Throwable;
    }

    static Object unwrap(Object proxy, Wrapper delegate, Class<?> type, String name) throws SQLException {
        return unwrap(proxy, delegate, type, name, null);
    }

    /**
     * {@link #unwrap(Object, Wrapper, Class, String)} of a proxy of a session: when the answer is the driver's (or
     * the pool's) own object rather than the proxy, {@code session} is told first ({@link
     * ConnectionHandler#driverObjectHandedOut}), since writes through that object, or through the connection it
     * leads to, are never seen here.
     */
    static Object unwrap(Object proxy, Wrapper delegate, Class<?> type, String name,
                         @Nullable ConnectionHandler session) throws SQLException {
        if (type.isInstance(proxy)) {
            return proxy;
        }
        if (type.isInstance(delegate)) {
            handedOut(session);
            return delegate;
        }
        if (delegate.isWrapperFor(type)) {
            Object unwrapped = delegate.unwrap(type);
            handedOut(session);
            return unwrapped;
        }
        throw new SQLException(name + " is not a wrapper for " + type.getName());
    }

    private static void handedOut(@Nullable ConnectionHandler session) {
        if (session != null) {
            session.driverObjectHandedOut();
        }
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
        return resultSet(results, owner, null, false);
    }

    /**
     * {@link #resultSet(ResultSet, Statement)} of a statement's query: the rows an updatable result set writes
     * itself ({@code updateRow}, {@code insertRow}, {@code deleteRow}) go through {@code rowWrites}, so that
     * they are mirrored like any other write ({@code null}: a result set that reads no mapped table).
     */
    static @Nullable ResultSet resultSet(@Nullable ResultSet results, @Nullable Statement owner,
                                         @Nullable RowWrites rowWrites) {
        return resultSet(results, owner, rowWrites, true);
    }

    /**
     * {@code dependent}: a result set whose close may complete the statement ({@code closeOnCompletion}), as the
     * driver counts them: those of its execution; its generated keys too on PostgreSQL and H2 (not on MariaDB,
     * whose driver builds them from the write's answer).
     */
    static @Nullable ResultSet resultSet(@Nullable ResultSet results, @Nullable Statement owner,
                                                 @Nullable RowWrites rowWrites, boolean dependent) {
        return resultSet(results, owner, rowWrites, dependent, session(owner));
    }

    /**
     * {@link #resultSet(ResultSet, Statement, RowWrites, boolean)} of {@code session}'s (null: none known), which is
     * told when {@code unwrap} hands out the driver's result set ({@link ConnectionHandler#driverObjectHandedOut}):
     * also one no statement of the application produced (of metadata, an {@code Array}) leads to a raw statement.
     */
    private static @Nullable ResultSet resultSet(@Nullable ResultSet results, @Nullable Statement owner,
                                                 @Nullable RowWrites rowWrites, boolean dependent,
                                                 @Nullable ConnectionHandler session) {
        if (results == null) {
            return null;
        }
        StatementHandler ownerHandler = dependent && owner != null && java.lang.reflect.Proxy.isProxyClass(owner.getClass())
                && java.lang.reflect.Proxy.getInvocationHandler(owner) instanceof StatementHandler handler ? handler : null;
        if (ownerHandler != null) {
            ownerHandler.resultOpened(results);
        }
        boolean[] closed = new boolean[1];
        return (ResultSet) DualWriteDataSource.newProxy(ResultSet.class, (proxy, method, args) -> {
            switch (method.getName()) {
                case "getStatement":
                    return owner;
                case "close":
                    ConnectionHandler.call(results, method, args);
                    if (!closed[0] && ownerHandler != null) {
                        closed[0] = true;
                        ownerHandler.resultClosed(results); // closeOnCompletion
                    }
                    return null;
                case "unwrap":
                    return unwrap(proxy, results, (Class<?>) args[0], "DualWriteResultSet", session);
                case "isWrapperFor":
                    return isWrapperFor(proxy, results, (Class<?>) args[0]);
                case "toString":
                    return "DualWriteResultSet wrapping " + Credentials.mask(String.valueOf(results));
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "updateRow":
                case "insertRow":
                case "deleteRow":
                    if (rowWrites != null) {
                        return rowWrites.write(() -> ConnectionHandler.call(results, method, args));
                    }
                    return ConnectionHandler.call(results, method, args);
                default:
                    return reachable(ConnectionHandler.call(results, method, args), session);
            }
        });
    }

    /**
     * A value a proxy answers, as the application sees it: one that leads to further JDBC objects and from them
     * back to a statement or connection (a result set, an {@code Array} and its result set, a {@code Struct}'s
     * attributes, a {@code Ref}'s object, a Java array of any of them) is wrapped, so that its result sets answer
     * {@code null} to {@code getStatement()}, never a raw statement (a write through it would bypass the
     * mirror). Every other value is answered as it is. {@code session}: the session the value came from (null: none
     * known), told when a result set reached so unwraps to the driver's own.
     */
    static @Nullable Object reachable(@Nullable Object value, @Nullable ConnectionHandler session) {
        if (value instanceof ResultSet nested) {
            return resultSet(nested, null, null, false, session);
        }
        if (value instanceof Array array) {
            return jdbcValue(Array.class, array, "DualWriteArray", session);
        }
        if (value instanceof Struct struct) {
            return jdbcValue(Struct.class, struct, "DualWriteStruct", session);
        }
        if (value instanceof Ref ref) {
            return jdbcValue(Ref.class, ref, "DualWriteRef", session);
        }
        if (value instanceof Object[] values) {
            return reachableElements(values, session);
        }
        return value;
    }

    /**
     * A JDBC value object ({@code Array}, {@code Struct}, {@code Ref}; none of them a {@link Wrapper}) as the
     * application sees it: every call goes to {@code delegate}, and what it answers is {@link #reachable} in turn.
     */
    private static Object jdbcValue(Class<?> type, Object delegate, String name, @Nullable ConnectionHandler session) {
        return DualWriteDataSource.newProxy(type, (proxy, method, args) -> {
            switch (method.getName()) {
                case "toString":
                    return name + " wrapping " + Credentials.mask(String.valueOf(delegate));
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    return reachable(ConnectionHandler.call(delegate, method, args), session);
            }
        });
    }

    /**
     * A Java array (an {@code Array}'s elements, a {@code Struct}'s attributes) whose elements are
     * {@link #reachable}: a copy when some element had to be wrapped, else the array itself.
     */
    private static Object[] reachableElements(Object[] values, @Nullable ConnectionHandler session) {
        Class<?> component = values.getClass().getComponentType();
        if (!component.isArray() && !component.isInterface() && Modifier.isFinal(component.getModifiers())) {
            return values; // Integer[], String[], …: no element can be a JDBC object (no scan of a large array)
        }
        Object[] copy = null;
        for (int i = 0; i < values.length; i++) {
            Object element = values[i];
            Object wrapped = reachable(element, session);
            // an element the array's own type cannot hold wrapped (a PgArray[]) is left: no driver answers one
            if (wrapped != element && component.isInstance(wrapped)) {
                if (copy == null) {
                    copy = values.clone();
                }
                copy[i] = wrapped;
            }
        }
        return copy == null ? values : copy;
    }

    /** The session of a connection or statement proxy of the library's; null for any other object. */
    static @Nullable ConnectionHandler session(@Nullable Object proxy) {
        if (proxy == null || !java.lang.reflect.Proxy.isProxyClass(proxy.getClass())) {
            return null;
        }
        Object handler = java.lang.reflect.Proxy.getInvocationHandler(proxy);
        return handler instanceof ConnectionHandler connection ? connection
                : handler instanceof StatementHandler statement ? statement.session() : null;
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
                            return unwrap(proxy, metaData, (Class<?>) args[0], "DualWriteDatabaseMetaData",
                                    session(owner));
                        case "isWrapperFor":
                            return isWrapperFor(proxy, metaData, (Class<?>) args[0]);
                        case "toString":
                            return "DualWriteDatabaseMetaData wrapping " + Credentials.mask(String.valueOf(metaData));
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            return reachable(ConnectionHandler.call(metaData, method, args), session(owner));
                    }
                });
    }
}
