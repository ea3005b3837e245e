package io.dualwrite.jdbc.verify;

import io.dualwrite.jdbc.Dialect;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The SQL each database runs to render a value to canonical text, hash a row and compare keys in binary order.
 * One constant per database, so that no other class branches on it.
 *
 * <p>The canonical text of a row is its columns' texts joined by {@code |}; a text is a cell that says its length
 * ({@link #escape}) and {@code NULL} is {@code ~n}, which no value renders to, so two different rows never share a
 * text. The hash of a row is bits 4 to 63 of the MD5 of the row text's UTF-8 bytes (hex digits 2 to 16), a
 * non-negative 60-bit number that H2, PostgreSQL and MySQL/MariaDB all compute alike; a range's checksum is their
 * sum, which does not depend on the order rows are read in.
 */
enum VerifyDialect {

    H2 {
        @Override
        String quote(String identifier) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }

        @Override
        String fold(String identifier) {
            return identifier.toUpperCase(Locale.ROOT);
        }

        @Override
        String text(String column, ColumnInfo info) {
            return info.sqlType() == java.sql.Types.CLOB || info.sqlType() == java.sql.Types.NCLOB
                    ? "CAST(" + column + " AS VARCHAR)" : column;
        }

        @Override
        String integer(String column) {
            return "CAST(" + column + " AS VARCHAR)";
        }

        @Override
        String decimal(String column) {
            // a DECFLOAT's text may have an exponent (1.5E+10): its zeros are no fraction's
            String text = "CAST(" + column + " AS VARCHAR)";
            return "CASE WHEN LOCATE('.', " + text + ") > 0 AND LOCATE('E', " + text + ") = 0 THEN RTRIM(RTRIM("
                    + text + ", '0'), '.') ELSE " + text + " END";
        }

        @Override
        String trueFalse(String column, boolean numeric) {
            return numeric ? numberAsTrueFalse(column) : "CASE WHEN " + column + " THEN '1' ELSE '0' END";
        }

        /**
         * {@code yyyy} is the year of the era, so a year before Christ is marked as PostgreSQL's text marks it
         * ({@code 0044-03-15 10:00:00 BC}): without the mark 44 BC and AD 44 rendered alike. A year beyond 9999
         * loses the {@code +} Java's formatter puts in front of it ({@code +12345-01-01}; PostgreSQL writes
         * {@code 12345-01-01}).
         */
        @Override
        String timestamp(String column) {
            return timestamp(column, false);
        }

        /**
         * Nine digits of the second where this column keeps more than six, else six. Formatted in UTC: without a
         * zone, {@code FORMATDATETIME} passes a date-time through the session's zone (the JVM's by default), which
         * moves one in a daylight-saving gap ({@code 2024-03-31 02:30} in Europe/Berlin read {@code 03:30}), so
         * such a row differed from its copy on every run.
         */
        @Override
        String timestamp(String column, boolean nanos) {
            return "LTRIM(RTRIM(RTRIM(FORMATDATETIME(" + column + ", 'yyyy-MM-dd HH:mm:ss." + (nanos ? "SSSSSSSSS" : "SSSSSS")
                    + "', 'en', 'UTC'), '0'), '.'), '+') || CASE WHEN EXTRACT(YEAR FROM " + column
                    + ") < 1 THEN ' BC' ELSE '' END";
        }

        /** Nine digits where this column keeps more than six, else six (no digit beyond them to round). */
        @Override
        String timeOfDay(String column, boolean nanos) {
            return "RTRIM(RTRIM(FORMATDATETIME(" + column + ", 'HH:mm:ss." + (nanos ? "SSSSSSSSS" : "SSSSSS")
                    + "'), '0'), '.')";
        }

        @Override
        String timeOfDay(String column) {
            return timeOfDay(column, false);
        }

        @Override
        String nativeText(String column, ColumnInfo info) {
            return "CAST(" + column + " AS VARCHAR)";
        }

        @Override
        String utc(String column) {
            return "(" + column + " AT TIME ZONE 'UTC')";
        }

        @Override
        String date(String column) {
            // in UTC, as a date-time (above): a zone whose day may begin in a gap does not move the day either
            return "LTRIM(FORMATDATETIME(" + column + ", 'yyyy-MM-dd', 'en', 'UTC'), '+')"
                    + " || CASE WHEN EXTRACT(YEAR FROM " + column + ") < 1 THEN ' BC' ELSE '' END";
        }

        @Override
        String hex(String column) {
            return "RAWTOHEX(" + column + ")";
        }

        /**
         * A text holding half of a surrogate pair without its other half (H2 keeps such a text) as {@code ~s} and
         * its UTF-16 code units in hex: H2 hashes a text's UTF-8 bytes, in which such a half is {@code ?}, so
         * {@code a} and U+D800 against {@code a?}, or two different halves, had one hash and one length, and a difference
         * between them was never reported. No other product holds such a text, so its cell equals no cell of theirs,
         * and {@code ~} begins no length-prefixed cell.
         */
        @Override
        String escape(String text) {
            return "CASE WHEN REGEXP_LIKE(" + text + ", '\\p{Cs}') THEN '" + LONE_SURROGATE_TEXT + "' || RAWTOHEX("
                    + text + ") ELSE " + super.escape(text) + " END";
        }

        @Override
        String uuid(String column) {
            return "CAST(" + column + " AS VARCHAR)";
        }

        @Override
        String concat(List<String> parts) {
            return String.join(" || '|' || ", parts);
        }

        @Override
        String hash(String rowText) {
            return "BITAND(CAST(SUBSTRING(HASH('MD5', " + rowText + "), 1, 8) AS BIGINT), 1152921504606846975)";
        }

        @Override
        String binaryOrder(String column, ColumnInfo info) {
            return column; // H2 compares strings exactly (Java's order)
        }

        @Override
        String exactEquals(String column, ColumnInfo info) {
            // VARCHAR_IGNORECASE takes 'M-1' as 'm-1'; cast to VARCHAR it compares exactly
            return info.type().contains("ignorecase")
                    ? "(" + column + " = ? AND CAST(" + column + " AS VARCHAR) = CAST(? AS VARCHAR))" : column + " = ?";
        }
    },

    POSTGRESQL {
        @Override
        String quote(String identifier) {
            return '"' + identifier.replace("\"", "\"\"") + '"';
        }

        @Override
        String fold(String identifier) {
            return identifier.toLowerCase(Locale.ROOT);
        }

        @Override
        String text(String column, ColumnInfo info) {
            return column + "::text"; // a bpchar loses its padding here
        }

        @Override
        String integer(String column) {
            return column + "::text";
        }

        @Override
        String decimal(String column) {
            return "trim_scale(" + column + ")::text";
        }

        @Override
        String trueFalse(String column, boolean numeric) {
            return numeric ? numberAsTrueFalse(column) : "CASE WHEN " + column + " THEN '1' ELSE '0' END";
        }

        /**
         * The text output of a timestamp in the ISO date style (the verification sessions set it): trailing zeros
         * of the fraction already cut, and about a fifth of the cost of {@code to_char}, which dominated the
         * checksum of a row with a timestamp (measured: 133 against 27 ms per 100,000 rows on PostgreSQL 18).
         */
        @Override
        String timestamp(String column) {
            return column + "::text";
        }

        /** The ISO text output of a {@code time}: trailing zeros of the fraction already cut. */
        @Override
        String timeOfDay(String column) {
            return column + "::text";
        }

        /**
         * The text output; a float as the bytes its send function gives (its text has fewer digits in a session
         * whose {@code extra_float_digits} is below 1).
         */
        @Override
        String nativeText(String column, ColumnInfo info) {
            if (info.sqlType() == java.sql.Types.ARRAY && info.type().equals("_numeric")) {
                // each element by value, as a decimal is: a numeric(10,2)[] holds the {1.5} it was given as {1.50}
                return "regexp_replace(regexp_replace(" + column + "::text, '\\.(\\d*[1-9])?0+(?=[,}])', '.\\1', 'g'),"
                        + " '\\.(?=[,}])', '', 'g')";
            }
            if (info.sqlType() == java.sql.Types.ARRAY && info.type().equals("_bpchar")) {
                // each element without its padding, as a CHAR is: a char(5)[] holds the {"ab "} of a char(3)[] as
                // {"ab   "} (a quoted element's spaces before its closing quote; an escaped quote is preceded by \\)
                return "regexp_replace(" + column + "::text, ' +\"', '\"', 'g')";
            }
            return info.type().equals("float8") || info.type().equals("float4")
                    ? "encode(" + info.type() + "send(" + column + "), 'hex')" : column + "::text";
        }

        @Override
        String utc(String column) {
            return "(" + column + " AT TIME ZONE 'UTC')";
        }

        @Override
        /**
         * The ISO text output (the session's date style is ISO): {@code 2024-01-31}, {@code 0044-03-15 BC}, years
         * beyond 9999 in full. Not {@code to_char}, which goes through a timestamp: NULL for {@code infinity} (the
         * whole row's text NULL, and the row left out of the sum) and an error beyond 294276 AD.
         */
        String date(String column) {
            return column + "::text";
        }

        @Override
        String hex(String column) {
            return "encode(" + column + ", 'hex')";
        }

        @Override
        String uuid(String column) {
            return column + "::text";
        }

        /**
         * The length of the text's UTF-8 bytes whatever the database's encoding: {@code octet_length} of a text
         * counts the server encoding's bytes (one for an {@code é} in a {@code LATIN1} database).
         */
        @Override
        String escape(String text) {
            return escape(text, false);
        }

        /**
         * In a database whose texts are UTF-8 bytes already, their {@code octet_length}: the conversion copies
         * every text, and a verification of 100,000 rows of two short texts took 165 ms with it, against 117 ms
         * before text cells said their length and 125 ms with {@code octet_length} alone.
         */
        @Override
        String escape(String text, boolean utf8) {
            return utf8 ? super.escape(text)
                    : "octet_length(convert_to(" + text + ", 'UTF8')) || ':' || " + text;
        }

        @Override
        String concat(List<String> parts) {
            return String.join(" || '|' || ", parts);
        }

        @Override
        String hash(String rowText) {
            return "('x' || substr(md5(" + rowText + "), 2, 15))::bit(60)::bigint";
        }

        /** PostgreSQL 16 reads {@code 0x} integers, about twice as fast as a cast through {@code bit(60)}. */
        @Override
        String hash(String rowText, int majorVersion) {
            return majorVersion >= 16 ? "('0x' || substr(md5(" + rowText + "), 2, 15))::int8" : hash(rowText);
        }

        /**
         * PostgreSQL 14 and later hash a row value with each column type's own extended hash (the one hash
         * partitioning keeps stable across versions), seeded; a text as its bytes under {@code "C"} (a
         * nondeterministic collation would hash {@code a} and {@code A} alike). Measured on PostgreSQL 18 over
         * 100,000 rows of six columns: 42-60 ms, against 190-230 ms for the MD5 of the canonical row text.
         *
         * <p>Two of those hashes are coarser than equality whatever the seed, and are helped: an {@code int8} hashes
         * the XOR of its two 32-bit halves ({@code 1} and {@code 4294967296} alike), and so do {@code timestamp},
         * {@code timestamptz} and {@code time}, hashed as their 64-bit microseconds, so each is hashed as its eight
         * bytes ({@code int8send} and the like); a {@code numeric}'s hash leaves out its sign and gives every special
         * value the seed, so a flag beside it says negative (-Infinity included) or NaN. And the record's hash adds
         * its columns' hashes times powers of 31, so one column's values swapped between two rows change the sum of
         * a range by nothing: the record's hash is hashed again, as its eight bytes, which no sum undoes.
         */
        @Override
        @Nullable String valueHash(List<String> columns, List<Boolean> texts, List<String> types, long seed,
                                   int majorVersion) {
            if (majorVersion < 14) {
                return null;
            }
            long positive = seed & Long.MAX_VALUE;
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                String column = columns.get(i);
                row.append(i == 0 ? "" : ", ").append(switch (types.get(i)) {
                    case "int8" -> "int8send(" + column + ")";
                    case "timestamp" -> "timestamp_send(" + column + ")";
                    case "timestamptz" -> "timestamptz_send(" + column + ")";
                    case "time" -> "time_send(" + column + ")";
                    case "numeric" -> column + ", CASE WHEN " + column + " < 0 THEN 1 WHEN " + column
                            + " = 'NaN' THEN 2 ELSE 0 END";
                    default -> texts.get(i) ? column + " COLLATE \"C\"" : column;
                });
            }
            return "(hash_record_extended(ROW(int8send(hash_record_extended(ROW(" + row + "), " + positive + "))), "
                    + positive + ") & " + SIXTY_BITS + ")";
        }

        /**
         * {@code md5} of a text hashes the server encoding's bytes: in a database of another encoding the row text
         * is hashed as its UTF-8 bytes ({@code md5} of the {@code bytea} {@code convert_to} gives), as every other
         * store hashes it.
         */
        @Override
        String hash(String rowText, int majorVersion, boolean utf8) {
            return hash(utf8 ? rowText : "convert_to(" + rowText + ", 'UTF8')", majorVersion);
        }

        /**
         * Whether the server encoding is {@code UTF8}, or {@code SQL_ASCII}, whose texts are the bytes the driver
         * sent (UTF-8) and which {@code convert_to} would check as UTF-8 and refuse when they are not.
         */
        @Override
        boolean hashesUtf8(java.sql.Connection connection) throws java.sql.SQLException {
            try (var statement = connection.createStatement();
                 var encoding = statement.executeQuery("SHOW server_encoding")) {
                String name = encoding.next() ? encoding.getString(1) : "UTF8";
                return name.equalsIgnoreCase("UTF8") || name.equalsIgnoreCase("SQL_ASCII");
            }
        }

        /** An enum (text to JDBC, but of no collatable type) by its label's bytes, without its index. */
        @Override
        String binaryOrder(String column, ColumnInfo info) {
            String collation = info.collation();
            if (!info.pgText()) {
                return "(" + column + "::text) COLLATE \"C\"";
            }
            return collation != null && (collation.equals("C") || collation.equals("POSIX") || collation.equals("ucs_basic"))
                    ? column : column + " COLLATE \"C\"";
        }

        @Override
        String exactEquals(String column, ColumnInfo info) {
            String collation = info.collation();
            boolean citext = info.type().equals("citext"); // compares case-insensitively whatever its collation
            if (!citext && (info.kind(this) != ColumnInfo.Kind.STRING || collation == null || collation.equals("C")
                    || collation.equals("POSIX") || collation.equals("default") || collation.equals("ucs_basic"))) {
                return column + " = ?";
            }
            // a nondeterministic (ICU) collation may take 'M-1' as 'm-1': the first comparison can use an index,
            // the second, in the byte order of "C", makes it exact
            return "(" + column + " = ? AND CAST(" + column + " AS text) COLLATE \"C\" = CAST(? AS text))";
        }
    },

    /** MySQL and MariaDB; the session's time zone is UTC while a verification reads. */
    MYSQL {
        @Override
        String quote(String identifier) {
            return '`' + identifier.replace("`", "``") + '`';
        }

        @Override
        String fold(String identifier) {
            return identifier;
        }

        @Override
        String text(String column, ColumnInfo info) {
            return "CONVERT(" + column + " USING utf8mb4)";
        }

        @Override
        String integer(String column) {
            return "CAST(" + column + " AS CHAR)";
        }

        @Override
        String decimal(String column) {
            String text = "CAST(" + column + " AS CHAR)";
            return "CASE WHEN LOCATE('.', " + text + ") > 0 THEN TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + text
                    + ")) ELSE " + text + " END";
        }

        /** A {@code BIT(1)} is 0 or 1; a number (a {@code TINYINT(1)}) is one of them only when it is 0 or 1. */
        @Override
        String trueFalse(String column, boolean numeric) {
            return numeric ? numberAsTrueFalse(column) : "CASE WHEN " + column + " <> 0 THEN '1' ELSE '0' END";
        }

        @Override
        String timestamp(String column) {
            return yearZeroBc(column, "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM DATE_FORMAT(" + column
                    + ", '%Y-%m-%d %H:%i:%s.%f')))");
        }

        @Override
        String utc(String column) {
            return column; // TIMESTAMP columns are shown in the session's zone, set to UTC for the verification
        }

        /** A {@code FLOAT}'s text has six digits: as a {@code DOUBLE}, every digit. */
        @Override
        String nativeText(String column, ColumnInfo info) {
            return info.mysqlFloat(this) ? "CAST(CAST(" + column + " AS DOUBLE) AS CHAR)" : "CAST(" + column + " AS CHAR)";
        }

        /** A {@code TIME} as the server writes it, without the fraction's trailing zeros (a duration beyond a day too). */
        @Override
        String timeOfDay(String column) {
            String text = "CAST(" + column + " AS CHAR)";
            return "CASE WHEN LOCATE('.', " + text + ") > 0 THEN TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + text
                    + ")) ELSE " + text + " END";
        }

        @Override
        String midnight(String column) {
            return "CAST(" + column + " AS DATETIME)";
        }

        @Override
        String date(String column) {
            return yearZeroBc(column, "DATE_FORMAT(" + column + ", '%Y-%m-%d')");
        }

        @Override
        String hex(String column) {
            return "LOWER(HEX(" + column + "))";
        }

        @Override
        String uuid(String column) {
            return "LOWER(CAST(" + column + " AS CHAR))";
        }

        /** The length of the text's utf8mb4 bytes, whatever character set the rendering left it in. */
        @Override
        String escape(String text) {
            return "CONCAT(OCTET_LENGTH(CONVERT(" + text + " USING utf8mb4)), ':', " + text + ")";
        }

        @Override
        String concat(List<String> parts) {
            return parts.size() == 1 ? parts.get(0) : "CONCAT(" + String.join(", '|', ", parts) + ")";
        }

        @Override
        String hash(String rowText) {
            return "CAST(CONV(SUBSTRING(MD5(CONVERT(" + rowText + " USING utf8mb4)), 2, 15), 16, 10) AS UNSIGNED)";
        }

        /**
         * The MD5 of the row's plain text: every value as the server writes it, a text as its stored bytes after its
         * length in bytes, the salt first and which columns are NULL last ({@code CONCAT_WS} skips a NULL). Used
         * only where both columns of every pair have one plain text per value ({@code TablePlan#hashesByValue}).
         * Measured on MariaDB 11.4 over 100,000 rows of six columns: 90 ms of server CPU for the rendering and the
         * hash, against 162 ms for the canonical text's.
         */
        @Override
        @Nullable String valueHash(List<String> columns, List<Boolean> texts, List<String> types, long seed,
                                   int majorVersion) {
            StringBuilder row = new StringBuilder("CAST(CONV(SUBSTRING(MD5(CONCAT_WS('|', '")
                    .append(Long.toHexString(seed)).append('\'');
            StringBuilder nulls = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                String column = columns.get(i);
                row.append(", ").append(texts.get(i) ? "OCTET_LENGTH(" + column + "), CAST(" + column + " AS BINARY)"
                        : column);
                nulls.append(i == 0 ? "" : ", ").append("ISNULL(").append(column).append(')');
            }
            return row.append(", CONCAT(").append(nulls).append("))), 2, 15), 16, 10) AS UNSIGNED)").toString();
        }

        /** Binary, NO PAD order; a column that already compares so keeps its index. */
        @Override
        String binaryOrder(String column, ColumnInfo info) {
            return exact(info) ? column : "BINARY " + column;
        }

        @Override
        String exactEquals(String column, ColumnInfo info) {
            if (exact(info)) {
                return column + " = ?";
            }
            // the column is compared as utf8mb4 bytes, the set the parameter is sent in: BINARY alone would compare
            // a latin1 'Zoë' (5A 6F EB) with its utf8mb4 bytes (5A 6F C3 AB) and never match
            return "(" + column + " = ? AND CAST(CONVERT(" + column + " USING utf8mb4) AS BINARY)"
                    + " = CAST(? AS BINARY))";
        }

        /** {@code /} would give a decimal: {@code DIV} is the integer quotient. */
        @Override
        String quotient(String column, long divisor) {
            return "(" + column + " DIV " + divisor + ")";
        }

        private boolean exact(ColumnInfo info) {
            String collation = info.collation();
            return collation == null || collation.equalsIgnoreCase("binary")
                    || collation.toLowerCase(Locale.ROOT).endsWith("_nopad_bin");
        }
    };

    /**
     * A MySQL/MariaDB date or date-time's {@code text} with the year 0000 written as PostgreSQL and H2 write that year,
     * {@code 0001-… BC} (the proleptic calendar has no year 0: it is 1 BC). As {@code 0000-01-01} it differed from the
     * copy of the same day in PostgreSQL or H2 on every run, and repair, copying the same day again, never converged.
     */
    static String yearZeroBc(String column, String text) {
        return "CASE WHEN YEAR(" + column + ") = 0 THEN CONCAT('0001', SUBSTRING(" + text + ", 5), ' BC') ELSE " + text
                + " END";
    }

    static VerifyDialect of(Dialect dialect) {
        return switch (dialect) {
            case H2 -> H2;
            case POSTGRESQL -> POSTGRESQL;
            case MYSQL -> MYSQL;
        };
    }

    /** The text of {@code NULL}: no rendered value equals it. */
    static final String NULL_TEXT = "~n";

    /** Begins the cell of an H2 text holding half of a surrogate pair without its other half ({@link #H2}'s escape). */
    static final String LONE_SURROGATE_TEXT = "~s";

    abstract String quote(String identifier);

    abstract String fold(String identifier);

    /** A text column's value as text (not yet escaped). */
    abstract String text(String column, ColumnInfo info);

    abstract String integer(String column);

    /**
     * An integer column divided by a positive {@code divisor}, the quotient's fraction dropped (towards zero on
     * every database): what {@link TableSide#bucketChecksums} groups rows by.
     */
    String quotient(String column, long divisor) {
        return "(" + column + " / " + divisor + ")";
    }

    /** A decimal by value: no trailing zeros after the point, no point without decimals. */
    abstract String decimal(String column);

    /**
     * {@code 1} or {@code 0}; {@code numeric} when the column is a number rather than a boolean, compared with a
     * boolean ({@link #numberAsTrueFalse}).
     */
    abstract String trueFalse(String column, boolean numeric);

    /**
     * A number compared with a boolean: {@code 0} and {@code 1} as the boolean they hold, any other number (a MySQL
     * {@code TINYINT(1)} holding 2, a decimal 0.5) as its decimal text, which no boolean renders to. As
     * {@code <> 0} a 2 was true, and a boolean column that the copy had turned 2 into true verified equal to it.
     */
    String numberAsTrueFalse(String column) {
        return "CASE WHEN " + column + " = 0 THEN '0' WHEN " + column + " = 1 THEN '1' ELSE " + decimal(column) + " END";
    }

    /**
     * A date-time as {@code yyyy-MM-dd HH:mm:ss}, then {@code .} and the fraction of a second without trailing
     * zeros when it is not zero (PostgreSQL's ISO text output).
     */
    abstract String timestamp(String column);

    /**
     * A date-time as text; {@code nanos} when this column keeps fractions beyond microseconds (only H2 can, so
     * only H2 renders them), else to microseconds.
     */
    String timestamp(String column, boolean nanos) {
        return timestamp(column);
    }

    /** A date as the date-time at its midnight, to compare with a date-time column. */
    String midnight(String column) {
        return "CAST(" + column + " AS TIMESTAMP)";
    }

    /** A zoned date-time moved to UTC (without zone). */
    abstract String utc(String column);

    abstract String date(String column);

    /**
     * A time of day as {@code HH:mm:ss}, then {@code .} and the fraction of a second without trailing zeros when it
     * is not zero (PostgreSQL's ISO text output); a MySQL/MariaDB {@code TIME} beyond a day as the server writes it.
     */
    abstract String timeOfDay(String column);

    /**
     * A value of a type compared with the same type of the same product ({@link ColumnInfo.Kind#NATIVE}): the
     * product's own text of it, every digit of an approximate number.
     */
    abstract String nativeText(String column, ColumnInfo info);

    /** A time of day as text; {@code nanos} when this column keeps fractions beyond microseconds (only H2 can). */
    String timeOfDay(String column, boolean nanos) {
        return timeOfDay(column);
    }

    /** Bytes as lower-case hex. */
    abstract String hex(String column);

    /** A UUID as lower-case text. */
    abstract String uuid(String column);

    /**
     * A PostgreSQL {@code interval} as the number a MySQL {@code TIME} gives in arithmetic, {@code hhmmss.ffffff}
     * (hours beyond 99 in front, the sign in front of all): its length in seconds, a day 24 hours and a month 30
     * days, as PostgreSQL compares intervals. Only PostgreSQL has the type.
     */
    String durationNumber(String column) {
        String seconds = "EXTRACT(EPOCH FROM " + column + ")";
        String length = "abs(" + seconds + ")";
        return "(sign(" + seconds + ") * (floor(" + length + " / 3600) * 10000 + floor(mod(" + length
                + ", 3600) / 60) * 100 + mod(" + length + ", 60)))";
    }

    /**
     * A text holding a UUID as its 32 lower-case digits: without braces and hyphens (a MySQL {@code CHAR(38)} of
     * {@code {A0EE…}}, a {@code CHAR(32)} without hyphens), trailing spaces cut. The three functions are alike on
     * H2, PostgreSQL and MySQL/MariaDB.
     */
    String uuidDigits(String text) {
        return "LOWER(REPLACE(REPLACE(REPLACE(RTRIM(" + text + "), '-', ''), '{', ''), '}', ''))";
    }

    /** The row text: the parts joined by {@code |}. */
    abstract String concat(List<String> parts);

    /** The 60-bit hash of a row text, as a non-negative integer. */
    abstract String hash(String rowText);

    /** {@link #hash(String)} in the fastest form the database's version allows. */
    String hash(String rowText, int majorVersion) {
        return hash(rowText);
    }

    /**
     * {@link #hash(String, int)} of the row text's UTF-8 bytes; {@code utf8} when the database's texts already are
     * them ({@link #hashesUtf8}).
     */
    String hash(String rowText, int majorVersion, boolean utf8) {
        return hash(rowText, majorVersion);
    }

    /** The largest 60-bit number: a mask that keeps a row hash's low 60 bits. */
    static final long SIXTY_BITS = (1L << 60) - 1;

    /**
     * The 60-bit hash of a row by its columns' values rather than their canonical text, or null where this database
     * has none; used only where both stores are this database and every column has one type on both
     * ({@code TablePlan#hashesByValue}), so that both compute it alike.
     *
     * @param columns the columns' expressions, in the plan's order
     * @param texts   for each column, whether it is a text (compared by its bytes)
     * @param types   for each column, its type's name in this database (a {@code serial} as its integer)
     * @param seed    the run's secret salt
     */
    @Nullable String valueHash(List<String> columns, List<Boolean> texts, List<String> types, long seed,
                               int majorVersion) {
        return null;
    }

    /**
     * Whether this database hashes a text as its UTF-8 bytes as it is (H2 and MySQL/MariaDB do: the row text is
     * converted to {@code utf8mb4} there); when not, {@link #hash(String, int, boolean)} converts it first.
     *
     * @throws java.sql.SQLException when the database cannot say its encoding
     */
    boolean hashesUtf8(java.sql.Connection connection) throws java.sql.SQLException {
        return true;
    }

    /** A key column in an expression that compares and orders by bytes (binary, NO PAD). */
    abstract String binaryOrder(String column, ColumnInfo info);

    /** A condition that a column equals a value exactly (case and trailing spaces count); one or two markers. */
    abstract String exactEquals(String column, ColumnInfo info);

    /** How many values {@link #exactEquals} binds. */
    int exactEqualsMarkers(ColumnInfo info) {
        return exactEquals("c", info).split("\\?", -1).length - 1;
    }

    /**
     * {@code text} as a cell that can stand between {@code |} separators: its length in UTF-8 bytes, {@code :}, and
     * the text itself. Unambiguous without touching the text (no cell's rendering starts with {@code ~}, as
     * {@link #NULL_TEXT} does, and the length says where the cell ends whatever it holds), and linear in the text's
     * length on every product. Escaping {@code ~} and {@code |} by {@code REPLACE} was not: MySQL/MariaDB move the
     * rest of the string for every occurrence (also with {@code REGEXP_REPLACE}), measured at about 110 ms for one
     * 40 KB text of which half the characters are {@code |} or {@code ~}, against 0.1 ms for this form. UTF-8 bytes
     * rather than characters because H2 counts characters in UTF-16 units and the other products in code points,
     * while all three hash the row text's UTF-8 bytes.
     */
    String escape(String text) {
        return "OCTET_LENGTH(" + text + ") || ':' || " + text;
    }

    /** {@link #escape(String)} on a database whose texts are UTF-8 bytes already when {@code utf8}. */
    String escape(String text, boolean utf8) {
        return escape(text);
    }

    /** A rendering that gives {@link #NULL_TEXT} for {@code NULL}. */
    String orNull(String column, String rendered) {
        return "CASE WHEN " + column + " IS NULL THEN '" + NULL_TEXT + "' ELSE " + rendered + " END";
    }

    /**
     * A text rendered in Java as a cell between {@code |} separators, as {@link #escape} renders one in SQL: its
     * length in UTF-8 bytes, {@code :}, the text.
     */
    static String escapeText(String text) {
        return utf8Length(text) + ":" + text;
    }

    /**
     * The length of {@code text} in UTF-8 bytes, counted without encoding it; a lone surrogate counts as the one
     * byte ({@code ?}) that Java's encoder, and so H2, writes for it. By hand because the JDK has no counter and
     * the one in Guava is not worth a dependency of every embedding application.
     */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
