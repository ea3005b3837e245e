package io.dualwrite.jdbc.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
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

            assertThat(problems).hasSize(4)
                    .anySatisfy(p -> assertThat(p).isEqualTo("orders.amount: the new table orders_v2 has no column"
                            + " 'amount_cents' (its new name in the mapping)"))
                    .anySatisfy(p -> assertThat(p).isEqualToIgnoringCase("orders.legacy_flag: the new table orders_v2 has"
                            + " no column 'legacy_flag'; rename it to an existing column or drop it in the mapping"))
                    .anySatisfy(p -> assertThat(p).containsIgnoringCase("currency").contains("NOT NULL without a default"))
                    .anySatisfy(p -> assertThat(p).contains("old table orders: merchantIdColumn 'merchant' does not exist"));
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

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void misspeltOldSideNamesAreAllNamedInOneMessage(TestDatabases.Kind kind) {
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            oldDb.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, order_no VARCHAR(20), merchant_id VARCHAR(20),"
                    + " amount DECIMAL(12,2), legacy_flag INT, card VARCHAR(40))");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, order_no VARCHAR(20), merchant_id VARCHAR(20),"
                    + " amount_total DECIMAL(12,2), card VARCHAR(80))");
            TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2")
                    .rename("amout", "amount_total")
                    .drop("legacy_flg")
                    .transform("crad", ValueTransformer.of(value -> value, value -> value))
                    .orderIdColumn("order_nr")
                    .merchantIdColumn("merchantid")
                    .build();

            assertThatThrownBy(() -> MappingValidator.validate(oldDb.dataSource(), newDb.dataSource(), List.of(mapping)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("old table orders: renamed column 'amout' (renamed to amount_total) does not exist;"
                            + " did you mean '" + metadataName(kind, "amount") + "'?")
                    .hasMessageContaining("old table orders: dropped column 'legacy_flg' does not exist")
                    .hasMessageContaining("old table orders: transformed column 'crad' does not exist")
                    .hasMessageContaining("old table orders: orderIdColumn 'order_nr' does not exist")
                    .hasMessageContaining("old table orders: merchantIdColumn 'merchantid' does not exist")
                    .hasMessageContaining("the new table orders_v2 has no column '" + metadataName(kind, "amount") + "'")
                    .satisfies(e -> assertThat(e.getMessage().lines().filter(line -> line.startsWith("  - ")))
                            .as("every problem, each once").hasSize(7));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class, names = {"H2", "POSTGRES"})
    void misspeltKeyColumnsAndNewSideNamesAreNamed(TestDatabases.Kind kind) throws SQLException {
        try (TestDatabase oldDb = TestDatabases.create(kind); TestDatabase newDb = TestDatabases.create(kind)) {
            oldDb.execute("CREATE TABLE orders (order_id BIGINT PRIMARY KEY, amount DECIMAL(12,2))");
            newDb.execute("CREATE TABLE orders_v2 (id BIGINT PRIMARY KEY, amount_total DECIMAL(12,2),"
                    + " currency CHAR(3) NOT NULL)");
            TableMapping mapping = TableMapping.builder("orders").newTable("orders_v2")
                    .primaryKey("ordr_id")
                    .rename("amount", "amount_totl")
                    .add("curency", "EUR")
                    .build();

            List<String> problems = MappingValidator.problems(oldDb.dataSource(), newDb.dataSource(), List.of(mapping));

            assertThat(problems).containsExactlyInAnyOrder(
                    "old table orders: primary-key column 'ordr_id' does not exist; did you mean '"
                            + metadataName(kind, "order_id") + "'?",
                    "new table orders_v2: primary-key column 'ordr_id' does not exist",
                    "orders.amount: the new table orders_v2 has no column 'amount_totl' (its new name in the mapping);"
                            + " did you mean '" + metadataName(kind, "amount_total") + "'?",
                    "new table orders_v2: added column 'curency' does not exist; did you mean '"
                            + metadataName(kind, "currency") + "'?",
                    "orders." + metadataName(kind, "order_id") + ": the new table orders_v2 has no column '"
                            + metadataName(kind, "order_id") + "'; rename it to an existing column or drop it in the mapping",
                    notFilled(kind, "id"),
                    notFilled(kind, "currency"));
        }
    }

    @Test
    void theNamesOfRenamesAndTransformersAreReadAsTheMappingSpellsThem() {
        TableMapping mapping = TableMapping.builder("orders")
                .rename("Amout", "amount_total").rename("note", "note_text")
                .transform("Card_No", ValueTransformer.of(value -> value, value -> value)).drop("x")
                .add("currency", "EUR").build();

        assertThat(DeclaredNames.renames(mapping)).containsExactly(
                entry("Amout", "amount_total"),
                entry("note", "note_text"));
        assertThat(DeclaredNames.transformed(mapping)).containsExactly("card_no");
        assertThat(DeclaredNames.renames(TableMapping.identity("orders"))).isEmpty();
        assertThat(DeclaredNames.transformed(TableMapping.identity("orders"))).isEmpty();
    }

    /** A column name as the database's metadata spells an unquoted identifier. */
    private static String metadataName(TestDatabases.Kind kind, String name) {
        return kind == TestDatabases.Kind.H2 ? name.toUpperCase(Locale.ROOT) : name;
    }

    private static String notFilled(TestDatabases.Kind kind, String newColumn) {
        return "new table orders_v2: column " + metadataName(kind, newColumn) + " is NOT NULL without a default and no"
                + " old column maps to it; add it to the mapping with a value (TableMapping.Builder.add)";
    }
}
