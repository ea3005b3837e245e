package io.dualwrite.jdbc.verify;

import java.sql.Types;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One column as its database reports it, and the kind of value it holds for the canonical rendering.
 *
 * @param name      the name as the database spells it
 * @param sqlType   the {@link Types} code
 * @param typeName  the database's type name
 * @param precision the precision (length for text, digits for decimals, 1 for a single bit)
 * @param scale     the scale (digits after the point; for date-times, of the seconds)
 * @param collation the collation, where it matters and is known (MySQL/MariaDB and PostgreSQL text)
 */
record ColumnInfo(String name, int sqlType, String typeName, int precision, int scale, @Nullable String collation) {

    /** What a column holds, as far as rendering it to canonical text goes. */
    enum Kind {
        STRING, INTEGER, DECIMAL, BOOLEAN, TIMESTAMP, TIMESTAMP_TZ, DATE, BINARY, UUID,
        /** A MySQL/MariaDB {@code TIME}: a duration from -838:59:59 to 838:59:59, not a time of day. */
        DURATION,
        /** A time of day without zone (PostgreSQL {@code time}, H2 {@code TIME}). */
        TIME,
        /**
         * A PostgreSQL key of a type with no rendering shared with other products ({@code inet}, {@code interval},
         * {@code citext}, arrays, ranges…), of the same type on both sides: its text output, in the type's own order.
         */
        NATIVE,
        OTHER
    }

    ColumnInfo withCollation(@Nullable String other) {
        return new ColumnInfo(name, sqlType, typeName, precision, scale, other);
    }

    /**
     * This MySQL/MariaDB number marked {@link #zerofill} in its type name, where the driver's name leaves the
     * attribute out (the catalog's {@code COLUMN_TYPE} has it).
     */
    ColumnInfo asZerofill() {
        return zerofill() ? this : new ColumnInfo(name, sqlType, typeName + " ZEROFILL", precision, scale, collation);
    }

    /**
     * Whether this is a MySQL/MariaDB {@code ZEROFILL} number, whose text is padded with zeros to its display width
     * ({@code 000012}, {@code 00003.50}): its value is rendered from an expression without the padding.
     */
    boolean zerofill() {
        return type().contains("zerofill");
    }

    String type() {
        return typeName.toLowerCase(Locale.ROOT);
    }

    /** Whether a text column pads with spaces ({@code CHAR}): its trailing spaces do not count. */
    boolean padded() {
        String type = type();
        return sqlType == Types.CHAR || sqlType == Types.NCHAR || type.equals("bpchar") || type.equals("character")
                || type.equals("char");
    }

    /**
     * Whether this MySQL/MariaDB column holds a number its drivers give in another form: a {@code BIT(n)} of more
     * than one bit as bytes, a {@code YEAR} as a date. {@code column + 0} is the number, in SQL and to read.
     */
    boolean numbered(VerifyDialect dialect) {
        String type = type();
        return dialect == VerifyDialect.MYSQL && (type.equals("year") || type.equals("bit") && precision > 1);
    }

    /**
     * Whether this column holds a binary floating-point number ({@code REAL}, {@code FLOAT}, {@code DOUBLE}); not a
     * PostgreSQL {@code money}, which its driver reports as a double but which holds an exact amount.
     */
    boolean floating() {
        return (sqlType == Types.REAL || sqlType == Types.FLOAT || sqlType == Types.DOUBLE) && !money();
    }

    /**
     * Whether this is a PostgreSQL {@code money}: an exact amount that the driver reports and reads as a double
     * (15 digits, and failing on the group separators of its text, {@code 1,234.56}), so it is read as the
     * {@code numeric} it casts to. No other product has the type.
     */
    boolean money() {
        return type().equals("money");
    }

    /**
     * Whether this floating-point column holds single precision: a {@code REAL}/{@code float4}, a MySQL/MariaDB
     * {@code FLOAT} (read as the {@code DOUBLE} it widens to, which is the same number).
     */
    boolean singlePrecision() {
        return sqlType == Types.REAL || type().equals("float") && sqlType != Types.DOUBLE && sqlType != Types.FLOAT;
    }

    /** Whether this PostgreSQL column holds text (a string parameter compares with it as it is). */
    boolean pgText() {
        return switch (type()) {
            // not "char", PostgreSQL's one-byte internal type, which takes no collation
            case "text", "varchar", "bpchar", "name", "character varying", "character", "citext" -> true;
            default -> false;
        };
    }

    /**
     * How this column is selected to be read as a key: a {@link #numbered} column as its number, a MySQL/MariaDB
     * {@code FLOAT} as the {@code DOUBLE} it widens to (its text has six digits: 16777216 reads back as 16777200, a
     * key that names no row).
     */
    String keySelect(VerifyDialect dialect) {
        String quoted = dialect.quote(name);
        if (mysqlFloat(dialect)) {
            return "CAST(" + quoted + " AS DOUBLE) AS " + quoted;
        }
        if (money()) {
            return quoted + "::numeric AS " + quoted;
        }
        return numbered(dialect) ? "(" + quoted + " + 0) AS " + quoted
                : mysqlTemporal(dialect) ? "CAST(" + quoted + " AS CHAR) AS " + quoted : quoted;
    }

    /**
     * Whether this is a MySQL/MariaDB date or date-time ({@code YEAR} aside, which is {@link #numbered}; a time of
     * day has no date, so no gap, and its keys' text is the driver's, which the bounds already agree with),
     * selected as the server's text ({@code CAST(… AS CHAR)}) to be read in Java: read as the column itself, the
     * driver's text of a date-time in the JVM zone's daylight-saving gap was another hour ({@code 02:30} as
     * {@code 03:30} in Europe/Berlin), so such a key was bound and re-read as another key, and a difference in its
     * row was never reported.
     */
    boolean mysqlTemporal(VerifyDialect dialect) {
        return dialect == VerifyDialect.MYSQL && !numbered(dialect)
                && (sqlType == Types.TIMESTAMP || sqlType == Types.DATE);
    }

