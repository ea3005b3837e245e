package io.dualwrite.jdbc.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input fails before any row is touched, with a message naming the thing, the value and what is allowed:
 * values when the job is built, the schemas when it starts. After each schema failure the new table is still
 * empty and the checkpoint table has no row.
 */
class BackfillInputsTest {

    @Test
    void valuesAreCheckedWhenTheJobIsBuilt() throws Exception {
        try (BackfillFixture fixture = BackfillFixture.create(BackfillFixture.Pair.H2_TO_H2)) {
            assertThatThrownBy(() -> fixture.job().rateLimit(-5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("rateLimit must be a positive number of rows per second (or call unlimitedRate()),"
                            + " but was -5");
            assertThatThrownBy(() -> fixture.job().rateLimit(0)).hasMessageContaining("but was 0");
            assertThatThrownBy(() -> fixture.job().chunkRows(0, 10))
                    .hasMessage("chunkRows min must be at least 1, but was 0");
            assertThatThrownBy(() -> fixture.job().chunkRows(500, 100))
                    .hasMessage("chunkRows max must be at least min (500), but was 100");
            assertThatThrownBy(() -> fixture.job().chunkRows(1, 2_000_000))
                    .hasMessage("chunkRows max must be at most 1,000,000, but was 2000000");
            assertThatThrownBy(() -> fixture.job().chunkTimeTarget(Duration.ZERO))
                    .hasMessage("chunkTimeTarget must be positive and at most 10 minutes, but was PT0S");
            assertThatThrownBy(() -> fixture.job().chunkTimeTarget(Duration.ofMillis(-1)))
                    .hasMessageContaining("but was PT-0.001S");
            assertThatThrownBy(() -> fixture.job().workers(0)).hasMessage("workers must be between 1 and 64, but was 0");
            assertThatThrownBy(() -> fixture.job().workers(65)).hasMessageContaining("but was 65");
            assertThatThrownBy(() -> fixture.job().progressInterval(Duration.ofMillis(1)))
                    .hasMessage("progressInterval must be at least 10 ms, but was PT0.001S");
            assertThatThrownBy(() -> fixture.job().migration(" "))
                    .hasMessage("migration must be a non-blank id, but was ' '");
            assertThatThrownBy(() -> BackfillScope.merchant(""))
                    .hasMessage("merchantId must be a non-blank id, but was ''");
            assertThatThrownBy(() -> fixture.job().mapping(BackfillFixture.ORDERS))
                    .hasMessage("mapping of table 'orders' is given twice");
            assertThatThrownBy(() -> BackfillJob.builder().migration("orders").build())
                    .hasMessage("a backfill job needs oldDataSource, newDataSource, mapping, but they were not set");
            assertThatThrownBy(() -> BackfillJob.builder().migration("orders").oldDataSource(fixture.old.dataSource())
                    .newDataSource(fixture.fresh.dataSource()).mapping(TableMapping.identity("orders"))
                    .scope(BackfillScope.merchant("m-1")).build())
                    .hasMessage("scope merchant 'm-1' needs each table's merchant column, but the mapping of table"
                            + " 'orders' names none; set it with TableMapping.Builder.merchantIdColumn, or backfill"
                            + " the whole table");
            assertThatThrownBy(() -> fixture.job().rowCopier(fixture.plainCopier())
                    .resolver(org.mockito.Mockito.mock(io.dualwrite.switches.PhaseResolver.class)).build())
                    .hasMessageContaining("give either rowCopier or resolver, not both");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDatabases.Kind.class)
    void schemaProblemsFailTheStartBeforeAnyRowIsTouched(TestDatabases.Kind kind) throws Exception {
        BackfillFixture.Pair pair = switch (kind) {
            case H2 -> BackfillFixture.Pair.H2_TO_H2;
            case POSTGRES -> BackfillFixture.Pair.POSTGRES_TO_POSTGRES;
            case MARIADB -> BackfillFixture.Pair.MARIADB_TO_POSTGRES;
        };
        try (BackfillFixture fixture = BackfillFixture.create(pair)) {
            fixture.seed(1, 100);
            fixture.old.execute("CREATE TABLE events (id BIGINT, note VARCHAR(20))",
                    "INSERT INTO events VALUES (1, 'a')",
                    "CREATE TABLE items (order_id BIGINT, line_no INT, note VARCHAR(20), PRIMARY KEY (order_id, line_no))",
                    "INSERT INTO items VALUES (1, 1, 'a')",
                    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, merchant_no BIGINT)",
                    "INSERT INTO accounts VALUES (1, 7)");
            fixture.fresh.execute("CREATE TABLE events (id BIGINT, note VARCHAR(20))",
                    "CREATE TABLE items (order_id BIGINT, line_no INT, note VARCHAR(20), PRIMARY KEY (order_id, line_no))",
                    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, merchant_no BIGINT)");

            refused(fixture, () -> job(fixture, TableMapping.builder("order").build()).start(),
                    "old table 'order' does not exist in the old store", "new table 'order' does not exist in the new store");
            refused(fixture, () -> job(fixture, TableMapping.builder("orders").newTable("orders_v2")
                            .rename("status", "state").rename("amont", "amount_total").build()).start(),
                    "old table orders: renamed column 'amont' (renamed to amount_total) does not exist; did you mean 'amount'?");
            refused(fixture, () -> job(fixture, TableMapping.identity("events")).start(),
                    "old table 'events' has no primary key; a backfill walks a table in chunks of its primary key,"
                            + " so add one (ALTER TABLE events ADD PRIMARY KEY (id))");
            refused(fixture, () -> job(fixture, TableMapping.builder("items").primaryKey("order_id").build()).start(),
                    "old table 'items' has primary key [", "but its mapping names [order_id]");
            refused(fixture, () -> BackfillJob.builder().migration("orders").oldDataSource(fixture.old.dataSource())
                            .newDataSource(fixture.fresh.dataSource())
                            .mapping(TableMapping.builder("accounts").merchantIdColumn("merchant_no").build())
                            .scope(BackfillScope.merchant("m-1")).build().start(),
                    "old table 'accounts': the merchant id 'm-1' of the scope does not fit merchant column 'merchant_no'");
            // several problems at once, each named
            refused(fixture, () -> BackfillJob.builder().migration("orders").oldDataSource(fixture.old.dataSource())
                            .newDataSource(fixture.fresh.dataSource())
                            .mappings(List.of(TableMapping.identity("events"), TableMapping.builder("nope").build()))
                            .build().start(),
                    "old table 'events' has no primary key", "old table 'nope' does not exist in the old store");

            fixture.old.execute("DROP TABLE dualwrite_backfill_checkpoint");
            refused(fixture, () -> fixture.job().build().start(),
                    "the checkpoint store is not ready", "missing: dualwrite_backfill_checkpoint",
                    "DualWriteSchema.create(dataSource)");
        }
    }

    private static BackfillJob job(BackfillFixture fixture, TableMapping mapping) {
        return BackfillJob.builder().migration("orders").oldDataSource(fixture.old.dataSource())
                .newDataSource(fixture.fresh.dataSource()).mapping(mapping).build();
    }

    /** The start is refused with every fragment in its message, and nothing was written anywhere. */
    private static void refused(BackfillFixture fixture, ThrowingCallable start, String... fragments) {
        assertThatThrownBy(start).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("backfill of migration 'orders' (")
                .hasMessageContaining("cannot start; no row was copied")
                .satisfies(e -> {
                    for (String fragment : fragments) {
                        assertThat(e.getMessage()).containsIgnoringCase(fragment); // H2 spells names upper-case
                    }
                });
        for (String table : List.of("orders_v2", "events", "items", "accounts")) {
            assertThat(fixture.fresh.count("SELECT COUNT(*) FROM " + table)).as("rows in new " + table).isZero();
        }
        if (hasCheckpointTable(fixture.old)) {
            assertThat(fixture.old.count("SELECT COUNT(*) FROM dualwrite_backfill_checkpoint")).isZero();
        }
    }

    private static boolean hasCheckpointTable(TestDatabase db) {
        try {
            db.count("SELECT COUNT(*) FROM dualwrite_backfill_checkpoint");
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }
}
