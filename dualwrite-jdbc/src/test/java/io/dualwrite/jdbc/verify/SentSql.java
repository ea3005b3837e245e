package io.dualwrite.jdbc.verify;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.Queue;
import javax.sql.DataSource;

/**
 * Data sources that note the text of every statement their connections prepare, so that a verification test can
 * check which SQL path (which row hash) the verifier took, and a one-table verification run through them.
 */
final class SentSql {

    private SentSql() {
    }

    /** Verifies {@code mapping}'s table of {@code old} against {@code fresh} (chunks of 100, leaves of 4), noting its SQL. */
    static TableReport verify(TestDatabase old, TestDatabase fresh, Queue<String> sent, TableMapping mapping)
            throws Exception {
        return Verifier.builder().oldDataSource(recording(old.dataSource(), sent))
                .newDataSource(recording(fresh.dataSource(), sent)).recheckDelay(Duration.ZERO).build()
                .verify(VerificationJob.builder(mapping.oldTable()).table(mapping).chunkRows(100).leafRows(4).build())
                .tables().get(0);
    }

    /** {@code real}, noting the text of every statement its connections prepare. */
    static DataSource recording(DataSource real, Queue<String> sent) {
        return (DataSource) Proxy.newProxyInstance(SentSql.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(SentSql.class.getClassLoader(),
                            new Class<?>[] {Connection.class}, (inner, call, callArgs) -> {
                                if (call.getName().startsWith("prepare") && callArgs != null
                                        && callArgs[0] instanceof String sql) {
                                    sent.add(sql);
                                }
                                return invoke(call, connection, callArgs);
                            });
                });
    }

    /** {@code method} on {@code target}, throwing what it threw rather than its reflective wrapper. */
    static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
