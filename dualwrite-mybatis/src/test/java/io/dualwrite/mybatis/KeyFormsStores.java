package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.jdbc.testing.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * What the key-form inputs of the MyBatis module share: both stores' rows by exact key text with plain JDBC,
 * independently of the code under test, and a data source that counts the reads of {@code codes}.
 */
final class KeyFormsStores {

    private KeyFormsStores() {
    }

    /** Both stores hold the same rows by exact key text, or the change log records the difference. */
    static void sameOrRecorded(TestDatabase oldDb, TestDatabase newDb, InMemoryChangeLog changeLog, String sql) {
        Map<String, String> old = rows(oldDb, sql);
        Map<String, String> now = rows(newDb, sql);
        if (!now.equals(old)) {
            assertThat(changeLog.entries()).as("stores differ (old %s, new %s) and nothing is recorded", old, now)
                    .isNotEmpty();
        }
    }

    /** The rows of {@code sql} (columns {@code id}, {@code qty}) by exact key text, as plain JDBC gives them. */
    static Map<String, String> rows(TestDatabase db, String sql) {
        Map<String, String> rows = new TreeMap<>();
        for (Map<String, Object> row : db.query(sql)) {
            String id = String.valueOf(row.get("id"));
            assertThat(rows.put(id, String.valueOf(row.get("qty")))).as("key %s twice in %s", id, db).isNull();
        }
        return rows;
    }

    /** {@code real}, counting the statements prepared that select from {@code codes}. */
    static DataSource counting(DataSource real, AtomicInteger reads) {
        ClassLoader loader = KeyFormsStores.class.getClassLoader();
        return (DataSource) Proxy.newProxyInstance(loader, new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
            Object result = invoke(real, method, args);
            if (result instanceof Connection connection) {
                return Proxy.newProxyInstance(loader, new Class<?>[] {Connection.class}, (p, m, a) -> {
                    if (m.getName().startsWith("prepare") || m.getName().equals("createStatement")) {
                        String sql = a == null || a.length == 0 ? "" : String.valueOf(a[0]).toLowerCase(Locale.ROOT);
                        if (sql.startsWith("select") && sql.contains("codes")) {
                            reads.incrementAndGet();
                        }
                    }
                    return invoke(connection, m, a);
                });
            }
            return result;
        });
    }

    /** Calls {@code method} on {@code target}, throwing what it throws. */
    static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
