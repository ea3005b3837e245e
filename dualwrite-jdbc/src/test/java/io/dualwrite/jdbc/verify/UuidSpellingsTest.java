package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * UUIDs kept by a MySQL/MariaDB schema as {@code BINARY(16)} (the UUID's bytes in order) or as text in any spelling
 * (braces, upper case, no hyphens), against PostgreSQL {@code uuid} columns: equal UUIDs verify clean, one digit
 * off is a difference, as a key and as a column.
 */
class UuidSpellingsTest {

    private static final String A = "6ccd780c-baba-1026-9564-5b8c656024db";
    private static final String B = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    private static final String C = "00000000-0000-0000-0000-0000000000ff";

    private static String hex(String uuid) {
        return "X'" + uuid.replace("-", "") + "'";
    }

    private static TableReport verify(TestDatabase old, TestDatabase fresh) throws Exception {
        return Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                .recheckDelay(Duration.ZERO).recheckRounds(1).recordResults(false).build()
                .verify(VerificationJob.builder("ids").table(TableMapping.builder("ids").build()).build())
                .tables().get(0);
    }

    @Test
    void binary16KeysAndTextSpellingsAgainstPostgresUuidsReportOnlyRealDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.MARIADB); TestDatabase fresh = TestDatabases.create(Kind.POSTGRES)) {
            old.execute("CREATE TABLE ids (id BINARY(16) NOT NULL PRIMARY KEY, braced CHAR(38), bare CHAR(32), v INT)",
                    "INSERT INTO ids VALUES (" + hex(A) + ", '{" + B.toUpperCase() + "}', '" + C.replace("-", "")
                            + "', 1), (" + hex(B) + ", '{" + A + "}', NULL, 2), (" + hex(C) + ", NULL, '"
                            + A.replace("-", "").toUpperCase() + "', 3)");
            fresh.execute("CREATE TABLE ids (id uuid PRIMARY KEY, braced uuid, bare uuid, v int)",
                    "INSERT INTO ids VALUES ('" + A + "', '" + B + "', '" + C + "', 1), ('" + B + "', '" + A
                            + "', NULL, 2), ('" + C + "', NULL, '" + A + "', 3)");

            assertThat(verify(old, fresh).differenceCount()).isZero();

            fresh.execute("UPDATE ids SET braced = '" + A.replace("db", "dc") + "' WHERE v = 2",
                    "DELETE FROM ids WHERE v = 3",
                    "INSERT INTO ids VALUES ('" + C.replace("ff", "fe") + "', NULL, '" + A + "', 3)");
            TableReport report = verify(old, fresh);
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText())
                    .containsExactly(B.replace("-", ""));
            assertThat(report.keys(RowDifference.Kind.MISSING_IN_NEW)).as(report.toText())
                    .containsExactly(C.replace("-", ""));
            // a key is reported as the store holding the row writes it: the new store's as a uuid
            assertThat(report.keys(RowDifference.Kind.EXTRA_IN_NEW)).as(report.toText())
                    .containsExactly(C.replace("ff", "fe"));
        }
    }

    @Test
    void postgresUuidKeysAgainstMariaDbBinary16ReportOnlyRealDifferences() throws Exception {
        try (TestDatabase old = TestDatabases.create(Kind.POSTGRES); TestDatabase fresh = TestDatabases.create(Kind.MARIADB)) {
            old.execute("CREATE TABLE ids (id uuid PRIMARY KEY, v int)",
                    "INSERT INTO ids VALUES ('" + A + "', 1), ('" + B + "', 2), ('" + C + "', 3)");
            fresh.execute("CREATE TABLE ids (id BINARY(16) NOT NULL PRIMARY KEY, v INT)",
                    "INSERT INTO ids VALUES (" + hex(A) + ", 1), (" + hex(B) + ", 2), (" + hex(C) + ", 3)");

            assertThat(verify(old, fresh).differenceCount()).isZero();

            fresh.execute("UPDATE ids SET v = 9 WHERE v = 2");
            TableReport report = verify(old, fresh);
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).as(report.toText()).containsExactly(B);
            assertThat(report.differenceCount()).isEqualTo(1);
        }
    }
}
