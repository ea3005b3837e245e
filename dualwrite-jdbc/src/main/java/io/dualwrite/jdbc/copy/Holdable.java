package io.dualwrite.jdbc.copy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;

/**
 * Whether a target column holds a value exactly, asked of every value the copier writes, before it is bound. The
 * products differ in what they do with a value they cannot hold: some refuse it without naming the column
 * (PostgreSQL's "integer out of range", H2's "Cannot parse TIME constant"), others store another value without
 * a word: PostgreSQL and MariaDB cut a {@code varchar(n)}'s excess trailing spaces, all three round a decimal to
 * the column's scale and a time's fraction to the column's digits, and H2's {@code NUMERIC} without a scale keeps
 * whole numbers only. Either way the copy is refused here, naming the column, the value and what the column holds
 * ({@link UnholdableValueException}).
 */
final class Holdable {

    private Holdable() {
    }

    /** The longest text of a value that a refusal quotes. */
    private static final int QUOTED_CHARACTERS = 100;

    /**
     * Refuses {@code value} when {@code column} of a {@code target} store cannot hold it as it is.
     *
     * @throws UnholdableValueException naming the column, the value and what the column holds
     */
    static void require(@Nullable Object value, TableColumns.Column column, CopyDialect target)
            throws UnholdableValueException {
        require(value, value, column, target);
    }

