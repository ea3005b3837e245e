package io.dualwrite.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import io.dualwrite.mapping.TableMapping;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ParameterReplayTest {

    private static String table(Kind kind) {
        String binary = kind == Kind.POSTGRES ? "BYTEA" : "VARBINARY(100)";
        String zoned = kind == Kind.MARIADB ? "TIMESTAMP(6) NULL" : "TIMESTAMP WITH TIME ZONE";
        return "CREATE TABLE params (id BIGINT PRIMARY KEY, n INT, d DECIMAL(20,6), s VARCHAR(200), ts TIMESTAMP(6) NULL,"
                + " tz " + zoned + ", dt DATE, b " + binary + ", flag BOOLEAN, big_text VARCHAR(200))";
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class)
    void parametersOfEveryKindRoundTrip(Kind kind) throws SQLException {
        try (DualWriteFixture fixture = new DualWriteFixture(kind, kind, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.identity("params")))) {
            fixture.bothStores(table(kind));
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO params (id, n, d, s, ts, tz, dt, b, flag, big_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setLong(1, 1);
                insert.setObject(2, 42);
                insert.setObject(3, "3.140000", Types.DECIMAL);
                insert.setString(4, "first");
                insert.setTimestamp(5, Timestamp.valueOf("2026-11-22 10:15:30.123456"));
                insert.setObject(6, OffsetDateTime.of(2026, 11, 22, 10, 15, 30, 0, ZoneOffset.ofHours(2)));
                insert.setObject(7, LocalDate.of(2026, 2, 28));
                insert.setBytes(8, new byte[] {1, 2, 3});
                insert.setBoolean(9, true);
                insert.setCharacterStream(10, new StringReader("from a reader"));
                insert.addBatch();

                insert.clearParameters();
                insert.setLong(1, 2);
                insert.setNull(2, Types.INTEGER);
                insert.setBigDecimal(3, new BigDecimal("123456789.123456"));
                insert.setObject(4, null, Types.VARCHAR);
                insert.setNull(5, Types.TIMESTAMP);
                insert.setNull(6, Types.TIMESTAMP_WITH_TIMEZONE);
                insert.setDate(7, java.sql.Date.valueOf("2020-01-01"));
                insert.setBinaryStream(8, new ByteArrayInputStream(new byte[] {9, 8, 7}));
                insert.setObject(9, false);
                insert.setNull(10, Types.VARCHAR);
                insert.addBatch();
                insert.executeBatch();
            }
            List<Map<String, Object>> expected = fixture.oldDb.query("SELECT * FROM params ORDER BY id");
            List<Map<String, Object>> actual = fixture.newDb.query("SELECT * FROM params ORDER BY id");
            assertThat(actual).hasSize(2);
            for (int i = 0; i < 2; i++) {
                for (String column : expected.get(i).keySet()) {
                    Object want = expected.get(i).get(column);
                    Object got = actual.get(i).get(column);
                    if (want instanceof byte[] bytes) {
                        assertThat((byte[]) got).as(column).isEqualTo(bytes);
                    } else {
                        assertThat(got).as(column).isEqualTo(want);
                    }
                }
            }
            assertThat(fixture.records()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = "H2")
    void aStreamTooLargeToBufferIsSyncedByKeyAllTheSame(Kind kind) throws SQLException {
        try (DualWriteFixture fixture = new DualWriteFixture(kind, kind, MigrationPhase.DUAL_WRITE,
                List.of(TableMapping.identity("params")), builder -> builder.streamBufferLimit(4))) {
            fixture.bothStores(table(kind));
            try (Connection connection = fixture.dataSource.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO params (id, s, b) VALUES (?, ?, ?)")) {
                insert.setLong(1, 7);
                insert.setCharacterStream(2, new StringReader("longer than four"));
                insert.setBinaryStream(3, new ByteArrayInputStream(new byte[] {1, 2}));
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            assertThat(fixture.oldDb.query("SELECT s FROM params")).extracting(r -> r.get("s"))
                    .containsExactly("longer than four");
            assertThat(fixture.newDb.query("SELECT * FROM params")).usingRecursiveComparison()
                    .isEqualTo(fixture.oldDb.query("SELECT * FROM params"));
            assertThat(fixture.records()).isEmpty();
        }
    }
}
