package io.dualwrite.changelog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.Store;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** A change-log entry names a migration and a table: without them nobody could claim it or repair its row. */
class ChangeRecordNamesTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t"})
    void aRecordWithoutMigrationIsRefusedNamingTheArgument(String migration) {
        assertThatThrownBy(() -> new ChangeRecord(migration, "orders", "1", Operation.UPDATE, "failed", Store.NEW,
                null, null, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("migration must be a non-blank id, but was");
        assertThatThrownBy(() -> ChangeLogs.inMemory().record(migration, "orders", "1", Operation.UPDATE, "failed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("migration must be a non-blank id");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void aRecordOrRowWithoutTableIsRefusedNamingTheArgument(String table) {
        assertThatThrownBy(() -> new ChangeRecord("orders", table, "1", Operation.UPDATE, "failed", Store.NEW,
                null, null, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("table must be a non-blank string, but was");
        assertThatThrownBy(() -> new RowRef(table, "1", Operation.UPSERT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("table must be a non-blank string, but was");
        assertThatThrownBy(() -> ChangeRecord.scopedResync("orders", table, null, "unparsable", Store.NEW, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("table must be a non-blank string");
    }

    @Test
    void anEmptyKeyIsAKeyAndIsKept() {
        InMemoryChangeLog log = ChangeLogs.inMemory();
        long id = log.record(ChangeRecord.of("orders", new RowRef("orders", "", Operation.DELETE), "failed", Store.NEW,
                null));
        assertThat(log.claim(10, Instant.now().plusSeconds(1), java.time.Duration.ofSeconds(5)))
                .singleElement()
                .satisfies(entry -> {
                    assertThat(entry.id()).isEqualTo(id);
                    assertThat(entry.record().key()).isEmpty();
                    assertThat(entry.record().table()).isEqualTo("orders");
                });
    }
}