    /**
     * Refuses {@code value}, what the copier writes for the source's {@code original} ({@code
     * Values.writtenValue}: a text as the date-time or number it writes), when {@code column} cannot hold it as it
     * is; the refusal quotes {@code original}.
     *
     * @throws UnholdableValueException naming the column, the value and what the column holds
     */
    static void require(@Nullable Object value, @Nullable Object original, TableColumns.Column column,
                        CopyDialect target) throws UnholdableValueException {
        if (value == null) {
            if (column.nullReplacedBy() != null) {
                // the database stores a value of its own instead (MariaDB's current time in a TIMESTAMP NOT NULL,
                // the next AUTO_INCREMENT number, H2's DEFAULT ON NULL): the sync reported success with a value the
                // source never held, and a repair wrote the NULL into the same column again
                throw UnholdableValueException.of(column.name(), "NULL", column.typeName() + " column stores "
                        + column.nullReplacedBy() + " in place of a NULL written into it (let the column take NULL, or"
                        + " give the mapping a transformer that says what a NULL becomes)");
            }
            return;
        }
        String converted = original instanceof String text && !text.equals(text.strip()) ? convertedKind(column) : null;
        if (converted != null) {
            // the column keeps the value the text names, not its spaces: ' 12 ' would land as 12, which reads back
            // (and is mirrored back after the flip) as '12', another text, with nothing said
            throw UnholdableValueException.of(column.name(), quoted(original), column.typeName() + " column holds "
                    + converted + ", and this text has spaces around it, which the column would not keep (a text is"
                    + " copied into it only in a form it reads back as)");
        }
        Object held = value instanceof java.time.ZonedDateTime zoned ? zoned.toOffsetDateTime()
                : value instanceof java.time.Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC) : value;
        String allowed = refusal(held, column, target);
        if (allowed != null) {
            throw UnholdableValueException.of(column.name(), quoted(original == null ? value : original),
                    column.typeName() + " column " + allowed);
        }
    }

    /** A value's text as a refusal quotes it: at most {@value #QUOTED_CHARACTERS} characters and the length. */
    static String quoted(Object value) {
        String text = value instanceof byte[] bytes ? java.util.HexFormat.of().formatHex(bytes)
                : value instanceof LocalDateTime local ? local.toString().replace('T', ' ')
                : value instanceof Object[] elements ? java.util.Arrays.deepToString(elements)
                : String.valueOf(value).replace("\u0000", "\\u0000"); // a NUL shown, not sent to a log or a terminal
        return text.length() <= QUOTED_CHARACTERS ? text
                : text.substring(0, QUOTED_CHARACTERS) + "… (" + text.length() + " characters)";
    }

    /** What the column holds, when it cannot hold {@code value}; null when it can. */
    private static @Nullable String refusal(Object value, TableColumns.Column column, CopyDialect target) {
        int type = column.sqlType();
        MySqlColumn catalog = column.declared();
        if (target == CopyDialect.MYSQL && catalog != null) {
            String declared = catalog.refusal(value);
            if (declared != null) {
                return declared;
            }
        }
        if (column.element() != null && (value instanceof Values.PgArray || value instanceof Object[])) {
            return elements(value, column.element(), target);
        }
        if (target == CopyDialect.H2 && type == Types.ARRAY && column.precision() > 0
                && (value instanceof Values.PgArray || value instanceof Object[])) {
            // an H2 ARRAY[n] holds at most n elements, and refused a longer array with the row, unnamed
            int length = cardinality(value);
            return length > column.precision() ? "holds arrays of at most " + column.precision() + " elements, and this"
                    + " one has " + length : null;
        }
        if (value instanceof Object[] && type != Types.ARRAY && type != Types.OTHER && type != Types.JAVA_OBJECT) {
            // an H2 array into a text column: H2 wrote its own spelling ([1, 2, 3]), PostgreSQL refused the whole
            // batch unnamed; an array has no one spelling in text (a PostgreSQL array's is the server's own)
            return "holds no array: an array has no one spelling there (a transformer says what it becomes)";
        }
        if (value instanceof byte[] && Values.isText(type)) {
            // bytes into a text column: H2 and MariaDB decoded them as text (00 ff became a NUL and U+FFFD, UTF-8
            // bytes stored again as Latin-1 characters), PostgreSQL wrote \x616263; verification, comparing the
            // bytes' hex digits, reported every row, and repair copied the same way again
            return "holds text, which bytes are not (a transformer says what they become: their UTF-8 text, their"
                    + " hex digits)";
        }
        if (value instanceof byte[] bytes) {
            return binary(bytes, column, target);
        }
        if (column.bool() && value instanceof Number number) {
            // a number other than 0 and 1 (a MySQL TINYINT(1) holding 2) would be stored as true: another value
            boolean held = number instanceof Double || number instanceof Float
                    ? number.doubleValue() == 0 || number.doubleValue() == 1
                    : new BigDecimal(number.toString()).compareTo(BigDecimal.ZERO) == 0
                    || new BigDecimal(number.toString()).compareTo(BigDecimal.ONE) == 0;
            return held ? null : "holds true and false only, and of numbers only 0 and 1";
        }
        String written = ColumnText.of(value, target == CopyDialect.MYSQL);
        if (written != null && (type == Types.VARCHAR || type == Types.NVARCHAR || type == Types.CHAR
                || type == Types.NCHAR)) {
            // a number or a boolean into a text column is stored as its text, which the column may not hold: the
            // products refused the whole batch ("value too long"), naming no row
            return text(written, column, target);
        }
        if (target == CopyDialect.POSTGRESQL && column.typeNamed("money")) {
            // PostgreSQL rounds an amount to its money's decimals (its lc_monetary's): 12.345 was stored as 12.35,
            // with the sync reporting success
            String amount = value instanceof Number number ? number.toString()
                    : value instanceof String text ? text.strip() : null;
            if (amount != null && Values.DECIMAL_NUMBER.matcher(amount).matches() && decimals(amount) > column.scale()) {
                return "holds amounts of " + column.scale() + " decimals (its locale's), and would round this one";
            }
        }
        if (value instanceof Double || value instanceof Float) {
            return floating((Number) value, column, target);
        }
        if (value instanceof String text) {
            return text(text, column, target);
        }
        if (floatingColumn(type) && !column.typeNamed("money") && value instanceof Number number) {
            // (PostgreSQL's money reports itself as a DOUBLE, but holds its amount exactly, bound as its text)
            return exactlyFloating(number, type);
        }
        if (column.integer() && !column.bool() && !column.bitNumber() && value instanceof Number number) {
            return integer(number, column);
        }
        if ((type == Types.DECIMAL || type == Types.NUMERIC) && value instanceof Number number
                && !column.typeNamed("decfloat")) {
            return decimal(number instanceof BigDecimal big ? big : new BigDecimal(number.toString()), column);
        }
        if (value instanceof LocalTime time && type == Types.TIME) {
            return fraction(time.getNano(), column);
        }
        if (value instanceof LocalDateTime local) {
            return dateTime(local, column, target);
        }
        if (value instanceof OffsetDateTime instant) {
            return dateTime(instant.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime(), column, target);
        }
        if (value instanceof LocalDate date && (type == Types.DATE || type == Types.TIMESTAMP)) {
            return year(date.getYear(), column, target);
        }
        return null;
    }

    /**
     * An array into a PostgreSQL array column: each element as a value of the element type the column declares
     * ({@code numeric(10,2)}, {@code varchar(3)}, {@code timestamp(3)}…), which PostgreSQL rounded to its digits
     * without a word or refused with the whole row, naming neither. The first element it cannot hold is named.
     */
    private static @Nullable String elements(Object array, TableColumns.Column element, CopyDialect target) {
        Object[] nested;
        try {
            nested = array instanceof Values.PgArray text ? text.elementsInAnyBounds() : (Object[]) array;
        } catch (java.sql.SQLException unreadable) {
            return null; // the target reads the text as it is, or refuses it
        }
        java.util.ArrayDeque<Object[]> pending = new java.util.ArrayDeque<>();
        pending.push(nested);
        while (!pending.isEmpty()) {
            for (Object each : pending.pop()) {
                if (each instanceof Object[] inner) {
                    pending.push(inner);
                } else if (each != null) {
                    // an element of a char(n)[] arrives padded: the padding is no part of it (no trailing spaces
                    // of a text[] element are checked against a char(n)[] column)
                    Object value = each instanceof String text && padded(element) ? text.stripTrailing() : each;
                    String refusal = refusal(Values.writtenValue(value, element), element, target);
                    if (refusal != null) {
                        return "holds elements of " + element.typeName() + (element.precision() > 0
                                ? "(" + element.precision() + (element.sqlType() == Types.NUMERIC ? ", " + element.scale()
                                : "") + ")" : "") + ", and its element '" + quoted(each) + "' is none: that type "
                                + refusal;
                    }
                }
            }
        }
        return null;
    }

    /** The number of elements of an array's first dimension; 0 when its text cannot be read. */
    private static int cardinality(Object array) {
        try {
            return array instanceof Values.PgArray text ? text.elementsInAnyBounds().length : ((Object[]) array).length;
        } catch (java.sql.SQLException unreadable) {
            return 0;
        }
    }

    /**
     * A double or float: NaN and the infinities where the column has none, -0 where it has no negative zero (an H2
     * float). Into a decimal column it is checked as its shortest exact text ({@link Values#shortestDecimal}), the
     * number written there. Into a {@code REAL} a double is narrowed
     * as a floating-point column declares it may be (verification compares at that precision).
     */
    private static @Nullable String floating(Number value, TableColumns.Column column, CopyDialect target) {
        double number = value.doubleValue();
        int type = column.sqlType();
        boolean special = Double.isNaN(number) || Double.isInfinite(number);
        if (special && (target == CopyDialect.MYSQL || column.integer()
                || (type == Types.DECIMAL || type == Types.NUMERIC) && target != CopyDialect.POSTGRESQL)) {
            return "holds no NaN nor infinity" + (target == CopyDialect.MYSQL ? " (MySQL/MariaDB hold none)" : "");
        }
        if (special) {
            return null;
        }
        if (type == Types.REAL && number != 0 && ((float) number == 0 || Float.isInfinite((float) number))) {
            // a double beyond a REAL's range: PostgreSQL refused it ("underflow", "overflow") naming no row, H2 and
            // MariaDB stored 0 (or infinity) for it, which verification, comparing at the column's precision, took
            // for the same number; the nearest float of a precision is a rounding, a lost magnitude is not
            return "holds single-precision floating-point numbers, and this number is "
                    + ((float) number == 0 ? "too small for them (it would be stored as 0)" : "beyond their range");
        }
        if (number == 0 && Double.doubleToRawLongBits(number) != 0 && target == CopyDialect.H2
                && floatingColumn(type)) {
            // H2 stores every zero of a float as 0, and verification tells -0 and 0 apart: reported on every run
            return "holds no negative zero (H2 stores -0 as 0)";
        }
        if (number == 0 && Double.doubleToRawLongBits(number) != 0 && !column.bool() && !column.bitNumber()
                && (column.integer() || (type == Types.DECIMAL || type == Types.NUMERIC)
                && !column.typeNamed("decfloat"))) {
            // an integer or a decimal has one zero, without a sign: -0 was stored as 0, another double than the
            // source's (Double.compare tells them apart, and so do the products' texts, -0 and 0)
            return "holds no negative zero (an integer or a decimal stores -0 as 0)";
        }
        if (column.integer() && !column.bool() && !column.bitNumber()) {
            return integer(new BigDecimal(number), column);
        }
        if ((type == Types.DECIMAL || type == Types.NUMERIC) && !column.typeNamed("decfloat")) {
            return decimal(Values.shortestDecimal(value), column); // as it is written (Values.bind)
        }
        return null;
    }

    /** Whether a column holds binary floating-point numbers ({@code REAL}, {@code FLOAT}, {@code DOUBLE}). */
    private static boolean floatingColumn(int type) {
        return type == Types.REAL || type == Types.FLOAT || type == Types.DOUBLE;
    }

    /**
     * An integer or a decimal into a floating-point column: stored as the nearest float or double, another number
     * when it has more significant digits than that holds (9007199254740993 became 9007199254740992 in a {@code
     * double}, 16777217 became 16777216 in a {@code REAL}, without a word, and verification, which compares at the
     * column's precision, could not see it). Held when the float's or double's shortest text is the number itself.
     */
    private static @Nullable String exactlyFloating(Number number, int type) {
        BigDecimal exact = number instanceof BigDecimal big ? big : new BigDecimal(number.toString());
        boolean single = type == Types.REAL;
        double nearest = single ? exact.floatValue() : exact.doubleValue();
        String what = single ? "single-precision floating-point numbers (about 7 significant digits)"
                : "double-precision floating-point numbers (about 15 significant digits)";
        if (Double.isInfinite(nearest)) {
            return "holds " + what + ", and this number is beyond their range";
        }
        BigDecimal stored = shortest(nearest, single);
        return stored.compareTo(exact) == 0 ? null
                : "holds " + what + ", and would store this number as " + stored.toPlainString();
    }

    /**
     * The shortest decimal that reads back as {@code nearest} (as a float when {@code single}), the closest such one:
     * the number a product shows for what its column stores. Not {@code Float.toString}/{@code Double.toString}:
     * on Java 17 they are not always the shortest (3e10 as a float prints as 3.0000001E10; fixed in Java 19), and a
     * decimal the float shows as itself was refused.
     */
    static BigDecimal shortest(double nearest, boolean single) {
        BigDecimal binary = single ? new BigDecimal((float) nearest) : new BigDecimal(nearest);
        int most = single ? 9 : 17; // digits that always read back as the same float or double
        for (int digits = 1; digits < most; digits++) {
            BigDecimal candidate = binary.round(new java.math.MathContext(digits, java.math.RoundingMode.HALF_EVEN));
            if (readsBack(candidate, nearest, single)) {
                return candidate;
            }
            // the nearest decimal of these digits may fall just outside the numbers that read back as this one while
            // its neighbour on the other side is inside: at a power of two the numbers below reach half as far as
            // those above (2^89, 2^-24, a float's 2^87), where the product shows the neighbour (6.189700196426902e+26)
            BigDecimal other = binary.round(new java.math.MathContext(digits,
                    candidate.compareTo(binary) < 0 ? java.math.RoundingMode.CEILING : java.math.RoundingMode.FLOOR));
            if (readsBack(other, nearest, single)) {
                return other;
            }
        }
        return binary.round(new java.math.MathContext(most, java.math.RoundingMode.HALF_EVEN));
    }

    private static boolean readsBack(BigDecimal candidate, double nearest, boolean single) {
        return single ? candidate.floatValue() == (float) nearest : candidate.doubleValue() == nearest;
    }

    /** A whole number within the column's range. */
    private static @Nullable String integer(Number number, TableColumns.Column column) {
        if (number instanceof Long || number instanceof Integer || number instanceof Short || number instanceof Byte) {
            // most values of most integer columns: compared as longs, no text and no BigDecimal per value
            BigInteger[] range = INTEGER_RANGES.get(integerKind(column));
            long whole = number.longValue();
            boolean below = range != null && range[0].bitLength() < Long.SIZE && whole < range[0].longValue();
            boolean above = range != null && range[1].bitLength() < Long.SIZE && whole > range[1].longValue();
            return below || above ? "holds " + range[0] + " to " + range[1] : null;
        }
        BigDecimal decimal = number instanceof BigDecimal big ? big : new BigDecimal(number.toString());
        if (decimal.signum() != 0 && decimal.stripTrailingZeros().scale() > 0) {
            return "holds whole numbers only";
        }
        BigInteger[] range = INTEGER_RANGES.get(integerKind(column));
        if (range == null) {
            return null;
        }
        BigInteger whole = decimal.toBigInteger();
        if (whole.compareTo(range[0]) < 0 || whole.compareTo(range[1]) > 0) {
            return "holds " + range[0] + " to " + range[1];
        }
        return null;
    }

    /** {@link #integerKind} by type name: read once per type, not once per value. */
    private static final java.util.concurrent.ConcurrentMap<String, String> INTEGER_KINDS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The integer type's kind, as a key of {@link #INTEGER_RANGES}: "smallint", "int unsigned"… */
    private static String integerKind(TableColumns.Column column) {
        return INTEGER_KINDS.computeIfAbsent(column.lowerTypeName(), Holdable::integerKindOf);
    }

    private static String integerKindOf(String name) {
        boolean unsigned = name.contains("unsigned");
        String base = name.replace(" unsigned", "").replace(" signed", "").replace(" zerofill", "").strip();
        base = switch (base) {
            case "int1" -> "tinyint";
            case "int2" -> "smallint";
            case "int", "int4", "integer", "serial", "serial4" -> "int";
            case "int8", "bigserial", "serial8" -> "bigint";
            case "int3" -> "mediumint";
            default -> base;
        };
        return unsigned ? base + " unsigned" : base;
    }

    private static final java.util.Map<String, BigInteger[]> INTEGER_RANGES = java.util.Map.of(
            "tinyint", range(-128, 127), "tinyint unsigned", range(0, 255),
            "smallint", range(Short.MIN_VALUE, Short.MAX_VALUE), "smallint unsigned", range(0, 65_535),
            "mediumint", range(-8_388_608, 8_388_607), "mediumint unsigned", range(0, 16_777_215),
            "int", range(Integer.MIN_VALUE, Integer.MAX_VALUE), "int unsigned", range(0, 4_294_967_295L),
            "bigint", range(Long.MIN_VALUE, Long.MAX_VALUE),
            "bigint unsigned", new BigInteger[] {BigInteger.ZERO, BigInteger.TWO.pow(64).subtract(BigInteger.ONE)});

    private static BigInteger[] range(long min, long max) {
        return new BigInteger[] {BigInteger.valueOf(min), BigInteger.valueOf(max)};
    }

    /** A decimal within the column's declared digits (none declared: PostgreSQL's bare {@code numeric}). */
    private static @Nullable String decimal(BigDecimal number, TableColumns.Column column) {
        if (column.precision() <= 0 || number.signum() == 0) {
            return null;
        }
        BigDecimal stripped = number.stripTrailingZeros();
        int after = Math.max(0, stripped.scale());
        int before = Math.max(0, stripped.precision() - stripped.scale());
        int scale = column.scale();
        if (after > scale || before > column.precision() - scale) {
            return "holds at most " + (column.precision() - scale) + " digits before the point and " + scale
                    + " after it";
        }
        return null;
    }

    /** A time's or date-time's fraction of a second within the column's digits. */
    private static @Nullable String fraction(int nanos, TableColumns.Column column) {
        int digits = Math.min(9, column.scale());
        int unit = 1;
        for (int i = digits; i < 9; i++) {
            unit *= 10;
        }
        return nanos % unit == 0 ? null : "holds " + digits + " digits of a second's fraction";
    }

    private static @Nullable String dateTime(LocalDateTime local, TableColumns.Column column, CopyDialect target) {
        int type = column.sqlType();
        if (type == Types.DATE && !local.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return "holds dates without a time of day";
        }
        if (type == Types.TIME || type == Types.TIME_WITH_TIMEZONE) {
            // the target kept the time of day and dropped the date without a word: another value, which
            // verification reported on every run and repair, copying the same way, never fixed
            return "holds times of day without a date";
        }
        if (type != Types.TIMESTAMP && type != Types.TIMESTAMP_WITH_TIMEZONE && type != Types.DATE) {
            return null;
        }
        String year = year(local.getYear(), column, target);
        return year != null ? year : type == Types.DATE ? null : fraction(local.getNano(), column);
    }

    /** A year the product holds in such a column. */
    private static @Nullable String year(int year, TableColumns.Column column, CopyDialect target) {
        if (target == CopyDialect.H2) {
            // H2 holds every year a java.time value has. As the bounds Integer.MIN_VALUE and MAX_VALUE, which no int
            // passes, the check once refused 2026 for every row of a run of the suite (the reason quoted those
            // bounds), which plain Java cannot do: no comparison is made at all now
            return null;
        }
        boolean date = column.sqlType() == Types.DATE;
        // PostgreSQL: 4713 BC (year -4712) to 294276 (5874897 for a date); MySQL/MariaDB: 0000 to 9999
        int min = target == CopyDialect.POSTGRESQL ? -4712 : 0;
        int max = target == CopyDialect.POSTGRESQL ? (date ? 5_874_897 : 294_276) : 9_999;
        if (year < min || year > max) {
            return "holds the years " + (min == 0 ? "0000" : min + " (" + (1 - min) + " BC)") + " to " + max;
        }
        return null;
    }

    /**
     * Bytes: at most the column's length, and into a fixed-length {@code BINARY(n)} of MySQL/MariaDB or H2 exactly
     * that many (the server pads a shorter value with zero bytes, which makes it another value).
     */
    private static @Nullable String binary(byte[] bytes, TableColumns.Column column, CopyDialect target) {
        int type = column.sqlType();
        if (type != Types.BINARY && type != Types.VARBINARY && type != Types.LONGVARBINARY && type != Types.BLOB
                || column.typeNamed("bytea")) {
            return null;
        }
        int length = column.precision();
        if (length <= 0 || length >= Integer.MAX_VALUE / 2) {
            return null;
        }
        if (bytes.length > length) {
            return "holds at most " + length + " bytes, and this value has " + bytes.length;
        }
        MySqlColumn catalog = column.declared();
        // H2's BINARY(n) pads likewise (its BINARY VARYING does not)
        boolean fixed = target == CopyDialect.MYSQL ? catalog != null && catalog.type().startsWith("binary(")
                : target == CopyDialect.H2 && column.typeNamed("binary");
        if (fixed && bytes.length < length) {
            return "holds values of exactly " + length + " bytes (a shorter one is padded with zero bytes, another"
                    + " value), and this value has " + bytes.length;
        }
        return null;
    }

    /** A text: its length, and for a time or date column whether the product reads it as the same value. */
    private static @Nullable String text(String text, TableColumns.Column column, CopyDialect target) {
        int type = column.sqlType();
        if (target == CopyDialect.POSTGRESQL && text.indexOf('\u0000') >= 0) {
            return "holds no NUL character (U+0000): PostgreSQL stores none in a text";
        }
        if (target != CopyDialect.H2 && loneSurrogate(text) >= 0) {
            // half of a UTF-16 pair without its other half (an H2 text holds one): it names no character, so the
            // drivers send '?' in its place (PostgreSQL stored 'a?b' for it, the sync reported success) or the
            // server refuses the row without naming it
            return "holds characters only, and this text has half of a UTF-16 surrogate pair without its other half"
                    + " (U+" + Integer.toHexString(text.charAt(loneSurrogate(text))).toUpperCase(java.util.Locale.ROOT)
                    + ") at index " + loneSurrogate(text) + ", which no character set encodes";
        }
        if (target == CopyDialect.POSTGRESQL && column.typeNamed("jsonb") && escapesNul(text)) {
            return "holds no \\u0000 in a JSON string: PostgreSQL's jsonb stores none";
        }
        String twice = target == CopyDialect.POSTGRESQL && column.typeNamed("jsonb") ? JsonKeys.duplicate(text) : null;
        if (twice != null) {
            // jsonb keeps the last member of a name, MySQL and MariaDB answer the first, a json keeps both: the
            // document would answer the application another value on the new store
            return "keeps one member of each name, and this document names the member " + quoted(twice) + " twice"
                    + " (PostgreSQL's jsonb keeps the last, MySQL and MariaDB answer the first): leave one on the old"
                    + " store";
        }
        if (column.bool() && target != CopyDialect.MYSQL && !BOOLEAN_TEXTS.contains(text)) {
            // 'yes', 't', 'on' or 'TRUE' would land as true, which reads back as 'true': another text
            return "holds true and false only, and a text is copied into it only as true, false, 1 or 0 (this one"
                    + " would read back as another text)";
        }
        if (padded(column) && text.endsWith(" ")) {
            // a fixed-length column pads its values with spaces: a text's own trailing spaces were read back as
            // that padding (PostgreSQL, H2: 'ab ' as 'ab   ') or cut (MySQL/MariaDB: 'ab'), so 'ab' and 'ab ' became
            // one value, and the sync reported success (a CHAR source's padding is cut before: JdbcRowCopier)
            return "pads its values with spaces to its length and keeps no trailing spaces of a value's own (it"
                    + " would read this text back as its padding, or without them)";
        }
        if (type == Types.VARCHAR || type == Types.NVARCHAR || type == Types.CHAR || type == Types.NCHAR) {
            int length = column.precision();
            if (length <= 0 || length >= Integer.MAX_VALUE / 2) {
                return null;
            }
            boolean padded = type == Types.CHAR || type == Types.NCHAR;
            // a CHAR(n) pads to n, so its trailing spaces are no part of the value; a VARCHAR's are
            String held = padded ? text.stripTrailing() : text;
            // H2 counts a text's UTF-16 units (a character beyond the basic plane is two), the others its characters
            int characters = target == CopyDialect.H2 ? held.length() : held.codePointCount(0, held.length());
            return characters > length ? "holds at most " + length + (target == CopyDialect.H2
                    ? " UTF-16 units (H2 counts a character beyond the basic plane as two)" : " characters")
                    + ", and this text has " + characters : null;
        }
        String stripped = text.strip();
        String number = numberText(stripped, column, target);
        if (number != null) {
            return number;
        }
        if (type == Types.DATE || type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE) {
            Object read;
            try {
                read = DateTimeText.parse(stripped);
            } catch (java.time.DateTimeException noSuchDay) {
                // a date-time the copier reads (JdbcRowCopier binds the value it writes) but which names no day or
                // time: the products refuse it without naming the row, or, MySQL/MariaDB, keep a zero date
                if (!ZERO_DATE.matcher(stripped).matches()) {
                    return "holds dates and date-times, and this text names no such day or time ("
                            + noSuchDay.getMessage() + ")";
                }
                read = stripped;
            }
            if (read == null && !DIGITS_DATE.matcher(stripped).matches() && !INFINITY.matcher(stripped).matches()) {
                // a text the copier does not read is left to the target's own parse, which reads words and orders of
                // its own: PostgreSQL's 'now', 'today' and 'tomorrow' (the moment of the copy: each sync and repair
                // writes another value), 'epoch', '1/2/2024' (by the session's DateStyle), '2024-1-1', 'Jan 1 2024';
                // each landed as a value that reads back as another text, with the sync reporting success
                return "holds dates and date-times, and a text is copied into it only as an ISO date or date-time"
                        + " (yyyy-MM-dd, then HH:mm:ss and an offset), which reads back as the same value; the target"
                        + " would read this one in a way of its own (a word such as now or today names the moment of"
                        + " the copy)";
            }
        }
        if ((type == Types.TIME || type == Types.TIME_WITH_TIMEZONE) && target != CopyDialect.MYSQL
                && worded(stripped)) {
            // PostgreSQL reads 'now' (the moment of the copy), 'allballs', '10:00 PM' and zone names in a time: each
            // landed as another text, with the sync reporting success
            return "holds times of day, and a text is copied into it only as HH:mm:ss (and an offset), which reads"
                    + " back as the same value; the target would read this one in a way of its own (a word such as now"
                    + " names the moment of the copy)";
        }
        if (column.typeNamed("uuid")) {
            try {
                Uuids.parse(stripped);
            } catch (IllegalArgumentException notAUuid) {
                return "holds UUIDs, and this text is none";
            }
        }
        if (target == CopyDialect.MYSQL) {
            return null; // the store texts below are MySQL's own, or refused by Values.bind
        }
        if (type == Types.TIME && !column.typeNamed("timetz")) {
            if (END_OF_DAY.matcher(stripped).matches()) {
                return target == CopyDialect.POSTGRESQL ? null : "holds 00:00:00 to 23:59:59.999999999, not 24:00:00";
            }
            if (Values.DURATION.matcher(stripped).matches() && !parsesAsTime(stripped)) {
                return target == CopyDialect.POSTGRESQL ? "holds times of day, 00:00:00 to 24:00:00"
                        : "holds times of day, 00:00:00 to 23:59:59.999999999";
            }
        }
        if (type == Types.DATE || type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE) {
            if (ZERO_DATE.matcher(stripped).matches()) {
                return "holds no zero year, month or day (MySQL/MariaDB's zero dates)";
            }
            if (target != CopyDialect.POSTGRESQL && stripped.endsWith("infinity")) {
                return "holds no infinity (PostgreSQL's)";
            }
        }
        return null;
    }

    /**
     * A text for a number column: the target reads the number it writes, and rounds it to the column's scale (all
     * three products; MySQL/MariaDB with a note that a strict session lets pass) or refuses it without naming the
     * row (a fraction or an exponent for a PostgreSQL or H2 integer, a text that is no number, digits beyond the
     * precision). So the text is checked as that number, and one the products read in their own ways (an exponent or
     * a point for an integer, hexadecimal, digit separators, a non-ASCII digit) is refused. Null when the column
     * holds no number or holds this one; NaN and the infinities as before (PostgreSQL's numeric holds them, MySQL's
     * are refused where bound).
     */
    private static @Nullable String numberText(String stripped, TableColumns.Column column, CopyDialect target) {
        int type = column.sqlType();
        boolean year = target == CopyDialect.MYSQL && column.typeNamed("year");
        boolean integer = column.integer() && !column.bool() && !column.bitNumber();
        boolean decimal = (type == Types.DECIMAL || type == Types.NUMERIC) && !column.typeNamed("decfloat")
                && !column.typeNamed("money");
        if (!integer && !decimal && !year) {
            return null;
        }
        if (SPECIAL_NUMBER.matcher(stripped).matches()) {
            // PostgreSQL's numeric holds them; MySQL's own spellings are refused where they are bound (Values.bind)
            return target == CopyDialect.POSTGRESQL && decimal
                    || target == CopyDialect.MYSQL && Values.specialNumber(stripped) ? null
                    : "holds no NaN nor infinity";
        }
        Object number = Values.writtenValue(stripped, column); // the number the copier binds for it, if any
        if (!(number instanceof BigDecimal decimalNumber)) {
            return integer || year ? "holds whole numbers, read from a text of digits alone, and this text is none"
                    : "holds numbers, read from a text of digits, a point and an exponent, and this text is none";
        }
        MySqlColumn catalog = column.declared();
        String declared = target == CopyDialect.MYSQL && catalog != null ? catalog.refusal(decimalNumber) : null;
        if (declared != null || year) {
            return declared;
        }
        return integer ? integer(decimalNumber, column) : decimal(decimalNumber, column);
    }

    /** NaN and the infinities, as the products spell them. */
    private static final java.util.regex.Pattern SPECIAL_NUMBER =
            java.util.regex.Pattern.compile("(?i)[+-]?(nan|inf|infinity)");

    /**
     * The texts the copier writes into a boolean column: those it writes for a boolean into a text column ({@link
     * ColumnText}: {@code true} and {@code false}, {@code 1} and {@code 0} on MySQL/MariaDB), so that the value reads
     * back as the text it came from.
     */
    private static final java.util.Set<String> BOOLEAN_TEXTS = java.util.Set.of("1", "true", "0", "false");

    /**
     * What a column that reads a text as a value of another type holds (numbers, true and false, dates and times,
     * UUIDs), for the refusal of a text it would keep in another form; {@code null} for a column that keeps a text
     * as it is (text, JSON, and any type not named here).
     */
    static @Nullable String convertedKind(TableColumns.Column column) {
        int type = column.sqlType();
        if (column.bool()) {
            return "true and false";
        }
        if (column.integer() || column.bitNumber() || column.typeNamed("year") || type == Types.DECIMAL
                || type == Types.NUMERIC || type == Types.REAL || type == Types.FLOAT || type == Types.DOUBLE) {
            return "numbers";
        }
        return switch (type) {
            case Types.DATE, Types.TIME, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE ->
                    "dates and times";
            default -> column.typeNamed("uuid") ? "UUIDs" : null;
        };
    }

    /** Whether a JSON text holds the escape of U+0000 in a string ({@code \\u0000}, not an escaped backslash before it). */
    private static boolean escapesNul(String json) {
        for (int i = json.indexOf('\\'); i >= 0 && i < json.length() - 1; i = json.indexOf('\\', i)) {
            if (json.startsWith("u0000", i + 1)) {
                return true;
            }
            i += 2; // the escaped character, a backslash too
        }
        return false;
    }

    /**
     * Whether a column holds fixed-length text padded with spaces to its length: a {@code CHAR(n)} or {@code
     * NCHAR(n)} (not MySQL/MariaDB's {@code ENUM} and {@code SET}, which the drivers report as {@code CHAR}).
     */
    static boolean padded(TableColumns.Column column) {
        int type = column.sqlType();
        if (type != Types.CHAR && type != Types.NCHAR && !column.typeNamed("bpchar") && !column.typeNamed("character")
                && !column.typeNamed("char")) {
            return false;
        }
        MySqlColumn declared = column.declared();
        return declared == null || !declared.type().startsWith("enum(") && !declared.type().startsWith("set(");
    }

    /** The index of the first half of a UTF-16 surrogate pair that lacks its other half; -1 when there is none. */
    static int loneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean parsesAsTime(String text) {
        try {
            LocalTime.parse(text);
            return true;
        } catch (java.time.format.DateTimeParseException beyondADay) {
            return false;
        }
    }

    /** The end of the day as a time of day's text. */
    private static final java.util.regex.Pattern END_OF_DAY = java.util.regex.Pattern.compile("24:00(:00(\\.0+)?)?");

    /**
     * A date or date-time of digits in ISO order that {@link DateTimeText#parse} leaves to the target: a year of more
     * than four digits or a sign, a fraction of more than nine digits, PostgreSQL's era mark {@code BC}. No words.
     */
    private static final java.util.regex.Pattern DIGITS_DATE = java.util.regex.Pattern.compile(
            "[+-]?[0-9]{4,}-[0-9]{2}-[0-9]{2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\\.[0-9]+)?)?"
                    + "(?: ?(?:Z|z|[+-][0-9]{2}(?::?[0-9]{2}){0,2}))?)?(?: BC)?");

    /**
     * PostgreSQL's infinities, which its date and date-time columns read back as themselves (and which the other
     * products' columns refuse, below or where they are bound).
     */
    private static final java.util.regex.Pattern INFINITY = java.util.regex.Pattern.compile("(?i)[+-]?infinity");

    /** The decimals of a number's text once its trailing zeros are cut; {@code Integer.MAX_VALUE} past an int's exponent. */
    private static int decimals(String number) {
        try {
            return new BigDecimal(number).stripTrailingZeros().scale();
        } catch (NumberFormatException exponentBeyondAnInt) {
            return Integer.MAX_VALUE;
        }
    }

    /** Whether a time's text holds a letter other than the {@code Z} of an offset: a word the target reads its own way. */
    private static boolean worded(String time) {
        String text = time.length() > 1 && (time.endsWith("Z") || time.endsWith("z"))
                && Character.isDigit(time.charAt(time.length() - 2)) ? time.substring(0, time.length() - 1) : time;
        return text.codePoints().anyMatch(Character::isLetter);
    }

    /** A MySQL/MariaDB date or date-time with a zero year, month or day: {@code 0000-00-00}, {@code 2024-02-00}. */
    private static final java.util.regex.Pattern ZERO_DATE =
            java.util.regex.Pattern.compile("(\\d{4}-00-\\d{2}|\\d{4}-\\d{2}-00)([ T].*)?");
}
