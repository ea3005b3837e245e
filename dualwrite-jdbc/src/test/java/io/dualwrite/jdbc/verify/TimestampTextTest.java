package io.dualwrite.jdbc.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.jdbc.testing.TestDatabase;
import io.dualwrite.jdbc.testing.TestDatabases;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Date-times render to one text on every database, whatever their fraction (none, trailing zeros, one
 * microsecond) and their column's precision; a difference of one microsecond is always found.
 */
class TimestampTextTest {

    private static final TableMapping EVENTS = TableMapping.builder("events").newTable("events").build();
    private static final List<LocalDateTime> VALUES = List.of(
            LocalDateTime.parse("2026-03-01T08:30:00"),
            LocalDateTime.parse("2026-03-01T08:30:00.100"),
            LocalDateTime.parse("2026-03-01T08:30:10.000001"),
            LocalDateTime.parse("2026-03-01T08:30:10.123456"),
            LocalDateTime.parse("1999-12-31T23:59:59.999999"),
            LocalDateTime.parse("2026-03-01T00:00:00.5"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"H2, POSTGRES", "MARIADB, POSTGRES", "POSTGRES, MARIADB", "H2, MARIADB", "POSTGRES, POSTGRES"})
    void sameInstantsAreEqualAndOneMicrosecondDiffers(Kind oldKind, Kind newKind) throws Exception {
        try (TestDatabase old = TestDatabases.create(oldKind); TestDatabase fresh = TestDatabases.create(newKind)) {
            old.execute("CREATE TABLE events (id INT PRIMARY KEY, at " + type(oldKind) + ")");
            fresh.execute("CREATE TABLE events (id INT PRIMARY KEY, at " + type(newKind) + ")");
            fill(old);
            fill(fresh);
            Verifier verifier = Verifier.builder().oldDataSource(old.dataSource()).newDataSource(fresh.dataSource())
                    .recordResults(false).recheckDelay(java.time.Duration.ZERO).build();
            VerificationJob job = VerificationJob.builder("events").table(EVENTS).build();

            assertThat(verifier.verify(job).tables().get(0).differenceCount()).isZero();

            try (Connection connection = fresh.dataSource().getConnection();
                 PreparedStatement update = connection.prepareStatement("UPDATE events SET at = ? WHERE id = ?")) {
                update.setObject(1, VALUES.get(1).plusNanos(1_000));
                update.setInt(2, 2);
                update.executeUpdate();
                update.setObject(1, VALUES.get(0).minusNanos(1_000));
                update.setInt(2, 1);
                update.executeUpdate();
            }
            TableReport report = verifier.verify(job).tables().get(0);
            assertThat(report.keys(RowDifference.Kind.DIFFERENT)).containsExactlyInAnyOrder("1", "2");
        }
    }

    private static String type(Kind kind) {
        return kind == Kind.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
    }

    private static void fill(TestDatabase db) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO events VALUES (?, ?)")) {
            for (int i = 0; i < VALUES.size(); i++) {
                insert.setInt(1, i + 1);
                insert.setObject(2, VALUES.get(i));
                insert.executeUpdate();
            }
        }
    }
}
