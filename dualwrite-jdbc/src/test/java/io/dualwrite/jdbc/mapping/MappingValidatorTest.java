package io.dualwrite.jdbc.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MappingValidatorTest {

    private static final String OLD_ORDERS = "CREATE TABLE orders (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20),"
            + " amount DECIMAL(12,2), legacy_flag INT)";

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void aMappingThatFitsBothSchemasPasses(TestDatabases.Kind newKind) {
        try (TestDatabase oldDb = TestDatabases.mariadb(); TestDatabase newDb = TestDatabases.create(newKind)) {
            oldDb.execute(OLD_ORDERS);
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20) NOT NULL,"
                    + " amount_total DECIMAL(12,2), currency CHAR(3) NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
            TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2")
                    .rename("amount", "amount_total").drop("legacy_flag").add("currency", "EUR")
                    .merchantIdColumn("merchant_id").build();

            assertThatCode(() -> MappingValidator.validate(oldDb.dataSource(), newDb.dataSource(), List.of(mapping)))
                    .doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void everyProblemIsNamedAtOnce(TestDatabases.Kind newKind) throws SQLException {
        try (TestDatabase oldDb = TestDatabases.h2(); TestDatabase newDb = TestDatabases.create(newKind)) {
            oldDb.execute(OLD_ORDERS);
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, merchant_id VARCHAR(20),"
                    + " amount_total DECIMAL(12,2), currency CHAR(3) NOT NULL)");
            TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2")
                    .rename("amount", "amount_cents")          // no such column in the new table
                    .merchantIdColumn("merchant")               // no such column in the old table
                    .build();                                   // legacy_flag not dropped; currency not filled

            List<String> problems = MappingValidator.problems(oldDb.dataSource(), newDb.dataSource(), List.of(mapping));

            assertThat(problems).hasSize(4).anySatisfy(p -> assertThat(p).contains("has no column 'amount_cents'"))
                    .anySatisfy(p -> assertThat(p).containsIgnoringCase("legacy_flag").contains("has no column"))
                    .anySatisfy(p -> assertThat(p).containsIgnoringCase("currency").contains("NOT NULL without a default"))
                    .anySatisfy(p -> assertThat(p).contains("merchantIdColumn 'merchant' does not exist"));
        }
    }

    @Test
    void missingTablesAreNamedAndFailValidation() {
        try (TestDatabase oldDb = TestDatabases.postgres(); TestDatabase newDb = TestDatabases.postgres()) {
            oldDb.execute(OLD_ORDERS);
            TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2").build();

            assertThatThrownBy(() -> MappingValidator.validate(oldDb.dataSource(), newDb.dataSource(), List.of(mapping)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("new table 'orders_v2' does not exist in the new store");
        }
    }
}
