package io.dualwrite.jdbc.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RowCopierTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aWriteCommittedDuringTheCopyIsNotOvertakenByTheOlderCopy(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            Stores.createOldOrders(old);
            Stores.createNewOrders(fresh);
            old.execute("INSERT INTO orders VALUES " + Stores.orderRow(1, "FIRST"));
            TableMapping mapping = Stores.ordersMapping();
            AtomicInteger targetWrites = new AtomicInteger();
            try (Connection source = old.dataSource().getConnection();
                 Connection target = fresh.dataSource().getConnection()) {
                // the application commits a new status right after the copier wrote the row it read first
                Connection racing = onEachWrite(target, () -> {
                    if (targetWrites.incrementAndGet() == 1) {
                        old.execute("UPDATE orders SET status = 'SECOND' WHERE id = 1");
                    }
                });

                assertThat(RowCopier.create().copy(mapping, "1", Store.OLD, source, racing))
                        .isEqualTo(RowCopier.Outcome.COPIED);
            }
            assertThat(targetWrites).hasValue(2);
            assertThat(fresh.query("SELECT state FROM orders_v2").get(0)).containsEntry("state", "SECOND");
            assertThat(Stores.actualNew(fresh, mapping)).isEqualTo(Stores.expectedNew(old, mapping));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aRowGoneFromTheSourceIsDeletedInTheTargetAndAMissingOneIsANoOp(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase old = TestDatabases.create(kind); TestDatabase fresh = TestDatabases.create(kind)) {
            Stores.createOldOrders(old);
            Stores.createNewOrders(fresh);
            fresh.execute("INSERT INTO orders_v2 VALUES " + Stores.orderRow(9, "PAID").replace(")", ", 'EUR')"));
            RowCopier copier = RowCopier.create();
            try (Connection source = old.dataSource().getConnection();
                 Connection target = fresh.dataSource().getConnection()) {
                assertThat(copier.copy(Stores.ordersMapping(), "9", Store.OLD, source, target))
                        .isEqualTo(RowCopier.Outcome.DELETED);
                assertThat(copier.copy(Stores.ordersMapping(), "9", Store.OLD, source, target))
                        .isEqualTo(RowCopier.Outcome.DELETED);
            }
            assertThat(fresh.count("SELECT COUNT(*) FROM orders_v2")).isZero();
        }
    }

    /** A connection whose prepared statements run {@code hook} before each executeUpdate. */
    private static Connection onEachWrite(Connection delegate, Runnable hook) {
        return (Connection) Proxy.newProxyInstance(RowCopierTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(delegate, method, args);
                    if (result instanceof PreparedStatement statement) {
                        return Proxy.newProxyInstance(RowCopierTest.class.getClassLoader(),
                                new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                                    if (m.getName().equals("executeUpdate")) {
                                        Object count = invoke(statement, m, a);
                                        hook.run();
                                        return count;
                                    }
                                    return invoke(statement, m, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
