package io.dualwrite.jdbc;

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
}
