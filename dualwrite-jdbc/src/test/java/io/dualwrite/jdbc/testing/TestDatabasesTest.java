package io.dualwrite.jdbc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestDatabasesTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void eachKindStartsARealServerWithAFreshDatabase(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase first = TestDatabases.create(kind); TestDatabase second = TestDatabases.create(kind)) {
            first.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(20))",
                    "INSERT INTO t (id, name) VALUES (1, 'one')");
            second.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(20))");

            assertThat(first.count("SELECT COUNT(*) FROM t")).isEqualTo(1);
            assertThat(second.count("SELECT COUNT(*) FROM t")).isZero();
            try (Connection connection = first.dataSource().getConnection()) {
                String product = connection.getMetaData().getDatabaseProductName().toLowerCase();
                assertThat(product).contains(switch (kind) {
                    case H2 -> "h2";
                    case POSTGRES -> "postgres";
                    case MARIADB -> "maria";
                });
            }
        }
    }
}
