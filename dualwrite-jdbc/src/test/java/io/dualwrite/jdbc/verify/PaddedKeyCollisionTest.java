package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * More members of the kind "keys whose canonical texts coincide on one store hide a row the other store lacks":
 * a {@code VARCHAR} key against a {@code CHAR} one, where the verifier trims the padding. Row counts are read
 * with plain JDBC and held against the report.
 */
class PaddedKeyCollisionTest {

    private static TableReport verify(TestDatabase old, TestDatabase fresh, int chunkRows) throws Exception {
        return Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .recheckDelay(Duration.ZERO).recheckRounds(1).build()
                .verify(VerificationJob.builder("codes").table(TableMapping.builder("codes").primaryKey("code").build())
                        .chunkRows(chunkRows).build()).tables().get(0);
    }

    @Test
    void h2VarcharKeysDifferingOnlyInTrailingSpacesAreEachMissingFromACharKeyedNewTable() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.H2);
             TestDatabase fresh = TestDatabases.create(Kind.H2)) {
            old.execute("CREATE TABLE codes (code VARCHAR(8) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('x', 1), ('x ', 1), ('x  ', 1), ('y', 2)");
            fresh.execute("CREATE TABLE codes (code CHAR(8) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('x', 1), ('y', 2)");
            long missing = old.count("SELECT COUNT(*) FROM codes") - fresh.count("SELECT COUNT(*) FROM codes");
            assertThat(missing).as("plain JDBC: rows the new table lacks").isEqualTo(2);

            TableReport report = verify(old, fresh, 1000);
            assertThat(report.missingInNew()).as(report.toText()).isEqualTo(missing);
        }
    }

    @Test
    void mariaDbExtraRowWithATrailingSpaceIsReportedWhenItsChunkIsFetchedWhole() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.MARIADB);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE codes (code CHAR(8) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('a', 1)");
            fresh.execute("CREATE TABLE codes (code VARCHAR(8) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('a', 2), ('a ', 1), ('a  ', 1)");

            TableReport report = verify(old, fresh, 2);
            assertThat(report.extraInNew()).as(report.toText()).isEqualTo(2);
            assertThat(report.different()).as(report.toText()).isEqualTo(1);
        }
    }

    @Test
    void postgresCharKeysCopiedIntoVarcharVerifyClean() throws Exception {
        try (TestDatabase old = TestDatabases.createWithDualWriteSchema(Kind.POSTGRES);
             TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE codes (code CHAR(8) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('a', 1), ('b', 2)");
            fresh.execute("CREATE TABLE codes (code VARCHAR(8) PRIMARY KEY, qty INT)",
                    "INSERT INTO codes VALUES ('a', 1), ('b', 2)");

            TableReport report = verify(old, fresh, 1000);
            assertThat(report.clean()).as(report.toText()).isTrue();
        }
    }
}
