package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** One call of the MyBatis benchmark outside JMH: the mapper insert reaches the new store with its key. */
class MyBatisBenchmarkSmokeTest {

    @Test
    void asyncDualWriteOnH2MirrorsOneMapperInsert() throws Exception {
        MyBatisBenchmark benchmark = new MyBatisBenchmark();
        benchmark.store = "h2";
        benchmark.variant = "asyncDual";
        benchmark.start();
        try {
            long id = benchmark.insert_t1();
            benchmark.awaitMirrors();
            try (Connection connection = benchmark.newStore().getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM orders WHERE id = " + id)) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(1);
            }
        } finally {
            benchmark.close();
        }
    }
}
