package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * More spellings a live MariaDB collation calls one key: their syncs must take one lock (else two syncs of one row
 * run side by side and the older copy can land last). The equality is asked of the database, each pair under the
 * collation that equates it; a pair the database does not equate fails the test too, so that it cannot pass idly.
 */
class LockIdBreak2Test {

    // the collations the fold is documented to cover
    @Test
    void spellingsTheDocumentedUcaCollationsCallEqualShareALockId() throws SQLException {
        assertShareALockId(new String[][] {
                {"utf8mb4_uca1400_ai_ci", "paŀla", "palla"}, // Catalan l with middle dot
                {"utf8mb4_unicode_ci", "ʣ", "dz"}, // the dz digraph letter
                {"utf8mb4_unicode_ci", "⓵", "1"}, // a circled digit without a compatibility decomposition
                {"utf8mb4_unicode_ci", "aͺ", "aι"}, // Greek ypogegrammeni against iota
                {"utf8mb4_0900_ai_ci", "ŀ", "l"},
        });
    }

    // MariaDB's other UCA collations: language tailorings
    @Test
    void spellingsMariadbLanguageCollationsCallEqualShareALockId() throws SQLException {
        assertShareALockId(new String[][] {
                {"utf8mb4_german2_ci", "Mädchen", "maedchen"},
                {"utf8mb4_swedish_ci", "Über", "yber"},
                {"utf8mb4_danish_ci", "Ålborg", "aalborg"},
        });
    }

    // a PostgreSQL nondeterministic ICU collation that ignores punctuation and spaces (alternate = shifted)
    @Test
    void spellingsAPostgresIcuCollationCallsEqualShareALockId() throws SQLException {
        String[][] pairs = {{"a-b", "ab"}, {"a b", "ab"}, {"paŀla", "palla"}};
        try (TestDatabase db = TestDatabases.create(Kind.POSTGRES); Connection connection = db.dataSource().getConnection()) {
            try (java.sql.Statement statement = connection.createStatement()) {
                statement.execute("CREATE COLLATION loose_keys (provider = icu, locale = 'und-u-ka-shifted-ks-level1',"
                        + " deterministic = false)");
            }
            SoftAssertions softly = new SoftAssertions();
            for (String[] pair : pairs) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT CAST(? AS varchar) COLLATE loose_keys = CAST(? AS varchar) COLLATE loose_keys")) {
                    statement.setString(1, pair[0]);
                    statement.setString(2, pair[1]);
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        assertThat(rows.getBoolean(1)).as("PostgreSQL calls '%s' and '%s' one key", pair[0], pair[1]).isTrue();
                    }
                }
                softly.assertThat(CopyDialect.lockId("orders", pair[0]))
                        .as("PostgreSQL calls '%s' and '%s' one key", pair[0], pair[1])
                        .isEqualTo(CopyDialect.lockId("orders", pair[1]));
            }
            softly.assertAll();
        }
    }

    private static void assertShareALockId(String[][] pairs) throws SQLException {
        try (TestDatabase db = TestDatabases.create(Kind.MARIADB); Connection connection = db.dataSource().getConnection()) {
            for (String[] pair : pairs) {
                assertThat(mariadbEqual(connection, pair[0], pair[1], pair[2]))
                        .as("%s calls '%s' and '%s' one key", pair[0], pair[1], pair[2]).isTrue();
            }
            SoftAssertions softly = new SoftAssertions();
            for (String[] pair : pairs) {
                softly.assertThat(CopyDialect.lockId("orders", pair[1]))
                        .as("%s calls '%s' and '%s' one key", pair[0], pair[1], pair[2])
                        .isEqualTo(CopyDialect.lockId("orders", pair[2]));
            }
            softly.assertAll();
        }
    }

    private static boolean mariadbEqual(Connection connection, String collation, String a, String b) throws SQLException {
        String cast = "CAST(? AS CHAR CHARACTER SET utf8mb4) COLLATE " + collation;
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + cast + " = " + cast)) {
            statement.setString(1, a);
            statement.setString(2, b);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }
}
