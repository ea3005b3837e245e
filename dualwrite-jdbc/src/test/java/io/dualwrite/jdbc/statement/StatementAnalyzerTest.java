package io.dualwrite.jdbc.statement;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.Store;
import io.dualwrite.mapping.TableMapping;
import io.dualwrite.mapping.ValueTransformer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatementAnalyzerTest {

    private final TableMapping orders = TableMapping.builder("orders")
            .newTable("orders_v2")
            .rename("amount", "amount_cents")
            .transform("amount", ValueTransformer.of(v -> v, v -> v))
            .drop("legacy")
            .add("currency", "EUR")
            .orderIdColumn("id").merchantIdColumn("merchant_id")
            .build();

    private final StatementAnalyzer analyzer = new StatementAnalyzer(Map.of("orders", orders), 100,
            table -> List.of("id", "merchant_id", "amount_cents", "currency"));

    @Test
    void insertIsRewrittenWithRenamesDropsAndAddedColumns() {
        StatementAnalysis analysis = analyzer.analyze(
                "INSERT INTO orders (id, merchant_id, legacy, amount) VALUES (?, ?, ?, ?)");

        assertThat(analysis.kind()).isEqualTo(SqlKind.INSERT);
        assertThat(analysis.keysGenerated()).isFalse();
        assertThat(analysis.insertKeys()).containsExactly(List.of(new ValueRef(1, null)));
        assertThat(analysis.merchantId()).isEqualTo(new ValueRef(2, null));
        RenderedSql onNew = analysis.on(Store.NEW);
        assertThat(onNew.sql()).isEqualTo(
                "INSERT INTO orders_v2 (id, merchant_id, amount_cents, currency) VALUES (?, ?, ?, ?)");
        assertThat(onNew.parameters()).containsExactly(
                ParamSource.parameter(1, null), ParamSource.parameter(2, null),
                ParamSource.parameter(4, "amount"), ParamSource.constant("EUR"));
        assertThat(analysis.on(Store.OLD).isIdentityPlan()).isTrue();
    }

    @Test
    void multiRowInsertWithGeneratedKeysKeepsEachRowsValuesForTheKeyDerivation() {
        StatementAnalysis analysis = analyzer.analyze(
                "INSERT INTO orders (merchant_id, amount) VALUES (?, ?), ('m-2', ?)");

        assertThat(analysis.keysGenerated()).isTrue();
        assertThat(analysis.insertColumns()).containsExactly("merchant_id", "amount");
        assertThat(analysis.insertRows()).containsExactly(
                java.util.Arrays.asList(new ValueRef(1, null), new ValueRef(2, null)),
                java.util.Arrays.asList(new ValueRef(0, "m-2"), new ValueRef(3, null)));
    }

    @Test
    void updateWithoutKeyInWhereGetsAKeySelect() {
        StatementAnalysis analysis = analyzer.analyze("UPDATE orders SET amount = ?, legacy = ? WHERE merchant_id = ?");

        assertThat(analysis.whereKey()).isNull();
        assertThat(analysis.on(Store.NEW).sql()).isEqualTo("UPDATE orders_v2 SET amount_cents = ? WHERE merchant_id = ?");
        assertThat(analysis.on(Store.NEW).parameters())
                .containsExactly(ParamSource.parameter(1, "amount"), ParamSource.parameter(3, null));
        assertThat(analysis.keySelect(Store.OLD).sql()).isEqualTo("SELECT id FROM orders WHERE merchant_id = ?");
        assertThat(analysis.keySelect(Store.OLD).parameters()).containsExactly(ParamSource.parameter(3, null));
    }

    @Test
    void deleteByKeyTakesItsKeyFromTheWhereAndKeepsAKeySelectForLooselyComparedStrings() {
        StatementAnalysis analysis = analyzer.analyze("DELETE FROM orders WHERE id = ? AND merchant_id = 'm-1'");

        assertThat(analysis.whereKey()).containsExactly(new ValueRef(1, null));
        assertThat(analysis.merchantId()).isEqualTo(new ValueRef(0, "m-1"));
        // used only where the database may match another spelling of a string key (MySQL's collations)
        assertThat(analysis.keySelect(Store.OLD).sql())
                .isEqualTo("SELECT id FROM orders WHERE id = ? AND merchant_id = 'm-1'");
    }

    @Test
    void upsertsAreRecognisedAndRewritten() {
        StatementAnalysis mysql = analyzer.analyze(
                "INSERT INTO orders (id, amount) VALUES (?, ?) ON DUPLICATE KEY UPDATE amount = VALUES(amount)");
        StatementAnalysis postgres = analyzer.analyze(
                "INSERT INTO orders (id, amount) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount");
        StatementAnalysis replace = analyzer.analyze("REPLACE INTO orders (id, amount) VALUES (?, ?)");

        assertThat(List.of(mysql.kind(), postgres.kind(), replace.kind())).containsOnly(SqlKind.UPSERT);
        assertThat(mysql.on(Store.NEW).sql()).isEqualTo("INSERT INTO orders_v2 (id, amount_cents, currency) "
                + "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE amount_cents = VALUES(amount_cents)");
        assertThat(postgres.on(Store.NEW).sql()).contains("ON CONFLICT (id) DO UPDATE SET amount_cents = EXCLUDED.amount_cents");
    }

    @Test
    void keysOfNonDeterministicWritesAreKnownAndUnparsableWritesAreResynced() {
        // rows are synced by key, so a function's value never needs replaying
        assertThat(analyzer.analyze("UPDATE orders SET amount = RAND() WHERE id = ?").keysUnknown()).isNull();
        assertThat(analyzer.analyze("INSERT INTO orders (id, amount) VALUES (?, 'now()')").keysUnknown()).isNull();
        assertThat(analyzer.analyze("UPDATE orders SET WHERE").kind()).isEqualTo(SqlKind.UNKNOWN);
        assertThat(analyzer.analyze("UPDATE orders SET WHERE").resyncTables()).hasSize(1);
        assertThat(analyzer.analyze("CREATE TABLE x (id INT)").mapped()).isFalse();
        assertThat(analyzer.analyze("INSERT INTO other (id) VALUES (?)").mapped()).isFalse();
    }

    @Test
    void selectOnNewKeepsOldColumnNames() {
        assertThat(analyzer.analyze("SELECT * FROM orders WHERE amount > ?").on(Store.NEW).sql())
                .isEqualTo("SELECT id, merchant_id, amount_cents AS amount FROM orders_v2 WHERE amount_cents > ?");
        assertThat(analyzer.analyze("SELECT o.amount FROM orders o WHERE o.id = ?").on(Store.NEW).sql())
                .isEqualTo("SELECT o.amount_cents AS amount FROM orders_v2 o WHERE o.id = ?");
    }

    @Test
    void parametersInsideQuotesAreNotParameters() {
        StatementAnalysis analysis = analyzer.analyze("UPDATE orders SET merchant_id = '?' WHERE id = ?");
        assertThat(analysis.whereKey()).containsExactly(new ValueRef(1, null));
    }

    @Test
    void signedNumberLiteralsAreKeysAndAKeyOnlyTheDatabaseKnowsLeavesTheOtherRowsKnown() {
        StatementAnalysis analysis = analyzer.analyze(
                "INSERT INTO orders (id, merchant_id) VALUES (2, 'm'), (-1, 'm'), (+3, 'm'), (-9223372036854775808, 'm'),"
                        + " (-2.50, 'm'), (-?, 'm')");

        assertThat(analysis.keysUnknown()).isNull();
        assertThat(analysis.insertRows()).hasSize(6);
        assertThat(analysis.insertRows().stream().map(row -> row.get(0)).toList()).containsExactly(
                new ValueRef(0, 2L), new ValueRef(0, -1L), new ValueRef(0, 3L),
                new ValueRef(0, java.math.BigInteger.valueOf(Long.MIN_VALUE)),
                new ValueRef(0, new java.math.BigDecimal("-2.50")), null);
    }
}
