package io.dualwrite.jdbc.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DualWriteSchemaTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void createIsIdempotentAndKeepsExistingRows(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase db = TestDatabases.create(kind)) {
            DualWriteSchema.create(db.dataSource());
            db.execute("INSERT INTO dualwrite_order_pin (migration, order_id, merchant_id, phase, pinned_at)"
                    + " VALUES ('m', 'o1', 'x', 'DUAL_WRITE', CURRENT_TIMESTAMP)");

            DualWriteSchema.create(db.dataSource());

            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_order_pin")).isEqualTo(1);
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_switch")).isZero();
            assertThat(db.count("SELECT COUNT(*) FROM dualwrite_change_log")).isZero();
        }
    }

    @Test
    void scriptsAreOfferedPerDialectWithoutComments() {
        for (Dialect dialect : Dialect.values()) {
            assertThat(DualWriteSchema.script(dialect)).contains("dualwrite_change_log");
            assertThat(DualWriteSchema.statements(dialect))
                    .allSatisfy(sql -> assertThat(sql).doesNotContain("--").doesNotEndWith(";"))
                    .anySatisfy(sql -> assertThat(sql).startsWith("CREATE TABLE IF NOT EXISTS dualwrite_switch"));
        }
        assertThat(DualWriteSchema.statements(Dialect.POSTGRESQL)).hasSize(6);
        assertThat(DualWriteSchema.statements(Dialect.MYSQL)).hasSize(3);
    }
}