    /**
     * Whether this is a MySQL/MariaDB {@code FLOAT}: its text has six digits, so it is read as the {@code DOUBLE}
     * it widens to, which holds every digit.
     */
    boolean mysqlFloat(VerifyDialect dialect) {
        return dialect == VerifyDialect.MYSQL && (sqlType == Types.REAL || type().startsWith("float"));
    }

    /**
     * The column as it is read by {@link #keySelect}: a {@link #numbered} column as an unsigned integer, a MySQL
     * {@code FLOAT} as a {@code DOUBLE}, a PostgreSQL array as its text (the form a key part takes).
     */
    ColumnInfo asKeyRead(VerifyDialect dialect) {
        if (numbered(dialect)) {
            return new ColumnInfo(name, Types.BIGINT, "bigint unsigned", 20, 0, null);
        }
        if (mysqlFloat(dialect)) {
            return new ColumnInfo(name, Types.DOUBLE, "double", 22, 0, null);
        }
        if (money()) {
            return new ColumnInfo(name, Types.NUMERIC, "numeric", precision, scale, null);
        }
        return dialect == VerifyDialect.POSTGRESQL && sqlType == Types.ARRAY
                ? new ColumnInfo(name, Types.OTHER, typeName, precision, scale, collation) : this;
    }

    /** The column in an expression of its value: a {@link #numbered} column as its number, a {@link #money} as numeric. */
    String value(VerifyDialect dialect) {
        String quoted = dialect.quote(name);
        if (money()) {
            return "(" + quoted + "::numeric)";
        }
        return numbered(dialect) ? "(" + quoted + " + 0)" : quoted;
    }

    /**
     * The expression a column's canonical text is rendered from: its {@link #value}, a {@link #zerofill} number
     * without its padding. Only for rendering: ranges and order keep the column itself (and its index), whose
     * comparisons the padding does not touch.
     */
    String rendered(VerifyDialect dialect) {
        if (dialect != VerifyDialect.MYSQL || !zerofill() || floating()) {
            return value(dialect);
        }
        String quoted = dialect.quote(name);
        if (sqlType == Types.DECIMAL || sqlType == Types.NUMERIC) {
            // a cast to the column's own type: exact, and without the padding (+ 0 could widen past 65 digits)
            return "CAST(" + quoted + " AS DECIMAL(" + Math.min(65, Math.max(precision, scale)) + ", " + scale + "))";
        }
        return "(" + quoted + " + 0)";
    }

    Kind kind(VerifyDialect dialect) {
        String type = type();
        if (type.equals("uuid")) {
            return Kind.UUID;
        }
        if (numbered(dialect)) {
            return Kind.INTEGER;
        }
        if (money()) {
            return Kind.DECIMAL; // rendered and read as the numeric it casts to (value, keySelect)
        }
        if (sqlType == Types.TIME && dialect == VerifyDialect.MYSQL) {
            return Kind.DURATION;
        }
        if (sqlType == Types.TIME && type.equals("time")) {
            return Kind.TIME; // not PostgreSQL's timetz, also reported as TIME
        }
        if (type.contains("json") || type.equals("year") || type.equals("interval") || type.equals("xml")
                || type.equals("varbit") || type.equals("inet") || type.startsWith("geometry")) {
            return Kind.OTHER;
        }
        if (dialect == VerifyDialect.MYSQL && type.equals("boolean")) {
            // MariaDB's BOOLEAN is TINYINT(1), as its driver names it: it holds 2 as well as 1
            return Kind.INTEGER;
        }
        if (type.equals("bool") || type.equals("boolean")) {
            return Kind.BOOLEAN;
        }
        if (type.equals("timestamptz") || type.startsWith("timestamp") && type.contains("with time zone")) {
            return Kind.TIMESTAMP_TZ;
        }
        if (type.equals("timetz") || type.startsWith("time with time zone")) {
            return Kind.OTHER; // a time of day with an offset: no instant, and rendered alike by no two products
        }
        if (type.equals("bytea")) {
            return Kind.BINARY;
        }
        return switch (sqlType) {
            case Types.BOOLEAN -> Kind.BOOLEAN;
            // MySQL/MariaDB BIT(1) and TINYINT(1); PostgreSQL bit strings are "bit"
            // (TINYINT(1) holds any small number, 2 as well as 1: it is an integer, compared with a boolean only
            // where the other side is one)
            case Types.BIT -> dialect == VerifyDialect.MYSQL && type.contains("int") ? Kind.INTEGER
                    : dialect == VerifyDialect.MYSQL && precision <= 1 ? Kind.BOOLEAN : Kind.OTHER;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.DECIMAL, Types.NUMERIC -> Kind.DECIMAL;
            case Types.CHAR, Types.NCHAR, Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR,
                 Types.CLOB, Types.NCLOB -> Kind.STRING;
            // a MySQL/MariaDB TIMESTAMP is stored in UTC and shown in the session's zone
            case Types.TIMESTAMP -> dialect == VerifyDialect.MYSQL && type.equals("timestamp") ? Kind.TIMESTAMP_TZ
                    : Kind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.TIMESTAMP_TZ;
            case Types.DATE -> Kind.DATE;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Kind.BINARY;
            default -> Kind.OTHER;
        };
    }
}
