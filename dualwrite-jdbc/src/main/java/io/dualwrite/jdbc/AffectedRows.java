package io.dualwrite.jdbc;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Whether a MySQL or MariaDB connection reports an UPDATE's <em>changed</em> rows instead of its <em>matched</em>
 * ones, the drivers' {@code useAffectedRows=true}. The default of both drivers reports matched rows (the
 * protocol's {@code CLIENT_FOUND_ROWS}), which is what the check of a pre-selected update relies on: a count equal
 * to the keys selected under lock proves that no other row matched. Counting changed rows, a row inserted after the
 * pre-select and a matched row left as it was make the same count, and the update's keys are unproven.
 *
 * <p>Neither driver says this through JDBC, so each driver's own settings are read by reflection (neither is a
 * dependency of this module); a connection whose setting cannot be read counts as changed rows, the answer that
 * never lets a write through unproven.
 */
final class AffectedRows {

    private AffectedRows() {
    }

    /** Whether {@code physical} (a MySQL or MariaDB connection) reports changed rather than matched rows. */
    static boolean counted(Connection physical) {
        Boolean mariadb = setting(physical, "org.mariadb.jdbc.Connection", "getContext", "getConf", "useAffectedRows");
        if (mariadb != null) {
            return mariadb;
        }
        Boolean mysql = mysqlSetting(physical);
        return mysql == null || mysql;
    }

    /**
     * Whether the transaction's isolation keeps other transactions from inserting rows a locking read matched
     * (InnoDB's next-key locks at {@code REPEATABLE READ} and {@code SERIALIZABLE}); at {@code READ COMMITTED} a row
     * can be inserted between the pre-select and the update. {@code false} when the level cannot be read.
     */
    static boolean phantomsLocked(Connection physical) {
        try {
            int level = physical.getTransactionIsolation();
            return level == Connection.TRANSACTION_REPEATABLE_READ || level == Connection.TRANSACTION_SERIALIZABLE;
        } catch (SQLException unread) {
            return false;
        }
    }

    /** {@code physical} unwrapped to {@code type} and the chain of getters applied; null when any step fails. */
    private static @Nullable Boolean setting(Connection physical, String type, String... getters) {
        try {
            Class<?> driverConnection = Class.forName(type, false, physical.getClass().getClassLoader());
            if (!physical.isWrapperFor(driverConnection)) {
                return null;
            }
            Object value = physical.unwrap(driverConnection);
            Class<?> declared = driverConnection;
            for (String getter : getters) {
                // each getter looked up on the public type the previous one declares (an implementation class
                // may not be public)
                Method method = declared.getMethod(getter);
                value = method.invoke(value);
                if (value == null) {
                    return null;
                }
                declared = method.getReturnType();
            }
            return value instanceof Boolean flag ? flag : null;
        } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError unknown) {
            return null;
        }
    }

    /** MySQL Connector/J: {@code JdbcConnection.getPropertySet().getBooleanProperty("useAffectedRows").getValue()}. */
    private static @Nullable Boolean mysqlSetting(Connection physical) {
        try {
            Class<?> driverConnection = Class.forName("com.mysql.cj.jdbc.JdbcConnection", false,
                    physical.getClass().getClassLoader());
            if (!physical.isWrapperFor(driverConnection)) {
                return null;
            }
            Method propertySet = driverConnection.getMethod("getPropertySet");
            Object properties = propertySet.invoke(physical.unwrap(driverConnection));
            Method booleanProperty = propertySet.getReturnType().getMethod("getBooleanProperty", String.class);
            Object property = booleanProperty.invoke(properties, "useAffectedRows");
            Object value = booleanProperty.getReturnType().getMethod("getValue").invoke(property);
            return value instanceof Boolean flag ? flag : null;
        } catch (ReflectiveOperationException | SQLException | RuntimeException | LinkageError unknown) {
            return null;
        }
    }
}
