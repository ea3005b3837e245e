package io.dualwrite.jdbc.verify;

import io.dualwrite.jdbc.copy.DateTimeText;
import io.dualwrite.jdbc.copy.Uuids;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Values read into the JVM: key values (to bind them on either store), and the columns compared in Java, with
 * their canonical text (the same rules as the SQL rendering: numbers by value, booleans 0/1, date-times in UTC
 * with every digit of the second, bytes as hex).
 */
final class JavaValues {

    /** Every digit of the second: a copy never rounds one (the copier refuses what the target cannot hold). */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS");

    private JavaValues() {
    }

    /**
     * Key column {@code index} of the current row, as {@link #read} gives it, except PostgreSQL's {@code 24:00:00}:
     * its driver reads it as the last nanosecond of the day, a time PostgreSQL does not hold, so the key named that
     * way was bound as {@code 23:59:59.999999} and matched the row before it (repair then synced that row, not this
     * one). It is the text {@code 24:00:00}, as a MySQL/MariaDB {@code TIME} of that value already reads, and binds
     * back as a literal ({@link #bind}).
     */
    static @Nullable Object readKey(ResultSet rows, int index, ColumnInfo column, VerifyDialect dialect)
            throws SQLException {
        Object value = read(rows, index, column, dialect);
        return dialect == VerifyDialect.POSTGRESQL && LocalTime.MAX.equals(value) ? "24:00:00" : value;
    }

    /**
     * Column {@code index} of the current row. MySQL/MariaDB date-times are parsed from their text (the drivers
     * would move them through the JVM's zone); integers come back as {@code Long} or {@code BigDecimal}.
     */
    static @Nullable Object read(ResultSet rows, int index, ColumnInfo column, VerifyDialect dialect)
            throws SQLException {
        return read(rows, index, column, dialect, false);
    }

    /**
     * As {@link #read(ResultSet, int, ColumnInfo, VerifyDialect)}; with {@code paddedElements} an array's text
     * elements without their trailing spaces, for an array compared with one whose elements are {@code CHAR}s.
     */
    static @Nullable Object read(ResultSet rows, int index, ColumnInfo column, VerifyDialect dialect,
                                 boolean paddedElements) throws SQLException {
        ColumnInfo.Kind kind = column.kind(dialect);
        Object value;
        if (column.type().equals("bit") && column.sqlType() == Types.BIT && column.precision() > 1) {
            // a bit string as its digits, n of them: MySQL/MariaDB BIT(n) comes as bytes, PostgreSQL bit(n) as text
            if (dialect == VerifyDialect.MYSQL) {
                byte[] bytes = rows.getBytes(index);
                String digits = bytes == null ? null : new BigInteger(1, bytes).toString(2);
                value = digits == null ? null
                        : "0".repeat(Math.max(0, column.precision() - digits.length())) + digits;
            } else {
                value = rows.getString(index);
            }
        } else if (dialect == VerifyDialect.MYSQL && column.type().equals("year")) {
            // the drivers report YEAR as a DATE, but its text is the year's number
            String text = rows.getString(index);
            value = text == null ? null : text.chars().allMatch(Character::isDigit) ? (Object) Long.parseLong(text) : text;
        } else if (dialect == VerifyDialect.MYSQL && (column.sqlType() == Types.TIMESTAMP || column.sqlType() == Types.DATE
                || column.sqlType() == Types.TIME)) {
            String text = rows.getString(index);
            value = text == null ? null : mysqlTemporal(text, column.sqlType());
        } else if (column.money()) {
            value = rows.getBigDecimal(index); // selected as numeric (TableSide, ColumnInfo.keySelect)
        } else if (kind == ColumnInfo.Kind.INTEGER && (column.sqlType() == Types.BIT || column.sqlType() == Types.BOOLEAN)) {
            // MySQL/MariaDB TINYINT(1), reported as a boolean: as one, 2 and 3 both read true
            value = integral(rows.getBigDecimal(index));
        } else if (dialect == VerifyDialect.POSTGRESQL && column.sqlType() == Types.OTHER && kind != ColumnInfo.Kind.UUID) {
            value = rows.getString(index); // inet, interval, an array read as a key…: the server's text
        } else if (kind == ColumnInfo.Kind.OTHER && (column.sqlType() == Types.TIME
                || column.sqlType() == Types.TIME_WITH_TIMEZONE || column.type().equals("bit")
                || column.type().equals("varbit"))) {
            // a time with its offset (no LocalTime holds it), a PostgreSQL bit string (bit(1) reads as a boolean,
            // which binds as no bit string): the server's text, bound back as a literal of the column's type
            value = rows.getString(index);
        } else if (kind == ColumnInfo.Kind.TIMESTAMP_TZ) {
            OffsetDateTime zoned = rows.getObject(index, OffsetDateTime.class);
            value = zoned == null ? null : zoned.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        } else {
            value = switch (column.sqlType()) {
                case Types.TIMESTAMP -> rows.getObject(index, LocalDateTime.class);
                case Types.DATE -> rows.getObject(index, LocalDate.class);
                case Types.TIME -> rows.getObject(index, LocalTime.class);
                case Types.DECIMAL, Types.NUMERIC -> decimal(rows, index);
                case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> integral(rows.getBigDecimal(index));
                case Types.REAL -> floating(rows.getFloat(index), rows.wasNull());
                case Types.FLOAT, Types.DOUBLE -> floating(rows.getDouble(index), rows.wasNull());
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
                        column.type().equals("uuid") ? rows.getObject(index) : rows.getBytes(index);
                case Types.CLOB, Types.NCLOB -> rows.getString(index);
                default -> rows.getObject(index);
            };
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
            return arrayText((Object[]) array.getArray(), paddedElements);
        }
        if (value instanceof BigInteger big) {
            return new BigDecimal(big);
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toLocalDateTime();
        }
        if (column.sqlType() == Types.OTHER && value != null && !(value instanceof UUID)) {
            return rows.getString(index); // json, jsonb, enums, inet…: their text
        }
        return value;
    }

