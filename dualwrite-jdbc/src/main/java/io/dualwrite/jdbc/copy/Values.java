package io.dualwrite.jdbc.copy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Reads values from a source row and binds them to a target column so that they arrive exactly:
 * date-times as local values (never through the JVM's zone), integers by their number (a MySQL
 * {@code TINYINT(1)} holding 5 stays 5, not {@code true}), unsigned integers beyond {@code long} as
 * decimals, decimals with their scale, large objects as bytes or text, PostgreSQL arrays as the server's text (bounds
 * and elements as stored), JSON into H2 as JSON text. Also turns key texts into typed values.
 */
final class Values {

    private Values() {
    }

    /**
     * How the copier selects a column. MySQL and MariaDB date-times are selected as their text: the drivers
     * build date-time objects through the JVM's zone (with server-side prepared statements even
     * {@code getString} does), so a {@code DATETIME} in a daylight-saving gap would come back an hour off.
     */
    static String selectExpression(CopyDialect dialect, TableColumns.Column column) {
        String quoted = dialect.quote(column.name());
        if (dialect == CopyDialect.MYSQL && column.sqlType() == Types.REAL) {
            // MySQL and MariaDB render a FLOAT as text with six digits (16777216 comes back as 1.67772e7); as a
            // DOUBLE its every digit
            return "CAST(" + quoted + " AS DOUBLE) AS " + quoted;
        }
        if (dialect == CopyDialect.POSTGRESQL && (column.typeNamed("float8") || column.typeNamed("float4"))) {
            // the bytes of the value: as text a float is rounded to 15 (6) digits in a session whose
            // extra_float_digits an earlier borrower left below 1, until the driver reads the statement in binary
            return column.typeName().toLowerCase(Locale.ROOT) + "send(" + quoted + ") AS " + quoted;
        }
        if (dialect == CopyDialect.POSTGRESQL && column.typeNamed("money")) {
            // the amount as a number: the driver reads money as a double, which fails on its text's group
            // separators ("92,233,720,368,547,758.07") and holds no more than 15 digits; the text itself follows
            // the session's lc_monetary
            return quoted + "::numeric AS " + quoted;
        }
        if (dialect == CopyDialect.POSTGRESQL && column.typeNamed("xml")) {
            // the server's text of the document: the driver's SQLXML lost its XML declaration
            return quoted + "::text AS " + quoted;
        }
        if (dialect == CopyDialect.POSTGRESQL && column.sqlType() == Types.ARRAY) {
            // the server's own text of the array ("[0:1]={1,2}"): its bounds and every element as stored. The
            // driver's elements lose the bounds, and build date-times through the JVM's zone; once a statement is
            // read in binary, even the driver's text of an int[] or text[] is rebuilt from the elements
            return quoted + "::text AS " + quoted;
        }
        return dialect == CopyDialect.MYSQL && isMySqlDateTime(column) ? "CAST(" + quoted + " AS CHAR) AS " + quoted : quoted;
    }

