package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bad input fails before any row is read, naming the thing, the value and what is allowed. */
class BadInputTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void unknownTablesMissingColumnsAndTablesWithoutAPrimaryKeyAreAllNamedBeforeAnyRowIsRead(Kind kind)
            throws Exception {
        try (Pair pair = Pair.of(kind, kind)) {
            pair.fill(1, 10);
            pair.oldDb.execute("CREATE TABLE nokey (id BIGINT NOT NULL, v INT)");
            pair.newDb.execute("CREATE TABLE nokey (id BIGINT NOT NULL, v INT)");
            Verifier verifier = pair.verifier().build();
            VerificationJob job = VerificationJob.builder("orders")
                    .table(TableMapping.identity("nope"))
                    .table(TableMapping.builder("orders").newTable("orders_v2").rename("amount", "amount_totl").build())
                    .table(TableMapping.identity("nokey"))
                    .build();

            assertThatThrownBy(() -> verifier.verify(job))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot verify migration 'orders'")
                    .hasMessageContaining("old table 'nope' does not exist in the old store")
                    .hasMessageContaining("new table 'nope' does not exist in the new store")
                    .hasMessageContaining("has no column 'amount_totl'")
                    .satisfies(e -> assertThat(e.getMessage().toLowerCase(java.util.Locale.ROOT))
                            .contains("did you mean 'amount_total'?"))
                    .hasMessageContaining("old table 'nokey' has no primary key")
                    .hasMessageContaining("new table 'nokey' has no primary key");
            assertThatThrownBy(() -> verifier.start(job)).isInstanceOf(IllegalArgumentException.class);
            assertThat(pair.oldDb.count("SELECT COUNT(*) FROM dualwrite_verification")).isZero();

            assertThatThrownBy(() -> verifier.verify(VerificationJob.builder("orders")
                    .table(TableMapping.builder("orders").newTable("orders_v2").rename("amount", "amount_total")
                            .primaryKey("merchant_id").build()).build()))
                    .hasMessageContaining("the mapping's primary key [merchant_id] is not the table's primary key");
        }
    }

    @Test
    void aMerchantIdThatDoesNotFitANumericMerchantColumnIsRefused() throws Exception {
        try (Pair pair = Pair.of(Kind.H2, Kind.H2)) {
            pair.oldDb.execute("CREATE TABLE lines (id BIGINT PRIMARY KEY, shop BIGINT)");
            pair.newDb.execute("CREATE TABLE lines (id BIGINT PRIMARY KEY, shop BIGINT)");
            VerificationJob job = VerificationJob.builder("orders").merchant("m-1")
                    .table(TableMapping.builder("lines").merchantIdColumn("shop").build()).build();
            assertThatThrownBy(() -> pair.verifier().build().verify(job))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("merchant id 'm-1' does not fit merchant column shop of type BIGINT");

            pair.newDb.execute("CREATE TABLE shops (id BIGINT PRIMARY KEY)");
            pair.oldDb.execute("CREATE TABLE shops (id BIGINT PRIMARY KEY, shop VARCHAR(10))");
            VerificationJob dropped = VerificationJob.builder("orders").merchant("m-1")
                    .table(TableMapping.builder("shops").drop("shop").merchantIdColumn("shop").build()).build();
            assertThatThrownBy(() -> pair.verifier().build().verify(dropped))
                    .hasMessageContaining("merchant column shop is dropped by the mapping");
        }
    }

    @Test
    void badSettingsOfAJobAreRefusedWhenSet() {
        VerificationJob.Builder job = VerificationJob.builder("orders");
        assertThatThrownBy(() -> job.maxRowsPerSecond(-5))
                .hasMessage("maxRowsPerSecond must be 0 (no limit) or at least 1 row per second, but was -5.0");
        assertThatThrownBy(() -> job.maxRowsPerSecond(Double.NaN)).hasMessageContaining("but was NaN");
        // a rate far below a row a second waited up to about 31 years between chunks (round 21)
        assertThatThrownBy(() -> job.maxRowsPerSecond(1e-300)).hasMessageContaining("but was 1.0E-300");
        assertThatThrownBy(() -> job.maxRowsPerSecond(0.5)).hasMessageContaining("at least 1 row per second");
        assertThatThrownBy(() -> job.maxRowsPerSecond(Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
        assertThat(job.maxRowsPerSecond(1)).as("one row a second is taken").isSameAs(job);
        assertThat(job.maxRowsPerSecond(0)).as("0, no limit, is taken").isSameAs(job);
        assertThatThrownBy(() -> job.sample(0, 1))
                .hasMessage("sample fraction must be greater than 0 and at most 1, but was 0.0");
        assertThatThrownBy(() -> job.sample(1.5, 1)).hasMessageContaining("but was 1.5");
        assertThatThrownBy(() -> job.sample(-0.1, 1)).hasMessageContaining("but was -0.1");
        assertThatThrownBy(() -> job.chunkRows(1)).hasMessage("chunkRows must be at least 2, but was 1");
        assertThatThrownBy(job::build).hasMessage("tables must name at least one table mapping, but was empty");
        assertThatThrownBy(() -> VerificationJob.builder(" ")).hasMessage("migration must be a non-blank name, but was ' '");
        assertThatThrownBy(() -> VerificationJob.builder("orders").merchant("m-1")
                .table(TableMapping.identity("orders")).build())
                .hasMessageContaining("scope merchant 'm-1' needs the merchant column of table 'orders'");
        assertThatThrownBy(() -> VerificationJob.builder("orders").tables(List.of(TableMapping.identity("orders"),
                TableMapping.identity("ORDERS"))).build()).hasMessage("table 'ORDERS' is given twice");
        assertThatThrownBy(() -> VerificationScope.merchant(" ")).hasMessageContaining("merchantId must be a non-blank id");
        assertThatThrownBy(() -> VerificationScope.ofChangeLogKey("merchant="))
                .hasMessageContaining("scoped resync key must be '*' or 'merchant=<id>', but was 'merchant='");
        assertThatThrownBy(() -> Verifier.builder().build()).hasMessage("oldDataSource must be set, but was missing");
        assertThatThrownBy(() -> Verifier.builder().recheckRounds(0))
                .hasMessage("recheckRounds must be between 1 and 100, but was 0");
    }
}
