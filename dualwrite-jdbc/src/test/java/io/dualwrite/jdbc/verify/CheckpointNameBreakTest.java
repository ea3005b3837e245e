package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.jdbc.backfill.BackfillJob;
import io.dualwrite.jdbc.backfill.BackfillScope;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoint and job names are stored in dualwrite's own tables: a name PostgreSQL cannot store (NUL) or a driver
 * would store as another character (an unpaired surrogate) is refused when the job is built, naming the property;
 * a name as long as the column allows, counted as the databases count it, is accepted and works.
 */
class CheckpointNameBreakTest {

    @ParameterizedTest
    @ValueSource(strings = {"night\u0000ly", "nightly\uD800", "night\nly"})
    void aCheckpointNameThatCannotBeStoredIsRefusedAtBuildNamingIt(String name) {
        assertThatThrownBy(() -> Pair.job().checkpoint(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkpoint must not hold control characters or unpaired surrogates")
                .hasMessageContaining("'night").hasMessageEndingWith("; remove it")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000").doesNotContain("\n"));
        assertThatThrownBy(() -> Verifier.builder().oldDataSource(new JdbcDataSource())
                .newDataSource(new JdbcDataSource()).build().resetCheckpoint(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkpoint must not hold control characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"night\u0000ly", "nightly\uD800"})
    void aBackfillNameOrMerchantScopeThatCannotBeStoredIsRefusedAtBuild(String name) {
        assertThatThrownBy(() -> BackfillJob.builder().name(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("name must not hold control characters");
        assertThatThrownBy(() -> BackfillJob.builder().migration("orders").oldDataSource(new JdbcDataSource())
                .newDataSource(new JdbcDataSource()).mapping(TableMapping.builder("orders")
                        .merchantIdColumn("merchant_id").build())
                .scope(BackfillScope.merchant(name)).build())
                .isInstanceOf(IllegalArgumentException.class)
                // the merchant id itself is refused first (round 21: ids the library's tables cannot hold exactly)
                .hasMessageStartingWith("merchantId holds U+")
                .hasMessageEndingWith("use an id without it");
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"POSTGRES", "MARIADB"})
    void aCheckpointNameOfTheFullLengthWithACharacterBeyondTheBasicPlaneIsAcceptedAndWorks(Kind kind)
            throws Exception {
        // 128 characters as PostgreSQL and MariaDB count them, 129 UTF-16 units
        String name = "x".repeat(VerificationJob.MAX_CHECKPOINT_NAME - 1) + "\uD83D\uDE00";
        try (Pair pair = Pair.of(kind, kind)) {
            pair.fill(1, 50);
            Verifier verifier = pair.verifier().build();

            VerificationResult result = verifier.verify(Pair.job().checkpoint(name).build());

            assertThat(result.tables().get(0).rowsCompared()).isEqualTo(50);
            assertThat(verifier.resetCheckpoint(name)).isZero();
        }
        assertThatThrownBy(() -> Pair.job().checkpoint(name + "x"))
                .hasMessageContaining("at most 128 characters, but was 129 characters long");
    }
}
