package io.dualwrite.jdbc.verify;

import static io.dualwrite.jdbc.verify.ToolsBreakSupport.column;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.refused;
import static io.dualwrite.jdbc.verify.ToolsBreakSupport.refusedByName;

import io.dualwrite.jdbc.testing.TestDatabases.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fifteenth break review of the migration tools. Values of one type copied into a column of another were changed by
 * the target without a word, or refused with the whole batch and no row named: an integer or a decimal with more
 * significant digits than a floating-point column holds was stored as its nearest float or double (9007199254740993
 * as 9007199254740992), which verification, comparing at the column's precision, could not see; a number whose
 * text is longer than a text column holds stopped the backfill at its chunk ("value too long", run it
 * again); a date-time into a time-of-day column lost its date. The copier now checks each as the value the target
 * stores and refuses it by name. Every test reads the new store row by row with its own SQL.
 */
class ToolsBreak15Test {

    // Input: PostgreSQL bigint and MariaDB BIGINT 9007199254740993 into PostgreSQL double precision and H2 DOUBLE
    //   PRECISION, a PostgreSQL numeric(30,20) of twenty fraction digits into H2 DOUBLE PRECISION, PostgreSQL integer
    //   16777217 into PostgreSQL real and MariaDB FLOAT: each was stored as the nearest double or float, another
    //   number, without a word, and verification reported nothing. Numbers the column holds (5, 2^53, 0.1, 0.5) are
    //   copied.
    @Test
    void numbersAFloatingPointColumnWouldRoundAreRefusedByName() throws Exception {
        refusedByName(column(Kind.POSTGRES, "bigint"), "(1, 9007199254740993), (2, 5), (3, 9007199254740992), (4, NULL)",
                column(Kind.POSTGRES, "double precision"), refused("1", "9007199254740993"),
                "SELECT id, v::text FROM t ORDER BY id", List.of("2 5", "3 9.007199254740992e+15", "4 null"));
        refusedByName(column(Kind.MARIADB, "BIGINT"), "(1, 9007199254740993), (2, 5), (3, 9007199254740992)",
                column(Kind.H2, "DOUBLE PRECISION"), refused("1", "9007199254740993"),
                "SELECT id, CAST(v AS VARCHAR) FROM t ORDER BY id", List.of("2 5.0", "3 9.007199254740992E15"));
        refusedByName(column(Kind.POSTGRES, "numeric(30,20)"), "(1, 0.12345678901234567891), (2, 0.1), (3, 0.5)",
                column(Kind.H2, "DOUBLE PRECISION"), refused("1", "0.12345678901234567891"),
                "SELECT id, CAST(v AS VARCHAR) FROM t ORDER BY id", List.of("2 0.1", "3 0.5"));
        refusedByName(column(Kind.POSTGRES, "integer"), "(1, 16777217), (2, 5), (3, 16777216)",
                column(Kind.POSTGRES, "real"), refused("1", "16777217"),
                "SELECT id, v::text FROM t ORDER BY id", List.of("2 5", "3 1.6777216e+07"));
        refusedByName(column(Kind.POSTGRES, "integer"), "(1, 16777217), (2, 5), (3, NULL)",
                column(Kind.MARIADB, "FLOAT"), refused("1", "16777217"),
                "SELECT id, CAST(v AS CHAR) FROM t ORDER BY id", List.of("2 5", "3 null"));
    }

    // Input: PostgreSQL integer 12345 into PostgreSQL varchar(3), PostgreSQL numeric(10,2) 12.50 into MariaDB
    //   VARCHAR(4), H2 BIGINT 123 into MariaDB VARCHAR(2): the target refused the whole batch ("value too
    //   long") without the row, and the backfill stopped at that chunk saying to run it again, which could never
    //   help. Values whose text the column holds (5, -12, 1.25, -1) are copied.
    @Test
    void numbersAndBooleansWhoseTextATextColumnCannotHoldAreRefusedByName() throws Exception {
        refusedByName(column(Kind.POSTGRES, "integer"), "(1, 12345), (2, 5), (3, -12)",
                column(Kind.POSTGRES, "varchar(3)"), refused("1", "12345"),
                "SELECT id, v FROM t ORDER BY id", List.of("2 5", "3 -12"));
        refusedByName(column(Kind.POSTGRES, "numeric(10,2)"), "(1, 12.50), (2, 1.25)",
                column(Kind.MARIADB, "VARCHAR(4)"), refused("1", "12.50"),
                "SELECT id, v FROM t ORDER BY id", List.of("2 1.25"));
        refusedByName(column(Kind.H2, "BIGINT"), "(1, 123), (2, -1)",
                column(Kind.MARIADB, "VARCHAR(2)"), refused("1", "123"),
                "SELECT id, v FROM t ORDER BY id", List.of("2 -1"));
    }

    // Input: PostgreSQL timestamp into PostgreSQL time, MariaDB DATETIME into H2 TIME, H2 TIMESTAMP into MariaDB
    //   TIME: the target kept the time of day and dropped the date without a word; verification then reported the
    //   row on every run and repair, copying the same way, never converged.
    @Test
    void dateTimesIntoATimeOfDayColumnAreRefusedByName() throws Exception {
        for (Kind[] pair : List.of(new Kind[] {Kind.POSTGRES, Kind.POSTGRES}, new Kind[] {Kind.MARIADB, Kind.H2},
                new Kind[] {Kind.H2, Kind.MARIADB})) {
            refusedByName(column(pair[0], pair[0] == Kind.MARIADB ? "DATETIME" : "TIMESTAMP"),
                    "(1, '2024-01-02 03:04:05'), (2, NULL), (3, '2024-01-02 00:00:00')",
                    column(pair[1], "TIME"), refused("1", "2024-01-02 03:04:05", "3", "2024-01-02 00:00"),
                    "SELECT id, v FROM t ORDER BY id", List.of("2 null"));
        }
    }
}
