package io.dualwrite.mybatis;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases;
import org.apache.ibatis.session.SqlSession;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A mapper call whose parameter holds no id says so at DEBUG, naming the statement, and follows the unattributed rule. */
class UnattributedCallLogTest {

    @Test
    void aCallWithoutIdsIsLoggedAtDebugWithItsStatementId() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(MigrationContextInterceptor.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(appender);
        try (MyBatisStores stores = new MyBatisStores(TestDatabases.Kind.H2)) {
            stores.merchantPhase("m-1", MigrationPhase.DUAL_WRITE);
            try (SqlSession session = stores.sessions().openSession(true)) {
                OrderMapper orders = session.getMapper(OrderMapper.class);
                Order order = new Order("m-1", "NEW", "1.00");
                orders.insert(order);
                assertThat(orders.selectById(order.getId()).getMerchantNo()).isEqualTo("m-1");
            }
            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line)
                            .contains("mapper statement io.dualwrite.mybatis.OrderMapper.selectById of migration orders")
                            .contains("no order or merchant id found in its parameter (Long)")
                            .contains("unattributed"))
                    .noneSatisfy(line -> assertThat(line).contains("OrderMapper.insert "));
            assertThat(stores.newRows()).isEqualTo(stores.oldRows()).hasSize(1);
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
        }
    }
}
