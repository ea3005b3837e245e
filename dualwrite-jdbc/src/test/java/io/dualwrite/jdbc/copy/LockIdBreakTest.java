package io.dualwrite.jdbc.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The lock id must fold keys at least as far as the collations keys are compared with: two spellings a live
 * MariaDB collation calls equal name one row there, and their syncs must take one lock. The equality is asked of
 * the database itself, independently of the fold.
 */
class LockIdBreakTest {

    @Test
    void spellingsMariadbDefaultAndUnicodeCollationsCallEqualShareALockId() throws SQLException {
        String[][] pairs = {{"Œuvre", "oeuvre"}, {"a\u00ADb", "ab"}, {"a\u200Bb", "ab"}, {"a\u0000", "a"},
                {"Æon", "aeon"}, {"Øre", "ore"}, {"Łódź", "lodz"}, {"Đak", "dak"}, {"STRAẞE", "strasse"}, {"ðe", "de"},
                {"Ħal", "hal"}};
        try (TestDatabase db = TestDatabases.create(Kind.MARIADB); Connection connection = db.dataSource().getConnection()) {
            int compared = 0;
            for (String collation : new String[] {"utf8mb4_uca1400_ai_ci", "utf8mb4_unicode_ci"}) {
                for (String[] pair : pairs) {
                    if (mariadbEqual(connection, collation, pair[0], pair[1])) {
                        compared++;
                        assertThat(CopyDialect.lockId("orders", pair[0]))
                                .as("%s calls '%s' and '%s' one key", collation, pair[0], pair[1])
                                .isEqualTo(CopyDialect.lockId("orders", pair[1]));
                    }
                }
            }
            assertThat(compared).as("pairs MariaDB calls equal").isPositive();
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
