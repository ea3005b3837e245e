package io.dualwrite.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.dualwrite.Store;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
    void badInputIsRefusedWithTheNameOfTheProperty() {
        assertThatThrownBy(() -> TableMapping.builder(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("oldTable").hasMessageContaining("non-blank");
        assertThatThrownBy(() -> TableMapping.builder("t").rename("a", "b").rename("A", "c"))
                .hasMessageContaining("rename of column 'A' is set twice");
        assertThatThrownBy(() -> TableMapping.builder("t").primaryKey())
                .hasMessageContaining("primaryKey must name at least one column");
        assertThatThrownBy(() -> TableMapping.builder("t").drop("id").build())
                .hasMessageContaining("primaryKey column 'id' cannot be dropped");
        assertThatThrownBy(() -> TableMapping.builder("t").transform("a", null))
                .hasMessageContaining("transform for column 'a' must not be null");
    }
}
