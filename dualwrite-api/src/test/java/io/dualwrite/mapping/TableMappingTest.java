package io.dualwrite.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.dualwrite.Store;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TableMappingTest {

    private final TableMapping orders = TableMapping.builder("orders")
            .newTable("orders_v2")
            .primaryKey("id")
            .rename("amount", "amount_cents")
            .transform("amount", ValueTransformer.of(
                    v -> v == null ? null : ((Number) v).longValue() * 100,
                    v -> v == null ? null : ((Number) v).longValue() / 100))
            .drop("legacy_flag")
            .add("currency", "EUR")
            .orderIdColumn("id")
            .merchantIdColumn("merchant_id")
            .build();

    @Test
    void identityMappingKeepsTableColumnsAndValues() {
        TableMapping identity = TableMapping.identity("payments");

        assertThat(identity.isIdentity()).isTrue();
        assertThat(identity.newTable()).isEqualTo("payments");
        assertThat(identity.primaryKey()).containsExactly("id");
        assertThat(identity.newColumn("status")).contains("status");
        assertThat(identity.oldColumn("status")).contains("status");
        assertThat(identity.toNewRow(Map.of("id", 1, "status", "PAID")))
                .containsOnly(entry("id", 1), entry("status", "PAID"));
    }

    @Test
    void oldRowBecomesNewRowWithRenamesDropsAddsAndTransformedValues() {
        Map<String, Object> oldRow = new LinkedHashMap<>();
        oldRow.put("id", 7L);
        oldRow.put("merchant_id", "m-1");
        oldRow.put("amount", 12);
        oldRow.put("legacy_flag", true);

        assertThat(orders.toNewRow(oldRow)).containsExactly(
                entry("id", 7L), entry("merchant_id", "m-1"), entry("amount_cents", 1200L), entry("currency", "EUR"));
    }

    @Test
    void newRowBecomesOldRowWithoutAddedColumns() {
        Map<String, Object> newRow = new LinkedHashMap<>();
        newRow.put("id", 7L);
        newRow.put("AMOUNT_CENTS", 1200L);
        newRow.put("currency", "EUR");

        assertThat(orders.toOldRow(newRow)).containsExactly(entry("id", 7L), entry("amount", 12L));
    }

    @Test
    void columnsAreMatchedCaseInsensitively() {
        assertThat(orders.newColumn("AMOUNT")).contains("amount_cents");
        assertThat(orders.newColumn("Legacy_Flag")).isEmpty();
        assertThat(orders.oldColumn("Amount_Cents")).contains("amount");
        assertThat(orders.oldColumn("currency")).isEmpty();
        assertThat(orders.oldColumn("amount")).as("the old name no longer exists in the new table").isEmpty();
    }

    @Test
    void tableAndKeyAreNamedPerStore() {
        assertThat(orders.table(Store.OLD)).isEqualTo("orders");
        assertThat(orders.table(Store.NEW)).isEqualTo("orders_v2");
        assertThat(orders.newPrimaryKey()).containsExactly("id");
        assertThat(orders.isIdentity()).isFalse();
        assertThat(orders.orderIdColumn()).contains("id");
        assertThat(orders.merchantIdColumn()).contains("merchant_id");
    }

    @Test
    void renamedPrimaryKeyIsReportedByItsNewName() {
        TableMapping mapping = TableMapping.builder("t").primaryKey("tenant", "no").rename("no", "number").build();

        assertThat(mapping.newPrimaryKey()).containsExactly("tenant", "number");
    }

    @Test
    void oneWayTransformerRefusesTheReverseDirection() {
        ValueTransformer hash = oldValue -> "h:" + oldValue;

        assertThat(hash.toNew("x")).isEqualTo("h:x");
        assertThatThrownBy(() -> hash.toOld("h:x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void twoColumnsOfTheNewTableUnderOneNameAreRefused() {
        assertThatThrownBy(() -> TableMapping.builder("t").rename("a", "c").rename("b", "C").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rename of column 'b' to 'C'").hasMessageContaining("the rename of 'a'");
        assertThatThrownBy(() -> TableMapping.builder("t").rename("amount", "id").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("second column 'id'").hasMessageContaining("column 'id', which keeps its name");
        assertThatThrownBy(() -> TableMapping.builder("t").merchantIdColumn("merchant_id")
                .rename("shop", "MERCHANT_ID").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column 'merchant_id'");
        assertThatThrownBy(() -> TableMapping.builder("t").rename("a", "note").add("note", "x").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("added column 'note'").hasMessageContaining("the rename of 'a'");
    }

    @Test
    void swappedNamesAndAColumnAddedUnderARenamedAwayNameAreAccepted() {
        TableMapping swapped = TableMapping.builder("t").rename("a", "b").rename("b", "a").build();
        assertThat(swapped.newColumn("a")).contains("b");
        assertThat(swapped.newColumn("b")).contains("a");
        TableMapping renamedKey = TableMapping.builder("t").rename("id", "order_id").rename("legacy_id", "id")
                .rename("status", "state").add("status", "NEW").build();
        assertThat(renamedKey.newColumn("legacy_id")).contains("id");
        assertThat(renamedKey.addedColumns()).containsEntry("status", "NEW");
    }

    @Test
    void badInputIsRefusedWithTheNameOfTheProperty() {
        assertThatThrownBy(() -> TableMapping.builder(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("oldTable must be an unquoted SQL identifier ([A-Za-z_][A-Za-z0-9_$]*, at most 63 "
                        + "characters), optionally qualified by one schema as schema.table, but was ' '");
        assertThatThrownBy(() -> TableMapping.builder("t").rename("a", "b").rename("A", "c"))
                .hasMessageContaining("rename of column 'A' is set twice");
        assertThatThrownBy(() -> TableMapping.builder("t").primaryKey())
                .hasMessageContaining("primaryKey must name at least one column");
        assertThatThrownBy(() -> TableMapping.builder("t").drop("id").build())
                .hasMessageContaining("primaryKey column 'id' cannot be dropped");
        assertThatThrownBy(() -> TableMapping.builder("t").transform("a", null))
                .hasMessageContaining("transform for column 'a' must not be null");
    }

    /** Names that must never reach generated SQL; the first is the injection a configured name once allowed. */
    static Stream<String> hostileNames() {
        return Stream.of(
                "orders_v2 (id) VALUES (666); DROP TABLE victim; --",
                "orders;", "orders; DROP TABLE victim", "orders --", "orders/*x*/", "orders#",
                "ord\"ers", "\"orders\"", "`orders`", "ord'ers", "[orders]",
                "", "  ", " orders", "orders ", "or ders", "orders\n", "orders\t", "orders\u0000",
                "1orders", "9", "$orders", "or-ders", "or+ders", "ordérs", "заказы",
                "a.b.c", ".orders", "orders.", "..", "schema..orders",
                "x".repeat(64), "s.".concat("t".repeat(64)), "s".repeat(64).concat(".t"));
    }

    static Stream<String> hostileColumnNames() {
        return Stream.concat(hostileNames(), Stream.of("public.id", "orders.id"));
    }

    /** Every setter of the builder that takes a table name, by its property name. */
    static Stream<Arguments> tableSetters() {
        return Stream.of(
                Arguments.of("oldTable", (Consumer<String>) TableMapping::builder),
                Arguments.of("newTable", (Consumer<String>) name -> TableMapping.builder("orders").newTable(name)));
    }

    /** Every setter of the builder that takes a column name, by its property name. */
    static Stream<Arguments> columnSetters() {
        return Stream.of(
                Arguments.of("primaryKey", (Consumer<String>) name -> TableMapping.builder("t").primaryKey("id", name)),
                Arguments.of("rename.oldColumn",
                        (Consumer<String>) name -> TableMapping.builder("t").rename(name, "b")),
                Arguments.of("rename.newColumn",
                        (Consumer<String>) name -> TableMapping.builder("t").rename("a", name)),
                Arguments.of("drop", (Consumer<String>) name -> TableMapping.builder("t").drop(name)),
                Arguments.of("add", (Consumer<String>) name -> TableMapping.builder("t").add(name, 1)),
                Arguments.of("transform", (Consumer<String>) name -> TableMapping.builder("t")
                        .transform(name, ValueTransformer.of(v -> v, v -> v))),
                Arguments.of("orderIdColumn", (Consumer<String>) name -> TableMapping.builder("t").orderIdColumn(name)),
                Arguments.of("merchantIdColumn",
                        (Consumer<String>) name -> TableMapping.builder("t").merchantIdColumn(name)));
    }

    static Stream<Arguments> hostileTableNamesPerSetter() {
        return tableSetters().flatMap(setter -> Stream.concat(hostileNames(), Stream.of((String) null))
                .map(name -> Arguments.of(setter.get()[0], name, setter.get()[1])));
    }

    static Stream<Arguments> hostileColumnNamesPerSetter() {
        return columnSetters().flatMap(setter -> Stream.concat(hostileColumnNames(), Stream.of((String) null))
                .map(name -> Arguments.of(setter.get()[0], name, setter.get()[1])));
    }

    @ParameterizedTest(name = "{0} refuses [{1}]")
    @MethodSource("hostileTableNamesPerSetter")
    void tableNameThatIsNotAnIdentifierIsRefusedAtTheSetter(String property, String name, Consumer<String> setter) {
        assertThatThrownBy(() -> setter.accept(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(property + " must be an unquoted SQL identifier ([A-Za-z_][A-Za-z0-9_$]*, at most 63 "
                        + "characters), optionally qualified by one schema as schema.table, but was " + shown(name));
    }

    @ParameterizedTest(name = "{0} refuses [{1}]")
    @MethodSource("hostileColumnNamesPerSetter")
    void columnNameThatIsNotAnIdentifierIsRefusedAtTheSetter(String property, String name, Consumer<String> setter) {
        assertThatThrownBy(() -> setter.accept(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(property + " must be an unquoted SQL identifier ([A-Za-z_][A-Za-z0-9_$]*, at most 63 "
                        + "characters), but was " + shown(name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"orders", "Orders_V2", "ORDERS", "order", "select", "key", "_tmp$1", "t",
            "public.orders", "Sales.Order", "order.select"})
    void identifiersReservedWordsMixedCaseAndOneSchemaAreAcceptedAsTableNames(String name) {
        TableMapping mapping = TableMapping.builder(name).newTable(name).build();

        assertThat(mapping.oldTable()).isEqualTo(name);
        assertThat(mapping.newTable()).isEqualTo(name);
    }

    @Test
    void namesOfTheLongestAllowedLengthAreAccepted() {
        String longest = "t".repeat(63);

        TableMapping mapping = TableMapping.builder("s".repeat(63) + "." + longest).newTable(longest)
                .primaryKey("k".repeat(63)).build();

        assertThat(mapping.newTable()).hasSize(63);
        assertThat(mapping.primaryKey()).containsExactly("k".repeat(63));
    }

    @ParameterizedTest
    @ValueSource(strings = {"key", "order", "select", "Amount_Cents", "_x$1", "from"})
    void reservedWordsAndMixedCaseAreAcceptedAsColumnNames(String name) {
        TableMapping mapping = TableMapping.builder("t").primaryKey(name).rename("a", name + "_new").drop("b")
                .add("c_" + name, null).transform(name, ValueTransformer.of(v -> v, v -> v))
                .orderIdColumn(name).merchantIdColumn(name).build();

        assertThat(mapping.primaryKey()).containsExactly(name);
        assertThat(mapping.newColumn("a")).contains(name + "_new");
        assertThat(mapping.orderIdColumn()).contains(name);
        assertThat(mapping.transforms(name.toUpperCase(java.util.Locale.ROOT))).isTrue();
    }

    private static String shown(String name) {
        return name == null ? "null" : "'" + name + "'";
    }
}