    /** The IEEE 754 bytes PostgreSQL's {@code float8send}/{@code float4send} gave, as the number; null for NULL. */
    private static @Nullable Object floatFromBytes(byte @Nullable [] bytes) {
        if (bytes == null) {
            return null;
        }
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes); // network byte order, as the functions send
        return bytes.length == Float.BYTES ? (Object) buffer.getFloat() : (Object) buffer.getDouble();
    }

    /** The value of column {@code index} of the current row, in the form that copies exactly. */
    static @Nullable Object read(ResultSet rows, int index, TableColumns.Column column, CopyDialect source)
            throws SQLException {
        int type = column.sqlType();
        Object value;
        if (source == CopyDialect.MYSQL && type == Types.REAL) {
            double number = rows.getDouble(index); // selected as a DOUBLE (selectExpression): exact
            value = rows.wasNull() ? null : (Object) (float) number;
        } else if (source == CopyDialect.MYSQL && column.typeNamed("year")) {
            // reported as a DATE, held as a year number: 2024, which a YEAR or an integer column takes as it is
            String year = rows.getString(index);
            value = year == null ? null : Integer.valueOf(year.strip());
        } else if (column.bitNumber()) {
            // MySQL/MariaDB BIT(n): the drivers give its bytes; as the unsigned number it holds, a key's text is the
            // one the write path reads (column + 0), and binds as a number that the column compares with
            byte[] bytes = rows.getBytes(index);
            value = bytes == null ? null : integral(new BigDecimal(new BigInteger(1, bytes)));
        } else if (source == CopyDialect.MYSQL && isMySqlDateTime(column)) {
            // the MySQL/MariaDB drivers build date-times through the JVM's zone: a DATETIME in its daylight-saving
            // gap (02:30 on a spring-forward night) would come back an hour off, so the text is parsed instead
            value = localDateTime(rows.getString(index), column);
        } else if (source == CopyDialect.POSTGRESQL && (column.typeNamed("float8") || column.typeNamed("float4"))) {
            value = floatFromBytes(rows.getBytes(index)); // selected by its send function (selectExpression)
        } else if (source == CopyDialect.POSTGRESQL && (column.typeNamed("bit") || column.typeNamed("varbit"))) {
            value = rows.getString(index) == null ? null : new BitString(rows.getString(index));
        } else if (source == CopyDialect.POSTGRESQL && type == Types.ARRAY) {
            String text = rows.getString(index); // selected as its text (selectExpression)
            value = text == null ? null : new PgArray(text);
        } else if (source == CopyDialect.MYSQL && column.integer()) {
            // the drivers turn TINYINT(1) into a boolean by default, losing every value but 0 and 1
            BigDecimal number = rows.getBigDecimal(index);
            value = number == null ? null : integral(number);
        } else if (source == CopyDialect.POSTGRESQL && column.typeNamed("timetz")) {
            // its text, offset and all: the driver has no local time for it, and a time without its offset would
            // be read in the target session's zone
            value = rows.getString(index);
        } else if (source == CopyDialect.POSTGRESQL && type == Types.TIME) {
            value = rows.getObject(index, LocalTime.class);
            if (LocalTime.MAX.equals(value)) {
                // the driver's LocalTime for 24:00:00, which PostgreSQL and MySQL/MariaDB hold: as its text it
                // stays 24:00:00 (bound as a LocalTime it became 23:59:59 on MariaDB); a target that cannot hold
                // it refuses it and the sync is recorded
                value = rows.getString(index);
            }
        } else if (column.typeNamed("uuid")) {
            value = rows.getObject(index); // a UUID, not its bytes (H2 reports the type as BINARY)
        } else if (column.timeZone()) {
            value = rows.getObject(index, OffsetDateTime.class);
        } else {
            value = switch (type) {
                case Types.TIMESTAMP -> rows.getObject(index, LocalDateTime.class);
                case Types.DATE -> rows.getObject(index, LocalDate.class);
                case Types.TIME -> rows.getObject(index, LocalTime.class);
                case Types.TIMESTAMP_WITH_TIMEZONE -> rows.getObject(index, OffsetDateTime.class);
                case Types.DECIMAL, Types.NUMERIC -> decimal(rows, index);
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> rows.getBytes(index);
                case Types.CLOB, Types.NCLOB -> rows.getString(index);
                default -> rows.getObject(index);
            };
        }
        if (source == CopyDialect.POSTGRESQL && isInfinity(value)) {
            // PostgreSQL's infinity and -infinity, which the driver gives as the largest and smallest Java values:
            // bound as such they reached H2 as the years 999999999 and -999999999. As the text "infinity" a
            // PostgreSQL column reads them back and any other refuses them (the sync is recorded)
            return rows.getString(index);
        }
        if (value instanceof java.sql.Blob blob) {
            return blob.getBytes(1, (int) blob.length());
        }
        if (value instanceof java.sql.Clob clob) {
            return clob.getSubString(1, (int) clob.length());
        }
        if (value instanceof java.sql.SQLXML xml) {
            return xml.getString();
        }
        if (value instanceof java.sql.Array array) {
            return array.getArray();
        }
        if (value instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toLocalDateTime();
        }
        if (type == Types.OTHER && value != null && !(value instanceof UUID) && !(value instanceof BitString)) {
            // json, jsonb, enums, inet…: their text is exact (a varbit, reported as OTHER, keeps its BitString:
            // as plain text a MySQL/MariaDB BIT(n) stored the digits' characters as its bytes)
            return rows.getString(index);
        }
        return value;
    }

    /**
     * A decimal, or the text of a value that is not a number: PostgreSQL's {@code numeric} and H2's {@code DECFLOAT}
     * hold {@code NaN}, {@code Infinity} and {@code -Infinity}, which no {@link BigDecimal} holds (the sync failed
     * every time). Copied as that text, which a column of such a type reads as the same value and any other
     * refuses (the sync is then recorded).
     */
    private static @Nullable Object decimal(ResultSet rows, int index) throws SQLException {
        try {
            return rows.getBigDecimal(index);
        } catch (SQLException notANumber) {
            String text = rows.getString(index);
            if (text != null && SPECIAL_NUMBER.matcher(text.strip()).matches()) {
                return text.strip();
            }
            throw notANumber;
        }
    }

    private static final java.util.regex.Pattern SPECIAL_NUMBER =
            java.util.regex.Pattern.compile("(?i)NaN|[+-]?Infinity");

    /** Whether a value is the PostgreSQL driver's form of {@code infinity} or {@code -infinity}. */
    private static boolean isInfinity(@Nullable Object value) {
        return value instanceof LocalDateTime && (value.equals(LocalDateTime.MAX) || value.equals(LocalDateTime.MIN))
                || value instanceof OffsetDateTime && (value.equals(OffsetDateTime.MAX) || value.equals(OffsetDateTime.MIN))
                || value instanceof LocalDate && (value.equals(LocalDate.MAX) || value.equals(LocalDate.MIN));
    }

    /** The last microsecond of a day, the latest time PostgreSQL holds short of {@code 24:00:00}. */
    private static final LocalTime LAST_POSTGRES_MICROSECOND = LocalTime.of(23, 59, 59, 999_999_000);

    /** A PostgreSQL {@code bit}/{@code varbit} value, as its digits ("0101"). */
    record BitString(String digits) {
        @Override
        public String toString() {
            return digits;
        }
    }

    /**
     * A PostgreSQL array as the server writes it ({@code [0:1]={1,2}}, {@code {"2024-03-31 02:30:00"}}): a
     * PostgreSQL column reads the text back as the same array, with its bounds and every element exact, whatever
     * the element type and whatever the JVM's zone.
     */
    record PgArray(String text) {
        @Override
        public String toString() {
            return text;
        }

        /**
         * The elements, nested per dimension, each as its text (null for {@code NULL}), for a database that takes
         * an array as elements and converts each to its column's element type (H2 reads {@code "2024-03-31
         * 02:30:00"} as that date-time, without a zone).
         *
         * @throws SQLException when a lower bound is not 1: such an array has no form elsewhere, and shifted to 1
         *                      it would be another value
         */
        Object[] elements() throws SQLException {
            int start = 0;
            if (text.startsWith("[")) {
                int equals = text.indexOf('=');
                for (String bounds : text.substring(1, equals - 1).split("]\\[")) {
                    if (!bounds.startsWith("1:")) {
                        throw new SQLException("the PostgreSQL array " + text + " has a lower bound other than 1, which"
                                + " only a PostgreSQL array column can hold");
                    }
                }
                start = equals + 1;
            }
            int[] at = {start};
            return parseArray(text, at);
        }

        /** The elements, nested per dimension, each as its text (null for {@code NULL}), whatever the bounds. */
        Object[] elementsInAnyBounds() throws SQLException {
            int[] at = {text.startsWith("[") ? text.indexOf('=') + 1 : 0};
            return parseArray(text, at);
        }

        /** The array (or sub-array) whose '{' is at {@code at[0]}; leaves {@code at[0]} after its '}'. */
        private static Object[] parseArray(String text, int[] at) throws SQLException {
            java.util.List<@Nullable Object> items = new java.util.ArrayList<>();
            int i = at[0] + 1; // past '{'
            while (i < text.length() && text.charAt(i) != '}') {
                char c = text.charAt(i);
                if (c == ',') {
                    i++;
                } else if (c == '{') {
                    at[0] = i;
                    items.add(parseArray(text, at));
                    i = at[0];
                } else {
                    StringBuilder item = new StringBuilder();
                    boolean quoted = c == '"';
                    if (quoted) {
                        i++;
                    }
                    while (i < text.length() && (quoted ? text.charAt(i) != '"' : text.charAt(i) != ','
                            && text.charAt(i) != '}')) {
                        if (text.charAt(i) == '\\' && i + 1 < text.length()) {
                            i++;
                        }
                        item.append(text.charAt(i++));
                    }
                    if (quoted) {
                        i++; // past the closing '"'
                    }
                    String element = item.toString();
                    items.add(!quoted && element.equalsIgnoreCase("NULL") ? null : element);
                }
            }
            if (i >= text.length()) {
                throw new SQLException("unreadable PostgreSQL array text: " + text);
            }
            at[0] = i + 1;
            return items.stream().anyMatch(Object[].class::isInstance) ? items.toArray(Object[][]::new)
                    : items.toArray(String[]::new);
        }
    }

    /**
     * Date-times, dates and times: a MySQL/MariaDB {@code TIME} is a duration from -838:59:59 to 838:59:59, which
     * the drivers' {@code LocalTime} wrapped into one day ({@code 25:00:00} came back as {@code 01:00:00}).
     */
    private static boolean isMySqlDateTime(TableColumns.Column column) {
        return column.sqlType() == Types.TIMESTAMP || column.sqlType() == Types.DATE || column.sqlType() == Types.TIME;
    }

    private static @Nullable Object localDateTime(@Nullable String text, TableColumns.Column column) {
        if (text == null) {
            return null;
        }
        if (text.startsWith("0000-00-00")) {
            return text; // MySQL's zero date has no Java value: copied as its text, as the drivers allow
        }
        try {
            return mySqlDateTime(text, column);
        } catch (java.time.DateTimeException noJavaValue) {
            // a date with a zero month or day ('2024-00-00', '2024-02-00'), which a server without NO_ZERO_IN_DATE
            // stores, or an invalid day under ALLOW_INVALID_DATES ('2024-02-30'): no Java value, so its text, as
            // the zero date; a target that cannot hold it refuses it and the sync is recorded
            return text;
        }
    }

    private static @Nullable Object mySqlDateTime(String text, TableColumns.Column column) {
        if (column.sqlType() == Types.DATE) {
            return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
        }
        if (column.sqlType() == Types.TIME) {
            try {
                return LocalTime.parse(text);
            } catch (java.time.format.DateTimeParseException beyondADay) {
                return duration(text); // no time of day: copied as its text, which MySQL/MariaDB read back as it was
            }
        }
        LocalDateTime plain = plainDateTime(text);
        return plain != null ? plain : LocalDateTime.parse(text.replace(' ', 'T'));
    }

    /** {@code [-]h:mm:ss[.f]}: a MySQL/MariaDB {@code TIME} as the server writes it, any fraction. */
    static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("-?\\d+:\\d{2}:\\d{2}(\\.\\d+)?");

    /**
     * A MySQL/MariaDB {@code TIME} that is no time of day (beyond a day, or negative) in one text per value: the
     * server's own text without the fraction's trailing zeros ({@code 25:00:00.500000} and {@code 25:00:00.5} are
     * one key). Any other text is returned as it is.
     */
    static String duration(String text) {
        String stripped = text.strip();
        if (!DURATION.matcher(stripped).matches()) {
            return text;
        }
        return stripped.indexOf('.') < 0 ? stripped : stripped.replaceAll("\\.?0+$", "");
    }

    /**
     * A MySQL/MariaDB date-time text in its usual form, {@code yyyy-MM-dd HH:mm:ss} with up to nine fraction
     * digits, read without the formatter that {@link LocalDateTime#parse} runs (about a fifth of the read time
     * of a MariaDB backfill); null for any other form, which the formatter then reads.
     */
    static @Nullable LocalDateTime plainDateTime(String text) {
        int length = text.length();
        if (length < 19 || length == 20 || length > 29 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != ' ' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || (length > 19 && text.charAt(19) != '.')) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (length > 19) {
            nanos = digits(text, 20, length);
            for (int i = length; i < 29; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || nanos < 0) {
            return null;
        }
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        } catch (java.time.DateTimeException invalid) {
            return null; // out of range (month 13, February 30): the formatter says why
        }
    }

    /** The decimal number of {@code text[from, to)}, or -1 when a character is not an ASCII digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static boolean hasTimeZone(int sqlType, String typeName) {
        String name = typeName.toLowerCase(Locale.ROOT);
        // not a time of day with zone (H2's TIME WITH TIME ZONE), which is no instant: read as one it took today's date
        return sqlType == Types.TIMESTAMP_WITH_TIMEZONE || name.equals("timestamptz")
                || name.contains("with time zone") && sqlType != Types.TIME_WITH_TIMEZONE && !name.startsWith("time ");
    }

    static boolean isInteger(int sqlType, String typeName) {
        String name = typeName.toUpperCase(Locale.ROOT);
        return switch (sqlType) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> true;
            case Types.BIT, Types.BOOLEAN -> INTEGER_NAME.matcher(name).matches() || name.equals("BOOLEAN")
                    || name.equals("BOOL");
            default -> INTEGER_NAME.matcher(name).matches();
        };
    }

    /**
     * An integer type's name as the drivers report it ({@code TINYINT}, {@code BIGINT UNSIGNED}, {@code int8}):
     * the whole name, since a name that merely contains "INT" may be another type ({@code POINT}, {@code
     * MULTIPOINT}, {@code INTERVAL}), whose value read as a number fails the sync every time.
     */
    private static final java.util.regex.Pattern INTEGER_NAME = java.util.regex.Pattern.compile(
            "(TINY|SMALL|MEDIUM|BIG)?INT(EGER|[1248])?( UNSIGNED| SIGNED)?( ZEROFILL)?");

    private static Object integral(BigDecimal number) {
        return number.scale() <= 0 && number.toBigInteger().bitLength() < 64 ? (Object) number.longValueExact() : number;
    }

    /**
     * Whether a text is an integer in its canonical form ({@code 0}, or an optional minus and digits without
     * a leading zero) that fits a {@code long}: most keys are, and need no decimal arithmetic to be compared.
     */
    static boolean plainInteger(String text) {
        int length = text.length();
        int start = length > 0 && text.charAt(0) == '-' ? 1 : 0;
        if (length == start || length - start > 18) {
            return false;
        }
        if (text.charAt(start) == '0') {
            return length == 1; // "0" only; not "-0" or "007"
        }
        for (int i = start; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The value of a key part's text for a column of the given type. */
    static Object parseKey(String text, TableColumns.Column column) throws SQLException {
        try {
            if (column.typeNamed("uuid")) {
                return Uuids.parse(text); // whatever type code the driver reports (H2: BINARY)
            }
            if (column.typeNamed("year")) {
                String year = text.strip(); // MySQL's YEAR, reported as a DATE: 2024, or a date in 2024
                return Integer.valueOf(year.length() > 4 && year.charAt(4) == '-' ? year.substring(0, 4) : year);
            }
            if (text.startsWith("0000-00-00") && (column.sqlType() == Types.DATE || column.sqlType() == Types.TIMESTAMP)) {
                return text; // MySQL's zero date, read as its text (see read)
            }
            return switch (column.sqlType()) {
                case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> plainInteger(text)
                        ? (Object) Long.parseLong(text) : integral(new BigDecimal(text.strip()));
                case Types.DECIMAL, Types.NUMERIC -> SPECIAL_NUMBERS.contains(text.strip()) ? text.strip()
                        : new BigDecimal(text.strip());
                // a single-precision key compared with a double is another number (0.1f is 0.100000001…)
                case Types.REAL -> Float.valueOf(text.strip());
                case Types.FLOAT, Types.DOUBLE -> Double.valueOf(text.strip());
                // a MySQL/MariaDB BIT(n) or TINYINT(1) holds a number (older key texts of TINYINT(1) say true/false)
                case Types.BOOLEAN, Types.BIT -> column.bitNumber() || column.integer() && !column.bool()
                        ? integral(new BigDecimal(switch (text.strip()) {
                            case "true" -> "1";
                            case "false" -> "0";
                            default -> text.strip();
                        }))
                        : !column.bool() ? new BitString(text.strip()) // a PostgreSQL bit string, as its digits
                        : parseBoolean(text.strip());
                case Types.DATE -> storeText(text) != null ? storeText(text) : LocalDate.parse(text.strip());
                case Types.TIME -> time(text, column);
                // H2's TIME WITH TIME ZONE: Java's text without seconds (10:00+05:30) is no literal H2 reads, and
                // H2's own (00:00:00+14) none Java parses
                case Types.TIME_WITH_TIMEZONE -> offsetTime(text.strip());
                // a key text with an offset (a PostgreSQL timestamptz, which reports itself as a TIMESTAMP, in a
                // checkpoint of an earlier run) names its UTC date-time
                case Types.TIMESTAMP -> storeText(text) != null ? storeText(text) : column.timeZone()
                        ? zonedKey(text.strip().replace(' ', 'T')) : LocalDateTime.parse(text.strip().replace(' ', 'T'));
                case Types.TIMESTAMP_WITH_TIMEZONE -> zonedKey(text.strip().replace(' ', 'T'));
                // a UUID's text names its 16 bytes (a PostgreSQL uuid key into a MySQL BINARY(16))
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> text.indexOf('-') >= 0
                        ? Uuids.toBytes(Uuids.parse(text)) : HexFormat.of().parseHex(text.strip());
                default -> text;
            };
        } catch (RuntimeException e) {
            throw new SQLException("key part '" + text + "' does not fit column " + column.name() + " of type "
                    + column.typeName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A zoned key part: with its offset, or without one as the UTC date-time that key texts of zoned columns hold
     * (verification's keys, the copier's own): an H2 {@code TIMESTAMP WITH TIME ZONE} key's text had no offset to
     * parse, so its row could not be repaired.
     */
    private static OffsetDateTime zonedKey(String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (java.time.format.DateTimeParseException withoutOffset) {
            return LocalDateTime.parse(text).atOffset(java.time.ZoneOffset.UTC);
        }
    }

    static boolean isBinary(int sqlType) {
        return sqlType == Types.BINARY || sqlType == Types.VARBINARY || sqlType == Types.LONGVARBINARY
                || sqlType == Types.BLOB;
    }

    /** A time-of-day key part; on MySQL/MariaDB a duration beyond a day is kept as its canonical text. */
    private static Object time(String text, TableColumns.Column column) {
        try {
            return LocalTime.parse(text.strip());
        } catch (java.time.format.DateTimeParseException beyondADay) {
            if (column.duration() && DURATION.matcher(text.strip()).matches()) {
                return duration(text);
            }
            if (ZONED_OR_END_OF_DAY.matcher(text.strip()).matches()) {
                // a PostgreSQL timetz (10:00:00+05:30) or the end of the day (24:00:00), which no LocalTime holds:
                // as its text, which the column reads as the value it was read from
                return text.strip();
            }
            throw beyondADay;
        }
    }

    private static Object offsetTime(String text) {
        try {
            return java.time.OffsetTime.parse(text);
        } catch (java.time.format.DateTimeParseException storeText) {
            return text;
        }
    }

    /** A time of day with an offset, or PostgreSQL's 24:00:00. */
    private static final java.util.regex.Pattern ZONED_OR_END_OF_DAY =
            java.util.regex.Pattern.compile("(\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?([+-]\\d{2}(:?\\d{2}){0,2}|Z))|24:00(:00(\\.0+)?)?");

    /** PostgreSQL numerics that are no BigDecimal: kept as their text, which only a PostgreSQL numeric reads. */
    private static final java.util.Set<String> SPECIAL_NUMBERS = java.util.Set.of("NaN", "Infinity", "-Infinity");

    /** Whether a text is PostgreSQL's text of a numeric NaN or infinity, as the copier reads it. */
    static boolean specialNumber(String text) {
        return SPECIAL_NUMBERS.contains(text);
    }

    /** A date or date-time of a key text that Java has no value for: PostgreSQL's infinities, MySQL's zero parts. */
    private static final java.util.regex.Pattern UNPARSED_DATE =
            java.util.regex.Pattern.compile("-?infinity|\\d{4}-\\d{2}-\\d{2}([ T].*)?");

    /**
     * The text of a date or date-time key that no Java date holds — PostgreSQL's {@code infinity} and
     * {@code -infinity}, a MySQL/MariaDB date with a zero month or day ({@code 2024-02-00}) — bound as it is, as
     * the store wrote it; null for any other text, which is parsed.
     */
    private static @Nullable String storeText(String text) {
        String stripped = text.strip();
        if (!UNPARSED_DATE.matcher(stripped).matches()) {
            return null;
        }
        if (stripped.endsWith("infinity")) {
            return stripped;
        }
        boolean zeroPart = stripped.startsWith("0000") || stripped.startsWith("00", 5) || stripped.startsWith("00", 8);
        return zeroPart ? stripped.replace('T', ' ') : null;
    }

    /**
     * A key value as key texts name a zoned column's values: an instant with an offset as its UTC date-time, other
     * values as they are.
     */
    static @Nullable Object utcKey(@Nullable Object value) {
        return value instanceof OffsetDateTime instant
                ? instant.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime() : value;
    }

    /**
     * The canonical text of a key value, so that a key given as text and the same key read back from a row
     * compare equal (numbers without trailing zeros, bytes as hex).
     */
    static String keyText(@Nullable Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger) {
            return value.toString(); // an integer's text is already canonical
        }
        if (value instanceof Number number && !(value instanceof Double) && !(value instanceof Float)) {
            return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toLocalDateTime().toString();
        }
        return String.valueOf(value);
    }

    /**
     * The text a key column of a type other than text stores {@code value} as, the value a text key is written as
     * ({@link #writtenValue}) or one read from the column: the spelling the key has when it is read back or mirrored
     * back into a text column, so that a source key spelt otherwise is another key's text (the copier refuses it). A
     * whole number's digits; a decimal with the column's scale ({@code 12.50} in a {@code NUMERIC(10,2)}; in an
     * undeclared PostgreSQL {@code numeric}, which compares {@code 12.5} and {@code 12.50} as one key, without trailing
     * zeros); a floating-point number's
     * shortest decimal without trailing zeros; a date, date-time or time as {@link DateTimeText} spells it; a UUID in
     * lower case. Any other value as {@link #keyText}.
     */
    static String storedKeyText(@Nullable Object value, TableColumns.Column column) {
        String dateTime = DateTimeText.of(value);
        if (dateTime != null) {
            return dateTime;
        }
        int type = column.sqlType();
        if (value instanceof Number number && !(value instanceof Double) && !(value instanceof Float)) {
            BigDecimal decimal = number instanceof BigDecimal big ? big : new BigDecimal(number.toString());
            try {
                if (column.integer() && !column.bool() && !column.bitNumber()) {
                    return decimal.toBigIntegerExact().toString();
                }
                if ((type == Types.DECIMAL || type == Types.NUMERIC) && !column.typeNamed("decfloat")
                        && !column.typeNamed("money")) {
                    if (column.precision() <= 0) {
                        // an undeclared numeric keeps each text's scale but compares 12.5 and 12.50 as one key:
                        // one text per value, without trailing zeros
                        return keyText(decimal);
                    }
                    BigDecimal scaled = decimal.setScale(column.scale(), java.math.RoundingMode.UNNECESSARY);
                    return scaled.signum() == 0 ? scaled.abs().toPlainString() : scaled.toPlainString();
                }
                if (type == Types.REAL || type == Types.FLOAT || type == Types.DOUBLE) {
                    // boxed apart: a conditional of a float and a double is a double, whose shortest decimal of
                    // a float's value is the float's binary expansion (0.10000000149011612 for 0.1)
                    BigDecimal shortest = shortestDecimal(type == Types.REAL ? (Number) Float.valueOf(decimal.floatValue())
                            : (Number) Double.valueOf(decimal.doubleValue()));
                    return shortest.signum() == 0 ? "0" : shortest.stripTrailingZeros().toPlainString();
                }
            } catch (ArithmeticException moreDigits) {
                return keyText(value); // refused by Holdable, naming it
            }
        }
        if (value instanceof java.util.UUID || column.typeNamed("uuid") && value instanceof String) {
            return value.toString().toLowerCase(java.util.Locale.ROOT);
        }
        return keyText(value);
    }

    /**
     * Whether {@code column} is a decimal declared without digits (PostgreSQL's {@code numeric}): it keeps each value's
     * own scale but compares {@code 12.5} and {@code 12.50} as one value.
     */
    static boolean undeclaredDecimal(TableColumns.Column column) {
        int type = column.sqlType();
        return (type == Types.DECIMAL || type == Types.NUMERIC) && column.precision() <= 0
                && !column.typeNamed("decfloat") && !column.typeNamed("money");
    }

    /**
     * The text a floating-point or decimal key column stores the key text {@code text} as, where the copier leaves
     * the text to the database to read: {@link #writtenValue} reads no text as a number for a {@code REAL},
     * {@code FLOAT} or {@code DOUBLE} column, nor NaN and the infinities for a decimal one, and the database reads
     * {@code '1.0'}, {@code '1e0'} and {@code ' 1'} as the number of {@code '1'}, {@code 'nan'} as {@code NaN}. A
     * text of digits, a point and an exponent (spaces around it read away, as every product does) is stored as
     * {@link #storedKeyText} spells its number (the shortest decimal of the double or float, without trailing zeros;
     * zero without a sign); NaN and the infinities, in any case and spelling ({@code nan}, {@code inf},
     * {@code +Infinity}), as {@code NaN}, {@code Infinity} and {@code -Infinity}, the texts the copier writes for them
     * into a text column ({@link ColumnText#floating}). {@code ""} for another text into a floating-point column (a
     * hexadecimal or other form that PostgreSQL's reading of a float may take, no text of one number); null where
     * the column is of another type, or a decimal and the text no NaN nor infinity (read by {@link #writtenValue}).
     */
    static @Nullable String numberKeyText(String text, TableColumns.Column column) {
        int type = column.sqlType();
        boolean floating = type == Types.REAL || type == Types.FLOAT || type == Types.DOUBLE;
        boolean decimal = (type == Types.DECIMAL || type == Types.NUMERIC) && !column.typeNamed("decfloat")
                && !column.typeNamed("money");
        if (!floating && !decimal) {
            return null;
        }
        String stripped = text.strip();
        java.util.regex.Matcher special = SPECIAL_SPELLING.matcher(stripped);
        if (special.matches()) {
            return special.group(2).equalsIgnoreCase("nan") ? "NaN"
                    : "-".equals(special.group(1)) ? "-Infinity" : "Infinity";
        }
        if (!floating) {
            return null;
        }
        if (!DECIMAL_NUMBER.matcher(stripped).matches()) {
            return "";
        }
        try {
            return storedKeyText(new BigDecimal(stripped), column);
        } catch (NumberFormatException exponentBeyondAnInt) {
            return "";
        }
    }

    /** NaN and the infinities as the products read them from a text: any case, {@code inf} or {@code infinity}, a sign. */
    private static final java.util.regex.Pattern SPECIAL_SPELLING =
            java.util.regex.Pattern.compile("(?i)([+-]?)(nan|inf|infinity)");

    /**
     * The text by which the target's key column names the row the copier wrote from a source key part {@code text}
     * of a column of another kind, as {@link #bind} writes the source's value there: a number, boolean, date, time or
     * UUID into a text column as the text written ({@link DateTimeText}, {@link ColumnText}; a decimal at the source
     * column's declared scale, the scale its rows are read with), and a text into a binary column as the hex of the
     * bytes written ({@link #textAsBytes}: its UTF-8 bytes; PostgreSQL's {@code bytea}: those of a text without a
     * backslash, which it reads as escapes). Key texts name the source's values; read as the target column's type
     * they named another value there ({@code '2.0'} for the text {@code '2'}, the bytes {@code ab} for the text
     * {@code 'ab'}), so a delete missed the copy, or removed the copy of another key ({@code '6162'} is the hex of
     * {@code 'ab'}), with nothing recorded. A MySQL/MariaDB {@code BIT(n)} (key texts spell its number, {@code 5})
     * into a PostgreSQL {@code bit(n)} or {@code varbit} as the binary digits written ({@code 00000101} for a
     * {@code bit(8)}, {@code 101} for a {@code varbit}; round 26b: {@code '5'} was refused there, the delete failed),
     * and the other way a bit string's digits as the number written ({@code 5}; {@code '00000101'} named the
     * bytes of its characters there and the delete removed nothing).
     * Any other pair of columns, and a text this does not read, as it is.
     *
     * @param text   a key part's text, as key texts spell the source's values; null for none
     * @param source the source's key column of that part
     * @param target the target's key column of that part
     * @param mysql  whether the target is MySQL/MariaDB (a boolean is written there as {@code 1} or {@code 0})
     */
    static @Nullable String targetKeyText(@Nullable String text, TableColumns.Column source,
                                          TableColumns.Column target, boolean mysql) {
        if (text == null || !keyOfAnotherKind(source, target)) {
            return text;
        }
        if (isText(source.sqlType())) {
            return text.indexOf('\\') >= 0 && target.typeNamed("bytea") ? text
                    : HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (bitString(source) && target.bitNumber()) {
            // a PostgreSQL bit(n)/varbit into a MySQL/MariaDB BIT(n): written as the unsigned number its digits write
            // (bind), which the BIT(n)'s key texts spell; the digits' text named the bytes of its characters there
            String digits = text.strip();
            return !digits.isEmpty() && digits.chars().allMatch(c -> c == '0' || c == '1')
                    ? new java.math.BigInteger(digits, 2).toString() : text;
        }
        Object value;
        try {
            value = parseKey(text, source);
        } catch (SQLException unreadable) {
            return text;
        }
        if (value instanceof BigDecimal decimal && undeclaredDecimal(source)) {
            // written without trailing zeros, one text per key (JdbcRowCopier.oneTextPerDecimalKey), whatever the
            // scale of the key text ('12.50' or '12.5')
            value = new BigDecimal(keyText(decimal));
        } else if (value instanceof BigDecimal decimal && source.precision() > 0 && source.scale() >= 0
                && (source.sqlType() == Types.DECIMAL || source.sqlType() == Types.NUMERIC)) {
            try {
                value = decimal.setScale(source.scale(), java.math.RoundingMode.UNNECESSARY);
            } catch (ArithmeticException moreDigits) {
                return text;
            }
        }
        if (source.bitNumber() && bitString(target)) {
            // a MySQL/MariaDB BIT(n) into a PostgreSQL bit(n)/varbit: written as its number's binary digits (bind),
            // a bit(n) zero-padded to its n digits; the key text spells the number ('5'), which bit(n) refuses
            if (mysql || !(value instanceof Number number)) {
                return text;
            }
            String digits = new BigDecimal(number.toString()).toBigIntegerExact().toString(2);
            return target.typeNamed("bit") && target.precision() > digits.length()
                    ? "0".repeat(target.precision() - digits.length()) + digits : digits;
        }
        String dateTime = DateTimeText.of(utcKey(value));
        if (dateTime != null) {
            return dateTime;
        }
        String number = ColumnText.of(value, mysql);
        if (number != null) {
            return number;
        }
        return value instanceof java.util.UUID uuid ? uuid.toString() : text;
    }

    /**
     * The bytes, as hex, that PostgreSQL's {@code bytea} input reads from {@code text}: after {@code \x}, the hex
     * digits; otherwise each {@code \\} one backslash, each {@code \ooo} one byte of that octal value, any other
     * character its UTF-8 bytes. A text it would not read is returned with {@code " (not bytea input)"} after it.
     */
    static String byteaInput(String text) {
        if (text.startsWith("\\x")) {
            String digits = text.substring(2).replaceAll("\\s", "");
            return digits.length() % 2 == 0 && digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)
                    ? digits.toLowerCase(Locale.ROOT) : text + " (not bytea input)";
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                bytes.writeBytes(text.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                i = end - 1;
            } else if (text.startsWith("\\", i + 1)) {
                bytes.write('\\');
                i++;
            } else if (i + 3 < text.length() && text.substring(i + 1, i + 4).matches("[0-3][0-7]{2}")) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                return text + " (not bytea input)";
            }
        }
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    /**
     * Whether a key column's values are written into the other store's key column as values of another kind, so that
     * a key text names the target's row otherwise ({@link #targetKeyText}): a text into bytes (a binary column), a
     * number, boolean, date, time or UUID into a text column, a MySQL/MariaDB {@code BIT(n)} into a bit string.
     */
    static boolean keyOfAnotherKind(TableColumns.Column source, TableColumns.Column target) {
        int from = source.sqlType();
        if (isText(from)) {
            return textAsBytes(target) || target.typeNamed("bytea");
        }
        if (source.bitNumber() && bitString(target) || bitString(source) && target.bitNumber()) {
            return true; // a MySQL/MariaDB BIT(n), whose key texts spell its number, and a bit string's digits
        }
        return isText(target.sqlType()) && !isBinary(from) && (from != Types.OTHER || source.typeNamed("uuid"));
    }

    /** Whether {@code column} is a bit string (PostgreSQL's {@code bit(n)}, {@code varbit}), not a MySQL number. */
    private static boolean bitString(TableColumns.Column column) {
        return !column.bitNumber() && (column.typeNamed("bit") || column.typeNamed("varbit"));
    }

    /**
     * A finite double or float as the shortest decimal that reads back as the same double or float
     * (0.30000000000000004, and 0.1 for the float nearest 0.1, not its binary expansion 0.100000001490116…): what
     * the copier writes into a decimal column, and what {@link Holdable} checks against the column's digits. Not
     * {@code Double.toString}'s or {@code Float.toString}'s text: on Java 17 it is longer for some numbers (8.41e21
     * printed as 8.409999999999999E21) and on every version for the subnormals (5e-324 as 4.9E-324, a float's 1e-45
     * as 1.4E-45), and those digits arrived in the decimal column as another number than the product shows.
     */
    static BigDecimal shortestDecimal(Number floating) {
        return Holdable.shortest(floating.doubleValue(), floating instanceof Float);
    }

    /** Binds a value for a column of the target table, adjusting it where drivers would refuse it. */
    static void bind(PreparedStatement statement, int index, @Nullable Object value, TableColumns.Column column,
                     CopyDialect target) throws SQLException {
        if (value == null) {
            statement.setNull(index, column.sqlType(), column.typeName());
            return;
        }
        if (value instanceof java.time.ZonedDateTime zoned) {
            // a transformer's or mapping's value: no driver binds a ZonedDateTime (PostgreSQL's refuses it); its
            // instant with its offset is what every one takes
            value = zoned.toOffsetDateTime();
        } else if (value instanceof java.time.Instant instant) {
            value = instant.atOffset(java.time.ZoneOffset.UTC);
        }
        int type = column.sqlType();
        if (target == CopyDialect.MYSQL && value instanceof String special && (isNumeric(type) && SPECIAL_NUMBERS.contains(special)
                || (type == Types.DATE || type == Types.TIMESTAMP) && special.endsWith("infinity"))) {
            // PostgreSQL's NaN or infinity, which MySQL/MariaDB would compare as 0 or no date: refused, not matched
            // with another row (a sync of key 'NaN' must not delete key 0)
            throw UnholdableValueException.of(column.name(), special, column.typeName() + " column holds no NaN nor"
                    + " infinity (MySQL/MariaDB hold none)");
        }
        Object adjusted = value;
        if (isText(type)) {
            String dateTime = DateTimeText.of(value);
            if (dateTime != null) {
                // a date-time into text: the one spelling verification expects, not the driver's (2024-01-02
                // 03:04:05.0, …+00, the session's zone)
                statement.setString(index, dateTime);
                return;
            }
        }
        if (target == CopyDialect.MYSQL && (type == Types.REAL || type == Types.DOUBLE || type == Types.FLOAT)
                && (value instanceof Double || value instanceof Float)
                && Double.doubleToRawLongBits(((Number) value).doubleValue()) == Long.MIN_VALUE) {
            // -0: the drivers send a double as its text, "-0.0", which the server reads as a decimal, whose zero
            // has no sign; as a float's text the server reads the negative zero
            statement.setString(index, "-0e0");
            return;
        }
        if (target == CopyDialect.MYSQL && value instanceof OffsetDateTime instant
                && instant.withOffsetSameInstant(java.time.ZoneOffset.UTC).getYear() < 1) {
            // an instant of the year 0000 (PostgreSQL's 1 BC) into a DATETIME or DATE: its UTC date-time, as text
            // below; bound as it is, the driver wrote it as one of the year 0001, and the sync reported success
            LocalDateTime utc = instant.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime();
            value = type == Types.DATE && utc.toLocalTime().equals(java.time.LocalTime.MIDNIGHT) ? utc.toLocalDate() : utc;
        }
        if (target == CopyDialect.MYSQL && (value instanceof LocalDateTime && ((LocalDateTime) value).getYear() < 1
                || value instanceof LocalDate && ((LocalDate) value).getYear() < 1)) {
            // the year 0000, which MySQL/MariaDB hold: the drivers write a date-time before the year 1 as one of
            // the year 0001 (through a calendar without a year 0). As text it is the value; a year before 0000 is
            // refused and the sync recorded
            String text = value.toString();
            statement.setString(index, value instanceof LocalDateTime ? text.replace('T', ' ') : text);
            return;
        }
        if (target == CopyDialect.MYSQL && (type == Types.REAL || type == Types.DOUBLE || type == Types.FLOAT)
                && value instanceof Float single) {
            // bound as a FLOAT, 0.1f matches no FLOAT row (a delete by that key deleted nothing); as the double it
            // widens to exactly, it matches the stored value and is stored as the same float. Into a DOUBLE too: the
            // driver sent a float as its shortest text, stored as the double 0.1, where PostgreSQL and H2 (and the
            // server's own FLOAT-to-DOUBLE conversion) hold the float widened, 0.10000000149011612
            statement.setDouble(index, single.doubleValue());
            return;
        }
        if (target == CopyDialect.POSTGRESQL && (column.typeNamed("bit") || column.typeNamed("varbit"))) {
            String digits = value instanceof Boolean flag ? (flag ? "1" : "0")
                    : value instanceof BigDecimal big ? big.toBigIntegerExact().toString(2)
                    : value instanceof Number number ? Long.toBinaryString(number.longValue())
                    : value instanceof byte[] bytes ? new BigInteger(1, bytes).toString(2) // MySQL/MariaDB BIT(n)
                    : value.toString();
            if (column.typeNamed("bit") && column.precision() > digits.length()) {
                // bit(n) takes exactly n digits; a number's digits are right-aligned, as a cast of it would be
                digits = "0".repeat(column.precision() - digits.length()) + digits;
            }
            statement.setObject(index, digits, Types.OTHER);
            return;
        }
        if (target == CopyDialect.POSTGRESQL && column.typeNamed("money") && value instanceof Number amount) {
            // a literal the column reads as its amount: a numeric parameter has no implicit cast to money
            statement.setObject(index, amount instanceof BigDecimal decimal ? decimal.toPlainString() : amount.toString(),
                    Types.OTHER);
            return;
        }
        if (value instanceof PgArray array) {
            if (target == CopyDialect.POSTGRESQL) {
                // a parameter of no stated type, which the server reads as the column's type: the array as it was
                statement.setObject(index, array.text(), Types.OTHER);
            } else {
                statement.setObject(index, type == Types.ARRAY ? array.elements() : array.text());
            }
            return;
        }
        if (target == CopyDialect.H2 && column.typeNamed("json") && value instanceof String json) {
            // H2 takes a character string for a JSON column as a JSON string ("{\"a\":1}"), and bytes as JSON text
            statement.setBytes(index, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        if (target == CopyDialect.POSTGRESQL && value instanceof LocalTime time
                && time.isAfter(LAST_POSTGRES_MICROSECOND) && time.getNano() % 1_000 != 0) {
            // PostgreSQL keeps microseconds and rounds the rest: an H2 TIME(9) of 23:59:59.9999997 became 24:00:00,
            // another day's end; the last microsecond of the day is the nearest value within it
            statement.setObject(index, LAST_POSTGRES_MICROSECOND);
            return;
        }
        if (value instanceof BitString bits && column.bitNumber()) {
            // a PostgreSQL bit string into a MySQL/MariaDB BIT(n), which holds the unsigned number its digits write:
            // bound as the number a BIT(n) read from MySQL is (its text would be stored as the text's bytes)
            BigInteger number = new BigInteger(bits.digits().isEmpty() ? "0" : bits.digits(), 2);
            if (number.bitLength() < 64) {
                statement.setLong(index, number.longValue());
            } else {
                // beyond a BIGINT the drivers send a decimal literal, which a BIT(64) refuses; a binary string is
                // stored byte for byte, so its 8 bytes without BigInteger's sign byte
                byte[] signed = number.toByteArray();
                statement.setBytes(index, java.util.Arrays.copyOfRange(signed, signed.length - (number.bitLength() + 7) / 8,
                        signed.length));
            }
            return;
        }
        if (value instanceof BitString bits) {
            adjusted = column.bool() || target == CopyDialect.MYSQL && bits.digits().length() == 1
                    ? (Object) (bits.digits().indexOf('1') >= 0) : bits.digits();
            if (adjusted instanceof Boolean flag && target == CopyDialect.MYSQL) {
                adjusted = flag ? 1 : 0;
            }
            statement.setObject(index, adjusted);
            return;
        }
        if (target != CopyDialect.MYSQL && column.bool()) {
            adjusted = toBoolean(value);
        } else if (value instanceof Boolean flag && (isNumeric(type) || target == CopyDialect.MYSQL)) {
            adjusted = flag ? 1 : 0;
        } else if ((value instanceof Boolean || value instanceof Float || value instanceof Double) && isText(type)) {
            // as the one text verification expects: bound as they are, H2 stored TRUE and 1.0E20, PostgreSQL 1e+20
            adjusted = ColumnText.of(value, target == CopyDialect.MYSQL);
        } else if ((value instanceof Double || value instanceof Float) && (type == Types.DECIMAL || type == Types.NUMERIC)
                && Double.isFinite(((Number) value).doubleValue())) {
            // bound as a double, PostgreSQL casts it to numeric with 15 significant digits (a float with 6):
            // 0.30000000000000004 was stored as 0.3, another number, and the sync reported success
            adjusted = shortestDecimal((Number) value);
        } else if (value instanceof Timestamp timestamp) {
            adjusted = timestamp.toLocalDateTime();
        } else if (value instanceof java.sql.Date date) {
            adjusted = date.toLocalDate();
        } else if (value instanceof BigInteger big) {
            adjusted = new BigDecimal(big);
        } else if (column.typeNamed("uuid") && value instanceof String text) {
            adjusted = Uuids.parse(text);
        } else if (column.typeNamed("uuid") && value instanceof byte[] bytes && bytes.length == 16) {
            adjusted = Uuids.fromBytes(bytes); // a MySQL BINARY(16) holding a UUID's bytes
        } else if (value instanceof UUID uuid && isBinary(type) && !column.typeNamed("uuid")) {
            adjusted = Uuids.toBytes(uuid);
        } else if (value instanceof UUID uuid && !column.typeNamed("uuid")) {
            adjusted = uuid.toString();
        } else if (type == Types.OTHER && value instanceof String) {
            statement.setObject(index, value, Types.OTHER); // json, enums and the like on PostgreSQL
            return;
        } else if (value instanceof OffsetDateTime offset && type == Types.TIMESTAMP && !column.timeZone()) {
            // an instant into a date-time without zone: its UTC date-time (the rule verification compares by), not
            // the local time at its offset (an H2 TIMESTAMP WITH TIME ZONE of +05:30 landed 5 h 30 min off)
            adjusted = offset.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime();
        } else if (value instanceof LocalDateTime local && column.timeZone() && target != CopyDialect.MYSQL) {
            // a date-time without zone is taken as UTC (the rule verification compares by), never as a time of
            // the session's zone, which a pool may set to anything
            adjusted = local.atOffset(java.time.ZoneOffset.UTC);
        }
        if (target == CopyDialect.POSTGRESQL && type == Types.ARRAY && adjusted instanceof Object[] elements) {
            // another product's array (H2's Object[]): the driver binds no Object[], but an array of the column's
            // element type (its type name is the element's with a leading underscore)
            String element = column.typeName().startsWith("_") ? column.typeName().substring(1) : column.typeName();
            statement.setArray(index, statement.getConnection().createArrayOf(element, elements));
            return;
        }
        if (target == CopyDialect.POSTGRESQL && adjusted instanceof String text && !pgText(column)) {
            // a text for a column of another type (an enum, an array, money, a key read as text): a literal of
            // unknown type, which the server reads as the column's type; as a varchar it would have no operator
            statement.setObject(index, text, Types.OTHER);
            return;
        }
        statement.setObject(index, adjusted);
    }

    /**
     * A value as the copier writes it into {@code column}: a text for a date or date-time column as the date,
     * date-time or instant it writes in ISO form ({@link DateTimeText#parse}), so that the rules of those values
     * apply to it and {@link Holdable} checks it (an instant lands in a column without zone as its UTC date-time, a
     * date-time without zone in a zoned column as UTC, a fraction beyond the column's digits or a time of day for a
     * {@code date} is refused); bound as text, the target read it in its own way (PostgreSQL dropped the offset,
     * took the session's zone, rounded the fraction, dropped the time of day). A date is its midnight for a
     * date-time column. A text of digits (a point and an exponent for a decimal) for a number column as that number,
     * which {@link Holdable} checks against the column's digits and range (the products rounded it to the scale, or
     * refused it without naming the row). Any other value, and a text of another form, as it is.
     */
    static @Nullable Object writtenValue(@Nullable Object value, TableColumns.Column column) {
        if (!(value instanceof String text)) {
            return value;
        }
        int type = column.sqlType();
        if (textAsBytes(column)) {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        boolean year = column.typeNamed("year");
        boolean whole = year || column.integer() && !column.bool() && !column.bitNumber();
        if (whole || (type == Types.DECIMAL || type == Types.NUMERIC) && !column.typeNamed("decfloat")
                && !column.typeNamed("money")) {
            String stripped = text.strip();
            if ((whole ? WHOLE_NUMBER : DECIMAL_NUMBER).matcher(stripped).matches()) {
                try {
                    return new BigDecimal(stripped);
                } catch (NumberFormatException exponentBeyondAnInt) {
                    return value; // refused by Holdable, naming it
                }
            }
            return value;
        }
        if (year || type != Types.DATE && type != Types.TIMESTAMP && type != Types.TIMESTAMP_WITH_TIMEZONE) {
            return value;
        }
        Object parsed;
        try {
            parsed = DateTimeText.parse(text);
        } catch (java.time.DateTimeException noSuchDay) {
            return value; // refused by Holdable, naming it
        }
        if (parsed instanceof LocalDate date && type != Types.DATE) {
            return date.atStartOfDay();
        }
        if (parsed instanceof LocalDateTime midnight && type == Types.DATE
                && midnight.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return midnight.toLocalDate(); // another time of day is refused by Holdable, naming it
        }
        return parsed == null ? value : parsed;
    }

    /**
     * Whether a text for {@code column} is written as its UTF-8 bytes: a binary column other than PostgreSQL's
     * {@code bytea} (which reads a text as its own input, {@code \\x} hex and escapes) and a UUID. Bound as a text,
     * MySQL/MariaDB and H2 stored the bytes of the connection's encoding, which verification compared as the text
     * against the bytes' hex, and the length check of a {@code VARBINARY(n)} or a fixed {@code BINARY(n)} (which
     * the server pads with zero bytes) never ran.
     */
    static boolean textAsBytes(TableColumns.Column column) {
        return isBinary(column.sqlType()) && !column.typeNamed("bytea") && !column.typeNamed("uuid");
    }

    /** A whole number as every product reads it from a text: digits alone. */
    static final java.util.regex.Pattern WHOLE_NUMBER = java.util.regex.Pattern.compile("[+-]?[0-9]+");

    /** A decimal number as every product reads it from a text: digits, a point, an exponent. */
    static final java.util.regex.Pattern DECIMAL_NUMBER =
            java.util.regex.Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    /** Whether a column of this type holds character text. */
    static boolean isText(int type) {
        return switch (type) {
            case Types.CHAR, Types.NCHAR, Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> true;
            default -> false;
        };
    }

    /** Whether a PostgreSQL column holds text, which takes a string parameter as it is. */
    static boolean pgText(TableColumns.Column column) {
        return switch (column.lowerTypeName()) {
            case "text", "varchar", "bpchar", "char", "name", "character varying", "character" -> true;
            default -> false;
        };
    }

    static boolean isBoolean(int sqlType, String typeName) {
        // PostgreSQL reports boolean as BIT named "bool", and its bit strings as BIT named "bit"
        return sqlType == Types.BOOLEAN || typeName.equalsIgnoreCase("bool") || typeName.equalsIgnoreCase("boolean")
                || (sqlType == Types.BIT && !typeName.equalsIgnoreCase("varbit") && !typeName.equalsIgnoreCase("bit"));
    }

    private static Object toBoolean(Object value) {
        if (value instanceof Boolean) {
            return value;
        }
        if (value instanceof Number number) {
            return number.doubleValue() != 0;
        }
        if (value instanceof String text) {
            return parseBoolean(text.strip());
        }
        if (value instanceof byte[] bytes && bytes.length == 1) {
            return bytes[0] != 0;
        }
        return value;
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "1", "true", "t", "yes", "y" -> Boolean.TRUE;
            case "0", "false", "f", "no", "n" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("'" + text + "' is not a boolean");
        };
    }

    private static boolean isNumeric(int type) {
        return switch (type) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.DECIMAL, Types.NUMERIC -> true;
            default -> false;
        };
    }
}