    /** The units of an H2 interval's fields, largest first. */
    private static final List<String> INTERVAL_UNITS = List.of("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND");

    /**
     * An H2 interval's text ({@code INTERVAL '1' DAY}, {@code INTERVAL '-1 01:30:00.5' DAY TO SECOND},
     * {@code INTERVAL '1-06' YEAR TO MONTH}) as its length: {@code year-month} and its months, or {@code day-time}
     * and its seconds (a day 24 hours, as H2 compares intervals). H2 converts an interval into a column of another
     * qualifier by its length ({@code INTERVAL '1' DAY} into an {@code INTERVAL HOUR} is {@code INTERVAL '24' HOUR},
     * equal to it by H2's own {@code =}), so compared as text such a copy differed on every run and repair never
     * converged. A text of another form is returned as it is. For comparison only: a key binds back as its text.
     */
    static String h2IntervalLength(String text) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern
                .compile("INTERVAL '(-?)([0-9][0-9 :.\\-]*)' ([A-Z]+)(?: TO ([A-Z]+))?").matcher(text);
        if (!matcher.matches()) {
            return text;
        }
        int first = INTERVAL_UNITS.indexOf(matcher.group(3));
        int last = matcher.group(4) == null ? first : INTERVAL_UNITS.indexOf(matcher.group(4));
        String[] fields = matcher.group(2).split("[- :]");
        boolean yearMonth = last <= 1;
        if (first < 0 || last < first || (first <= 1) != yearMonth || fields.length != last - first + 1) {
            return text;
        }
        // months of each unit (year-month) or seconds (day-time)
        long[] per = {12, 1, 86_400, 3_600, 60, 1};
        BigDecimal length = BigDecimal.ZERO;
        try {
            for (int i = 0; i < fields.length; i++) {
                length = length.add(new BigDecimal(fields[i]).multiply(BigDecimal.valueOf(per[first + i])));
            }
        } catch (NumberFormatException e) {
            return text;
        }
        if (!matcher.group(1).isEmpty()) {
            length = length.negate();
        }
        return (yearMonth ? "year-month " : "day-time ") + (length.signum() == 0 ? "0"
                : length.stripTrailingZeros().toPlainString());
    }

    /**
     * An array's elements as one text that tells every two arrays apart that differ in an element, a {@code NULL}
     * or their nesting: a text element in quotes (its {@code "} and {@code \} escaped), a {@code NULL} element as
     * {@link VerifyDialect#NULL_TEXT}, a nested array in brackets, a decimal by value (without trailing zeros), any
     * other element as its Java text (a number by its shortest spelling, so that a float copied as that spelling into
     * a wider float compares alike).
     * {@code Arrays.deepToString} printed {@code {"a, b"}} as {@code {a,b}} and {@code {"null"}} as {@code {NULL}}.
     */
    static String arrayText(Object[] elements) {
        return arrayText(elements, false);
    }

    /**
     * As {@link #arrayText(Object[])}; with {@code padded} each text element without its trailing spaces, as a
     * {@code CHAR} is compared: a PostgreSQL {@code char(4)[]} holds the {@code {ab}} of a {@code text[]} as
     * {@code {"ab  "}}.
     */
    static String arrayText(Object[] elements, boolean padded) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            Object element = elements[i];
            if (element == null) {
                text.append(VerifyDialect.NULL_TEXT);
            } else if (element instanceof Object[] nested) {
                text.append(arrayText(nested, padded));
            } else if (element instanceof String string) {
                String held = padded ? withoutTrailingSpaces(string) : string;
                text.append('"').append(held.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            } else if (element instanceof byte[] bytes) {
                text.append(HexFormat.of().formatHex(bytes));
            } else if (element instanceof BigDecimal decimal) {
                // by value, as every decimal is compared: an H2 NUMERIC(20,4) ARRAY gives 1.5000, a PostgreSQL
                // numeric(10,2)[] the 1.50 copied from it
                text.append(plain(decimal));
            } else {
                text.append(element);
            }
        }
        return text.append(']').toString();
    }

    /** A text without its trailing spaces (only spaces, as {@code CHAR} pads). */
    private static String withoutTrailingSpaces(String text) {
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return text.substring(0, end);
    }

    /** A decimal; an H2 {@code DECFLOAT}'s {@code NaN} or {@code Infinity}, which no BigDecimal holds, as its text. */
    private static @Nullable Object decimal(ResultSet rows, int index) throws SQLException {
        try {
            return rows.getBigDecimal(index);
        } catch (SQLException notANumber) {
            return rows.getString(index);
        }
    }

    private static @Nullable Object floating(double value, boolean wasNull) {
        return wasNull ? null : value;
    }

    private static @Nullable Object floating(float value, boolean wasNull) {
        return wasNull ? null : value;
    }

    private static Object mysqlTemporal(String text, int sqlType) {
        if (text.startsWith("0000-00-00")) {
            return text; // MySQL's zero date has no Java value
        }
        try {
            return switch (sqlType) {
                case Types.DATE -> LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text);
                case Types.TIME -> mysqlTime(text);
                default -> LocalDateTime.parse(text.replace(' ', 'T'));
            };
        } catch (java.time.format.DateTimeParseException zeroInDate) {
            return text; // a zero month or day ('2024-00-15', which the default sql_mode takes): its text
        }
    }

    /**
     * A MySQL/MariaDB {@code TIME}: a time of day when it is one, else (a duration beyond a day or negative, which
     * the type allows from -838:59:59 to 838:59:59) its text without the fraction's trailing zeros.
     */
    private static Object mysqlTime(String text) {
        try {
            return LocalTime.parse(text);
        } catch (java.time.format.DateTimeParseException beyondADay) {
            return text.contains(".") ? text.replaceAll("\\.?0+$", "") : text;
        }
    }

    private static @Nullable Object integral(@Nullable BigDecimal number) {
        if (number == null) {
            return null;
        }
        return number.scale() <= 0 && number.toBigInteger().bitLength() < 64 ? (Object) number.longValueExact() : number;
    }

    /**
     * A JSON document (its text, or its UTF-8 bytes as H2 gives a {@code JSON}) as its canonical form by value
     * ({@link JsonValues}); a value that is no JSON text as it is.
     */
    static @Nullable Object jsonValue(@Nullable Object value) {
        String text = value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : value instanceof String string ? string : null;
        if (text == null) {
            return value;
        }
        String canonical = JsonValues.canonical(text);
        return canonical == null ? value : canonical;
    }

    /**
     * An old value (or a transformer's value) as a column of {@code kind} holds it once the copier has written it:
     * a column may change type ({@code '007'} into an integer) and a transformer may return another Java type than
     * the column reads as (the text {@code "12.50"} or a {@code double} for a
     * {@code numeric}, a {@code LocalDate} or an ISO text for a {@code timestamp}, {@code "true"} for a
     * {@code boolean}, a {@code BigDecimal} for a text), and the database converts it on the way in. Compared as
     * the Java value, each such row differed on every verification, and repair, writing the same value again,
     * never came out clean. A value that does not convert is returned as it is (and differs).
     */
    static @Nullable Object asValueOf(@Nullable Object value, ColumnInfo.Kind kind) {
        if (value == null) {
            return null;
        }
        try {
            return switch (kind) {
                case INTEGER, DECIMAL -> value instanceof String text ? new BigDecimal(text.strip())
                        : value instanceof Double number && Double.isFinite(number) ? new BigDecimal(number.toString())
                        : value instanceof Float number && Float.isFinite(number) ? new BigDecimal(number.toString())
                        : value;
                case BOOLEAN -> value instanceof String text ? switch (text.strip().toLowerCase(Locale.ROOT)) {
                    case "1", "t", "true", "y", "yes", "on" -> Boolean.TRUE;
                    case "0", "f", "false", "n", "no", "off" -> Boolean.FALSE;
                    default -> value;
                } : value;
                case DATE -> value instanceof String text ? writtenDateTime(text, kind)
                        : value instanceof java.sql.Date date ? date.toLocalDate()
                        : value instanceof LocalDateTime dateTime ? dateTime.toLocalDate() : value;
                case TIMESTAMP -> value instanceof String text ? writtenDateTime(text, kind)
                        : value instanceof LocalDate date ? date.atStartOfDay()
                        : value instanceof java.sql.Timestamp timestamp ? timestamp.toLocalDateTime() : value;
                case TIMESTAMP_TZ -> value instanceof String text ? writtenDateTime(text, kind) : value;
                case TIME -> value instanceof String text ? LocalTime.parse(text.strip()) : value;
                case UUID -> value instanceof String text ? Uuids.parse(text) : value;
                case STRING -> value instanceof BigDecimal number ? number.toPlainString()
                        // a date-time into text: as the copier spells it there
                        : DateTimeText.of(value) != null ? DateTimeText.of(value) : value;
                default -> value;
            };
        } catch (RuntimeException notOfTheColumnsType) {
            return value;
        }
    }

    /**
     * A text compared with a date or date-time column, as the value the copier writes from it
     * ({@code copy.Values.writtenValue}): an instant as its UTC date-time, a date-time without zone as one in UTC, a
     * date as its midnight; a date-time of a time of day other than midnight stays one against a date (the copier
     * refuses it). A text of another form as it is: then it differs from every value.
     */
    private static Object writtenDateTime(String text, ColumnInfo.Kind kind) {
        Object parsed = DateTimeText.parse(text);
        if (parsed == null) {
            return text;
        }
        LocalDateTime local = parsed instanceof OffsetDateTime instant
                ? instant.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()
                : parsed instanceof LocalDate date ? date.atStartOfDay() : (LocalDateTime) parsed;
        if (kind == ColumnInfo.Kind.DATE) {
            return local.toLocalTime().equals(LocalTime.MIDNIGHT) ? local.toLocalDate() : local;
        }
        return kind == ColumnInfo.Kind.TIMESTAMP_TZ ? local.atOffset(ZoneOffset.UTC) : local;
    }

    /**
     * A number of a column compared with a floating-point column, as the nearest number of that column's precision
     * (single when {@code single}): what the floating-point column holds for it. A decimal copied into a float (or
     * a float into a decimal, which every product writes as the shortest decimal naming the float) differs from it
     * by a rounding, not by a value the float could hold; a difference the float can hold is still one. A double
     * compared with a single-precision column likewise, as the nearest float. A value that is no number (a
     * {@code NaN} read as text) is returned as it is.
     */
    static @Nullable Object asFloating(@Nullable Object value, boolean single) {
        if (value instanceof Double number) {
            return single ? (Object) number.floatValue() : number;
        }
        BigDecimal number = value instanceof BigDecimal decimal ? decimal
                : value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                ? BigDecimal.valueOf(((Number) value).longValue()) : null;
        if (number == null) {
            return value;
        }
        return single ? (Object) number.floatValue() : (Object) number.doubleValue();
    }

    /**
     * The bytes PostgreSQL reads a text as for a {@code bytea}: {@code \x} and hex digits (whitespace between
     * pairs allowed), else its characters as UTF-8 with {@code \\} one backslash and {@code \ooo} an octal byte.
     * A text PostgreSQL refuses as it is (it differs from every value; the copier could not have written it).
     */
    static Object byteaInput(String text) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(text.length());
        if (text.startsWith("\\x")) {
            String digits = text.substring(2).replaceAll("\\s", "");
            try {
                return HexFormat.of().parseHex(digits);
            } catch (IllegalArgumentException notHex) {
                return text;
            }
        }
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '\\') {
                continue;
            }
            bytes.writeBytes(text.substring(start, i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                bytes.write('\\');
                i++;
            } else if (i + 3 < text.length() && text.substring(i + 1, i + 4).matches("[0-3][0-7][0-7]")) {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                return text;
            }
            start = i + 1;
        }
        bytes.writeBytes(text.substring(start).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }

    /**
     * The canonical text of a value compared in Java; {@code padded} trims trailing spaces of text. Date-times and
     * times keep every digit of the second: one rounded to another column's digits is another value.
     */
    static String canonical(@Nullable Object value, boolean padded) {
        if (value == null) {
            return VerifyDialect.NULL_TEXT;
        }
        String text;
        if (value instanceof BigDecimal decimal) {
            text = plain(decimal);
        } else if (value instanceof Float number) {
            // the exact binary value: a real widened to double precision is the same number
            text = number.isNaN() || number.isInfinite() ? number.toString() : negativeZero(number.doubleValue()) ? "-0"
                    : plain(new BigDecimal(number.doubleValue()));
        } else if (value instanceof Double number) {
            // -0 is a value of its own (the copier keeps it): as a decimal it had no sign, and 0 against -0 passed
            text = number.isNaN() || number.isInfinite() ? number.toString() : negativeZero(number) ? "-0"
                    : plain(new BigDecimal(number));
        } else if (value instanceof Number number) {
            text = plain(new BigDecimal(number.toString()));
        } else if (value instanceof Boolean flag) {
            text = flag ? "1" : "0";
        } else if (value instanceof LocalDateTime dateTime) {
            text = dateTime(dateTime);
        } else if (value instanceof OffsetDateTime zoned) {
            text = dateTime(zoned.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else if (value instanceof java.time.ZonedDateTime zoned) {
            // a transformer's value: its instant in UTC, as the copier writes it
            text = dateTime(zoned.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime());
        } else if (value instanceof java.time.Instant instant) {
            text = dateTime(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else if (value instanceof LocalDate date) {
            text = date.toString();
        } else if (value instanceof LocalTime time) {
            text = TIME.format(time);
        } else if (value instanceof byte[] bytes) {
            text = HexFormat.of().formatHex(bytes);
        } else if (value instanceof UUID uuid) {
            text = uuid.toString();
        } else {
            text = value.toString();
            if (padded) {
                // only spaces, as CHAR pads and RTRIM cuts in SQL: a trailing tab or U+3000 is the value's own
                int end = text.length();
                while (end > 0 && text.charAt(end - 1) == ' ') {
                    end--;
                }
                text = text.substring(0, end);
            }
        }
        return VerifyDialect.escapeText(text);
    }

    /**
     * A date-time with every digit of its second; a year before the common era as its year of the era and {@code BC}
     * (the pattern's {@code yyyy} is the year of the era: without the mark 44 BC and AD 44 read alike, so a
     * date-time compared in Java, a transformed or added column, was equal to the same day in the other era).
     */
    private static String dateTime(LocalDateTime dateTime) {
        return dateTime.getYear() < 1 ? TIMESTAMP.format(dateTime) + " BC" : TIMESTAMP.format(dateTime);
    }

    private static boolean negativeZero(double number) {
        return Double.doubleToRawLongBits(number) == Long.MIN_VALUE;
    }

    /**
     * A decimal by value: plain digits, without trailing zeros; in scientific notation where the exponent is large
     * (an H2 {@code DECFLOAT} holds {@code 1E+99999999}, whose plain digits are a hundred million characters). Equal
     * values strip to the same digits and scale, so they take the same form either way.
     */
    private static String plain(BigDecimal decimal) {
        if (decimal.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = decimal.stripTrailingZeros();
        return Math.abs((long) stripped.scale()) > 10_000 ? stripped.toString() : stripped.toPlainString();
    }

    /** A key value's text for {@link io.dualwrite.jdbc.KeyCodec}: numbers plain, date-times ISO, bytes as hex. */
    static Object keyPart(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        return value;
    }

    /**
     * An id as the copier reads it from a row's value ({@code copy.Values.keyText}): a number without trailing zeros,
     * a UUID in lower case, anything else as its text.
     */
    static String idText(Object value) {
        if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            return io.dualwrite.internal.IdText.of(value);
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        return String.valueOf(value);
    }

    /** The value of a key part's text (the change log's form) for a column. */
    static Object parseKey(String text, ColumnInfo column, VerifyDialect dialect) {
        String stripped = text.strip();
        try {
            return switch (column.kind(dialect)) {
                case INTEGER -> integral(new BigDecimal(stripped));
                // PostgreSQL's NaN and infinities, and dates no Java date holds (PostgreSQL's infinity, a MySQL/MariaDB
                // zero month or day): as the store's text, which the column reads back (the copier keeps them so)
                case DECIMAL -> STORE_NUMBERS.contains(stripped) ? stripped : new BigDecimal(stripped);
                case BOOLEAN -> switch (stripped.toLowerCase(Locale.ROOT)) {
                    case "1", "true", "t" -> Boolean.TRUE;
                    case "0", "false", "f" -> Boolean.FALSE;
                    default -> throw new IllegalArgumentException("'" + text + "' is not a boolean");
                };
                case DATE -> storeDate(stripped) ? stripped : LocalDate.parse(stripped);
                case TIMESTAMP, TIMESTAMP_TZ -> storeDate(stripped) ? stripped.replace('T', ' ')
                        : LocalDateTime.parse(stripped.replace(' ', 'T'));
                case BINARY -> HexFormat.of().parseHex(stripped);
                case UUID -> column.type().equals("uuid") ? Uuids.parse(stripped) : text;
                default -> text;
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("key part '" + text + "' does not fit column " + column.name()
                    + " of type " + column.typeName() + ": " + e.getMessage(), e);
        }
    }

    /** The end of the day as a time of day's text: {@code 24:00}, {@code 24:00:00}, {@code 24:00:00.000}. */
    private static final java.util.regex.Pattern END_OF_DAY = java.util.regex.Pattern.compile("24:00(:00(\\.0+)?)?");

    /** PostgreSQL numerics that are no BigDecimal. */
    private static final java.util.Set<String> STORE_NUMBERS = java.util.Set.of("NaN", "Infinity", "-Infinity");

    /** Whether a date or date-time key text names no Java date: an infinity, or a zero year, month or day. */
    private static boolean storeDate(String text) {
        if (text.equals("infinity") || text.equals("-infinity")) {
            return true;
        }
        return text.length() >= 10 && text.charAt(4) == '-' && text.charAt(7) == '-'
                && (text.startsWith("0000") || text.startsWith("00", 5) || text.startsWith("00", 8));
    }

    /** Binds a value (read from either store) for a column of this store, converting where drivers would refuse. */
    static void bind(PreparedStatement statement, int index, Object value, ColumnInfo column, VerifyDialect dialect)
            throws SQLException {
        ColumnInfo.Kind kind = column.kind(dialect);
        Object adjusted = value;
        if (value instanceof UUID uuid && !column.type().equals("uuid") && kind != ColumnInfo.Kind.BINARY) {
            adjusted = uuid.toString();
        } else if (value instanceof String text && column.type().equals("uuid")) {
            try {
                adjusted = Uuids.parse(text);
            } catch (IllegalArgumentException notAUuid) {
                adjusted = text;
            }
        } else if (value instanceof byte[] bytes && bytes.length == 16 && column.type().equals("uuid")) {
            adjusted = Uuids.fromBytes(bytes); // a BINARY(16) key against a uuid
        } else if (value instanceof UUID uuid && kind == ColumnInfo.Kind.BINARY) {
            adjusted = Uuids.toBytes(uuid);
        } else if (value instanceof String text && (kind == ColumnInfo.Kind.INTEGER || kind == ColumnInfo.Kind.DECIMAL)) {
            try {
                adjusted = new BigDecimal(text.strip());
            } catch (NumberFormatException notANumber) {
                if (dialect == VerifyDialect.MYSQL) {
                    // NaN or an infinity (PostgreSQL's numeric, H2's DECFLOAT): no MySQL/MariaDB number holds it, and
                    // the text would compare as 0
                    statement.setNull(index, Types.DECIMAL);
                    return;
                }
                adjusted = text;
            }
        } else if (value instanceof String text && kind == ColumnInfo.Kind.TIME) {
            try {
                adjusted = LocalTime.parse(text.strip()); // a MySQL/MariaDB TIME's text: PostgreSQL has no time = text
            } catch (java.time.format.DateTimeParseException notATimeOfDay) {
                if (dialect == VerifyDialect.MYSQL
                        || dialect == VerifyDialect.POSTGRESQL && END_OF_DAY.matcher(text.strip()).matches()) {
                    // a MySQL/MariaDB TIME beyond a day, read by its own server; the end of the day, which PostgreSQL
                    // and MySQL/MariaDB hold (bound below as a literal of the column's type on PostgreSQL)
                    adjusted = text.strip();
                } else {
                    // beyond a day or negative, or the end of the day on H2 (whose TIME cannot parse 24:00:00): no
                    // time of day here names it, so no row here has it (NULL equals nothing; as text, PostgreSQL
                    // refuses it as a time, H2 any such text)
                    statement.setNull(index, Types.TIME);
                    return;
                }
            }
        } else if (value instanceof Float single && dialect == VerifyDialect.MYSQL) {
            adjusted = (double) single; // as the double it widens to: bound as a float, key 0.1 matches no row
        } else if (value instanceof Boolean flag && kind != ColumnInfo.Kind.BOOLEAN) {
            adjusted = flag ? 1 : 0;
        } else if (value instanceof Number number && kind == ColumnInfo.Kind.BOOLEAN && dialect != VerifyDialect.MYSQL) {
            adjusted = number.intValue() != 0;
        } else if (value instanceof LocalDateTime dateTime && kind == ColumnInfo.Kind.TIMESTAMP_TZ
                && dialect != VerifyDialect.MYSQL) {
            adjusted = dateTime.atOffset(ZoneOffset.UTC); // key texts of zoned columns are UTC
        } else if (value instanceof LocalDateTime dateTime && dialect == VerifyDialect.MYSQL) {
            adjusted = dateTime.toString().replace('T', ' '); // as text: never through the JVM's zone
        } else if (value instanceof LocalDate date && dialect == VerifyDialect.MYSQL) {
            adjusted = date.toString();
        }
        if (dialect == VerifyDialect.POSTGRESQL && adjusted instanceof String text && !column.pgText()) {
            // an enum label, an inet, an array's text…: a literal the server reads as the column's type
            statement.setObject(index, text, Types.OTHER);
            return;
        }
        statement.setObject(index, adjusted);
    }
}
