package io.dualwrite.jdbc.verify;

import io.dualwrite.mapping.TableMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which columns of a table are compared and how: every old column the mapping keeps, paired with its new
 * column; each pair either rendered in SQL (both stores render the same text for equal values) or compared in
 * Java (with the reason). Key columns come first, in key order; the rest in the old table's order.
 */
final class TablePlan {

    /**
     * One compared column: its names and types on both sides, and how it is compared.
     *
     * @param kind        how both sides are rendered; for a column compared in Java, the new column's own kind,
     *                    which the old value is converted to before it is compared
     * @param jsonByValue whether the column is compared by its JSON value rather than its text: where either side
     *                    keeps no text of the document (a PostgreSQL {@code jsonb}; an H2 {@code JSON}, which drops
     *                    spacing), so that equal documents written with other key orders, spacing, escapes or
     *                    number spellings read alike from no text column
     * @param added       whether the mapping adds this column ({@code TableMapping.Builder.add}): the old table has
     *                    none, and each new row is compared with the value the mapping gives every copied row
     *                    ({@code oldInfo} is the new column's)
     */
    record Pair(String oldName, String newName, ColumnInfo oldInfo, ColumnInfo newInfo, ColumnInfo.Kind kind,
                boolean padded, @Nullable String javaReason, boolean key, boolean jsonByValue, boolean added) {

        Pair(String oldName, String newName, ColumnInfo oldInfo, ColumnInfo newInfo, ColumnInfo.Kind kind,
             boolean padded, @Nullable String javaReason, boolean key, boolean jsonByValue) {
            this(oldName, newName, oldInfo, newInfo, kind, padded, javaReason, key, jsonByValue, false);
        }

        boolean inSql() {
            return javaReason == null;
        }

        ColumnInfo info(boolean old) {
            return old ? oldInfo : newInfo;
        }
    }

    private final TableMapping mapping;
    private final TableShape oldShape;
    private final TableShape newShape;
    private final List<Pair> keys;
    private final List<Pair> sqlColumns;
    private final List<Pair> javaColumns;
    private final VerifyDialect newDialect;

    private TablePlan(TableMapping mapping, TableShape oldShape, TableShape newShape, List<Pair> keys,
                      List<Pair> sqlColumns, List<Pair> javaColumns, VerifyDialect newDialect) {
        this.mapping = mapping;
        this.newDialect = newDialect;
        this.oldShape = oldShape;
        this.newShape = newShape;
        this.keys = keys;
        this.sqlColumns = sqlColumns;
        this.javaColumns = javaColumns;
    }

    /**
     * The plan of a table, or the problems that keep it from being verified (added to {@code problems}; then the
     * result is empty).
     */
    static Optional<TablePlan> of(TableMapping mapping, TableShape oldShape, VerifyDialect oldDialect,
                                  TableShape newShape, VerifyDialect newDialect, List<String> problems) {
        int before = problems.size();
        checkPrimaryKey("old", mapping.oldTable(), mapping.primaryKey(), oldShape, problems);
        checkPrimaryKey("new", mapping.newTable(), mapping.newPrimaryKey(), newShape, problems);
        for (String key : mapping.primaryKey()) {
            if (mapping.transforms(key)) {
                problems.add("table '" + mapping.oldTable() + "': primary-key column '" + key + "' has a value"
                        + " transformer; verification compares key ranges and needs key values that are the same in"
                        + " both stores");
            }
        }
        List<Pair> keys = new ArrayList<>();
        List<Pair> sqlColumns = new ArrayList<>();
        List<Pair> javaColumns = new ArrayList<>();
        Map<String, ColumnInfo> newColumns = newShape.byName();
        List<Pair> all = new ArrayList<>();
        for (ColumnInfo oldColumn : oldShape.columns()) {
            Optional<String> newName = mapping.newColumn(oldColumn.name());
            if (newName.isEmpty()) {
                continue; // dropped
            }
            ColumnInfo newColumn = newColumns.get(newName.get().toLowerCase(Locale.ROOT));
            if (newColumn == null) {
                String name = newName.get();
                if (problems.stream().noneMatch(problem -> problem.contains("'" + name + "'"))) { // else reported
                    problems.add("table '" + mapping.oldTable() + "': column '" + readable(oldColumn.name())
                            + "' maps to '" + newName.get() + "', which new table '" + mapping.newTable() + "' does not have");
                }
                continue;
            }
            boolean key = mapping.primaryKey().stream().anyMatch(oldColumn.name()::equalsIgnoreCase);
            all.add(pair(mapping, oldColumn, oldDialect, newColumn, newDialect, key));
        }
        for (String keyName : mapping.primaryKey()) {
            all.stream().filter(pair -> pair.oldName().equalsIgnoreCase(keyName)).findFirst().ifPresent(pair -> {
                if (!pair.inSql()) {
                    problems.add("table '" + mapping.oldTable() + "': primary-key column '" + keyName + "' ("
                            + pair.oldInfo().typeName() + " / " + pair.newInfo().typeName() + ") cannot be compared"
                            + " in SQL (" + pair.javaReason() + "); verification needs keys of integer, decimal, text,"
                            + " UUID, date, date-time, time or binary types, or one type of one product on both stores");
                }
                keys.add(pair);
            });
        }
        sqlColumns.addAll(keys);
        for (Pair pair : all) {
            if (pair.key()) {
                continue;
            }
            (pair.inSql() ? sqlColumns : javaColumns).add(pair);
        }
        for (Map.Entry<String, @Nullable Object> added : mapping.addedColumns().entrySet()) {
            ColumnInfo newColumn = newColumns.get(added.getKey().toLowerCase(Locale.ROOT));
            if (newColumn == null) {
                problems.add("table '" + mapping.oldTable() + "': the mapping adds column '" + added.getKey()
                        + "', which new table '" + mapping.newTable() + "' does not have");
                continue;
            }
            // the copier writes the mapping's value into every row it copies: a row holding another value (a
            // default the schema gives, a column a migration script filled) differs, as a careful user expects
            String name = readable(newColumn.name());
            javaColumns.add(new Pair(name, name, newColumn, newColumn, newColumn.kind(newDialect), newColumn.padded(),
                    "added by the mapping: each new row is compared, in Java, with the value the mapping gives it",
                    false, normalizedJson(newColumn, newDialect), true));
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new TablePlan(mapping, oldShape, newShape, List.copyOf(keys), List.copyOf(sqlColumns),
                List.copyOf(javaColumns), newDialect));
    }

    private static void checkPrimaryKey(String side, String table, List<String> mappingKey, TableShape shape,
                                        List<String> problems) {
        if (shape.primaryKey().isEmpty()) {
            problems.add(side + " table '" + table + "' has no primary key; verification compares rows by key and"
                    + " needs one (the mapping's key is " + mappingKey + ")");
            return;
        }
        Set<String> actual = lower(shape.primaryKey());
        if (!actual.equals(lower(mappingKey))) {
            problems.add(side + " table '" + table + "': the mapping's primary key " + mappingKey
                    + " is not the table's primary key " + shape.primaryKey()
                    + " (TableMapping.Builder.primaryKey)");
        }
    }

    private static Set<String> lower(List<String> names) {
        Set<String> set = new java.util.HashSet<>();
        names.forEach(name -> set.add(name.toLowerCase(Locale.ROOT)));
        return set;
    }

    private static Pair pair(TableMapping mapping, ColumnInfo oldColumn, VerifyDialect oldDialect, ColumnInfo newColumn,
                             VerifyDialect newDialect, boolean key) {
        ColumnInfo.Kind oldKind = oldColumn.kind(oldDialect);
        ColumnInfo.Kind newKind = newColumn.kind(newDialect);
        boolean padded = oldColumn.padded() || newColumn.padded();
        String oldName = readable(oldColumn.name());
        String newName = readable(newColumn.name());
        boolean jsonByValue = normalizedJson(oldColumn, oldDialect) || normalizedJson(newColumn, newDialect);
        if (mapping.transforms(oldColumn.name())) {
            // the kind of the new column, which the transformed value is read as (JavaValues.asValueOf)
            return new Pair(oldName, newName, oldColumn, newColumn, newKind, padded,
                    "a value transformer maps it, so the old value is transformed in Java", key, jsonByValue);
        }
        ColumnInfo.Kind kind = pairKind(oldKind, newKind);
        if (!key && (oldKind == ColumnInfo.Kind.DURATION || newKind == ColumnInfo.Kind.DURATION)
                && (oldColumn.type().equals("interval") || newColumn.type().equals("interval"))) {
            // a MySQL TIME into a PostgreSQL interval: both durations, rendered alike. Not as a key: a key bound
            // on the other store would have to be spelt for it (MySQL reads no interval's text as a TIME)
            kind = ColumnInfo.Kind.DURATION;
        }
        if (kind == ColumnInfo.Kind.OTHER && key && oldDialect == newDialect && oldColumn.type().equals(newColumn.type())
                && !UNORDERED.contains(oldColumn.type()) && !oldColumn.type().startsWith("geometry")
                && !NO_TEXT_ORDER.contains(oldColumn.type())
                && !(oldDialect == VerifyDialect.H2 && oldColumn.sqlType() == java.sql.Types.ARRAY)) {
            kind = ColumnInfo.Kind.NATIVE; // one product, one type: one order and one text on both sides
        }
        if (kind == ColumnInfo.Kind.OTHER && oldDialect == VerifyDialect.POSTGRESQL && newDialect == VerifyDialect.POSTGRESQL
                && oldColumn.sqlType() == java.sql.Types.ARRAY && newColumn.sqlType() == java.sql.Types.ARRAY
                && oldColumn.type().equals(newColumn.type())) {
            // a PostgreSQL array against one of its own type: by its text, which holds its bounds ('[0:1]={1,2}');
            // the driver's elements drop them, and '{1,2}' read alike
            kind = ColumnInfo.Kind.NATIVE;
        }
        String reason = null;
        if (kind == ColumnInfo.Kind.DECIMAL && h2Decfloat(oldColumn, oldDialect) != h2Decfloat(newColumn, newDialect)) {
            // H2 writes a DECFLOAT with an exponent (1E+2), every other decimal in plain digits (100): by value in
            // Java; as a key, whose texts must pair rows in SQL, refused (key 1E+2 read as missing, 100 as extra)
            reason = "an H2 DECFLOAT's text has an exponent where the other column's has plain digits";
        }
        if (kind == ColumnInfo.Kind.OTHER) {
            reason = oldKind == newKind || oldKind == ColumnInfo.Kind.OTHER
                    ? "type " + (oldKind == ColumnInfo.Kind.OTHER ? oldColumn.typeName() : newColumn.typeName())
                    + " has no text rendered alike in SQL on both stores"
                    : "types " + oldColumn.typeName() + " and " + newColumn.typeName()
                    + " have no text rendered alike in SQL on both stores";
        }
        // compared in Java, the old value is read as the new column's kind (JavaValues.asValueOf)
        return new Pair(oldName, newName, oldColumn, newColumn, reason == null ? kind : newKind, padded, reason, key,
                jsonByValue);
    }

    /**
     * Whether {@code old}'s side of {@code pair} is a column of instants that the copier fills from a value without
     * zone in the zone its pool's sessions start in ({@code copy.StartZone}): not a key (key texts of such columns
     * name UTC instants everywhere), not a column the mapping adds, the other side a date or a date-time without zone.
     * The new store's side only: the old store's column of instants is the copier's source in the direction every
     * phase but the last copies, and an instant copied into a value without zone keeps the UTC rule
     * ({@code ZonedSessionTest}); the copier's two directions disagree for such a pool (round 28b, "Left").
     */
    static boolean startZoned(Pair pair, boolean old, VerifyDialect dialect) {
        return !old && pair.inSql() && !pair.key() && !pair.added() && pair.kind() == ColumnInfo.Kind.TIMESTAMP
                && pair.info(old).kind(dialect) == ColumnInfo.Kind.TIMESTAMP_TZ;
    }

    /**
     * Whether {@code pair}, compared in Java, has a new column of instants that the copier fills in the zone the new
     * pool's sessions start in whenever the old value (or the transformer's) is one without zone: not a key, not a
     * column the mapping adds ({@link TableSide}'s Java text takes such a value in that zone, as the copier does).
     */
    static boolean javaStartZoned(Pair pair, VerifyDialect newDialect) {
        return !pair.inSql() && !pair.key() && !pair.added() && pair.kind() == ColumnInfo.Kind.TIMESTAMP_TZ
                && pair.info(false).kind(newDialect) == ColumnInfo.Kind.TIMESTAMP_TZ;
    }

    /** A JSON column that keeps the document's value, not its text: a PostgreSQL {@code jsonb}, an H2 {@code JSON}. */
    private static boolean normalizedJson(ColumnInfo column, VerifyDialect dialect) {
        return column.type().equals("jsonb") || dialect == VerifyDialect.H2 && column.type().equals("json");
    }

    private static boolean h2Decfloat(ColumnInfo column, VerifyDialect dialect) {
        return dialect == VerifyDialect.H2 && column.type().equals("decfloat");
    }

    /** A name as written unquoted: H2 reports unquoted names upper-case. */
    private static String readable(String name) {
        return name.equals(name.toUpperCase(Locale.ROOT)) ? name.toLowerCase(Locale.ROOT) : name;
    }

    /** PostgreSQL types without a default ordering or equality (no btree operator class): never a key here. */
    private static final Set<String> UNORDERED = Set.of("json", "xml", "point", "line", "lseg", "box", "path",
            "polygon", "circle", "linestring", "multipoint", "multilinestring", "multipolygon", "geometrycollection");

    /**
     * Types whose key, read as the server's text and bound back as a range bound, does not name the same place
     * in the type's order (a PostgreSQL {@code timetz} orders by its time in UTC, then by its offset): never a
     * key here. H2 arrays are refused as keys too: the driver gives no text that binds back as the array.
     */
    private static final Set<String> NO_TEXT_ORDER = Set.of("timetz");

    private static ColumnInfo.Kind pairKind(ColumnInfo.Kind a, ColumnInfo.Kind b) {
        if (a == ColumnInfo.Kind.OTHER || b == ColumnInfo.Kind.OTHER) {
            return ColumnInfo.Kind.OTHER;
        }
        if (a == b) {
            return a;
        }
        Set<ColumnInfo.Kind> both = Set.of(a, b);
        if (both.equals(Set.of(ColumnInfo.Kind.INTEGER, ColumnInfo.Kind.DECIMAL))) {
            return ColumnInfo.Kind.DECIMAL;
        }
        if (both.contains(ColumnInfo.Kind.BOOLEAN)
                && (both.contains(ColumnInfo.Kind.INTEGER) || both.contains(ColumnInfo.Kind.DECIMAL))) {
            return ColumnInfo.Kind.BOOLEAN;
        }
        if (both.equals(Set.of(ColumnInfo.Kind.TIMESTAMP, ColumnInfo.Kind.TIMESTAMP_TZ))
                || both.equals(Set.of(ColumnInfo.Kind.DATE, ColumnInfo.Kind.TIMESTAMP))
                || both.equals(Set.of(ColumnInfo.Kind.DATE, ColumnInfo.Kind.TIMESTAMP_TZ))) {
            return ColumnInfo.Kind.TIMESTAMP;
        }
        if (both.equals(Set.of(ColumnInfo.Kind.DURATION, ColumnInfo.Kind.TIME))) {
            return ColumnInfo.Kind.TIME; // alike while the duration is a time of day; else a difference
        }
        if (both.equals(Set.of(ColumnInfo.Kind.UUID, ColumnInfo.Kind.STRING))) {
            return ColumnInfo.Kind.UUID;
        }
        if (both.equals(Set.of(ColumnInfo.Kind.UUID, ColumnInfo.Kind.BINARY))) {
            return ColumnInfo.Kind.BINARY; // a MySQL BINARY(16) holding a UUID's bytes in order
        }
        return ColumnInfo.Kind.OTHER;
    }

    /**
     * The SQL that renders one compared column of one side to its canonical text; {@code utf8} when that side's
     * texts are UTF-8 bytes already ({@link VerifyDialect#hashesUtf8}), so a text cell's length needs no conversion.
     * {@code startZone}: the zone this side's pool starts its sessions in, null where it is UTC or unknown; it is used
     * only for a column of instants compared with a value without zone ({@link #startZoned}).
     */
    static String render(Pair pair, boolean old, VerifyDialect dialect, boolean utf8,
                         io.dualwrite.jdbc.copy.StartZone.@Nullable Zone startZone) {
        ColumnInfo info = pair.info(old);
        String column = info.rendered(dialect);
        ColumnInfo.Kind own = info.kind(dialect);
        String rendered = switch (pair.kind()) {
            case STRING -> {
                String text = dialect.text(column, info);
                yield dialect.escape(pair.padded() ? "RTRIM(" + text + ")" : text, utf8);
            }
            // against a text, a UUID as its 32 digits: the text's braces, hyphens and case are spellings of one
            // UUID (the copier reads each of them as that UUID)
            // (every form a cell, as the text's is: the two sides' cells meet in one row text)
            case UUID -> dialect.escape(own != ColumnInfo.Kind.UUID ? dialect.uuidDigits(dialect.text(column, info))
                    : pair.info(!old).type().equals("uuid") ? dialect.uuid(column)
                    : dialect.uuidDigits(dialect.uuid(column)), utf8);
            case INTEGER -> dialect.integer(column);
            case DECIMAL -> own == ColumnInfo.Kind.INTEGER ? dialect.integer(column) : dialect.decimal(column);
            case BOOLEAN -> dialect.trueFalse(column, own != ColumnInfo.Kind.BOOLEAN);
            case TIMESTAMP, TIMESTAMP_TZ -> {
                // every digit of the second this side keeps (H2 keeps nine), never rounded: the copier refuses a
                // fraction the target cannot hold, so one rounded to the target's digits is another value
                boolean nanos = pair.info(old).scale() > 6;
                boolean zoned = own == ColumnInfo.Kind.TIMESTAMP_TZ;
                if (zoned && startZone != null && startZone.zone() != null && !startZone.utc()
                        && startZoned(pair, old, dialect)) {
                    // round 28b: the copier takes a value without zone into this column in the zone the pool's
                    // sessions start in (copy.StartZone), as the application's own write does; compared in UTC, a
                    // correct copy differed for ever and a repair rewrote the same value. The instant is read as
                    // its local time in that zone (one reading per instant; a local time in a gap or overlap has
                    // none or two, so the local side is not converted instead)
                    String zone = startZone.zone() instanceof java.time.ZoneOffset offset ? offset.getId()
                            : dialect == VerifyDialect.H2 ? startZone.zone().getId() : startZone.name();
                    String quoted = "'" + zone.replace("'", "''") + "'";
                    yield switch (dialect) {
                        // FORMATDATETIME formats an instant in the zone it is given
                        case H2 -> dialect.timestamp(column, nanos).replace("'en', 'UTC')", "'en', " + quoted + ")");
                        // the verifier's session is in UTC; MariaDB reads back the zone name its session took
                        case MYSQL -> dialect.timestamp("CONVERT_TZ(" + column + ", '+00:00', "
                                + (startZone.zone() instanceof java.time.ZoneOffset ? quoted
                                : "'" + startZone.name().replace("'", "''") + "'") + ")", nanos);
                        // an interval is an offset east of UTC; a text offset would be POSIX, west
                        case POSTGRESQL -> dialect.timestamp("(" + column + " AT TIME ZONE "
                                + (startZone.zone() instanceof java.time.ZoneOffset ? "INTERVAL " : "") + quoted + ")",
                                nanos);
                    };
                }
                String value = zoned ? dialect.utc(column) : own == ColumnInfo.Kind.DATE ? dialect.midnight(column) : column;
                yield dialect.timestamp(value, nanos);
            }
            // as the number hhmmss.ffffff that the server gives it in arithmetic: one text whatever the fraction's
            // digits (TIME(0) and TIME(6)), in the order of the durations
            case DURATION -> dialect.decimal(own == ColumnInfo.Kind.DURATION ? "(" + column + " + 0)"
                    : dialect.durationNumber(column));
            case NATIVE -> dialect.escape(dialect.nativeText(column, info), utf8);
            case TIME -> dialect.timeOfDay(column, pair.info(old).scale() > 6); // every digit this side keeps
            case DATE -> dialect.date(column);
            case BINARY -> own == ColumnInfo.Kind.UUID ? dialect.uuidDigits(dialect.uuid(column)) : dialect.hex(column);
            case OTHER -> throw new IllegalStateException("column " + info.name() + " is compared in Java");
        };
        return dialect.orNull(column, rendered);
    }

    /**
     * PostgreSQL types whose own hash tells two values apart exactly when their canonical texts ({@link #render})
     * differ: integers, decimals by value (as {@code trim_scale} renders them: 1.5 and 1.50 alike), texts by their
     * bytes (the trailing spaces of a {@code bpchar} not counted, as its text drops them), booleans, dates, times,
     * date-times by instant, UUIDs and bytes. Not floats ({@code -0} and {@code 0} hash alike; their text differs),
     * intervals ({@code 1 day} and {@code 24 hours} hash alike), JSON, arrays, enums or domains.
     */
    private static final Set<String> HASHED_BY_VALUE = Set.of("int2", "int4", "int8", "numeric", "bool", "text",
            "varchar", "bpchar", "date", "time", "timestamp", "timestamptz", "uuid", "bytea");

    /**
     * Whether both stores can hash a row by its values ({@link VerifyDialect#valueHash}) instead of by its canonical
     * text. On PostgreSQL: both are PostgreSQL 14 or later holding texts as UTF-8 ({@link VerifyDialect#hashesUtf8}: a
     * text is hashed as the bytes its database keeps), and every column compared in SQL has one of
     * {@link #HASHED_BY_VALUE}'s types, the same on both sides; the database skips rendering every value to text and
     * its MD5 (about three quarters of a checksum's time, measured). On MySQL/MariaDB: both are, and every such column
     * pair gives one plain text per value ({@link #sameText}); the database skips the canonical rendering (about
     * half of a checksum's CPU, measured). Either way the comparison is the same as the canonical text's.
     */
    boolean hashesByValue(VerifyDialect oldDialect, int oldVersion, boolean oldUtf8, VerifyDialect newDialect,
                          int newVersion, boolean newUtf8) {
        if (oldDialect == VerifyDialect.MYSQL && newDialect == VerifyDialect.MYSQL) {
            return sqlColumns.stream().allMatch(pair -> !pair.added() && sameText(pair.oldInfo(), pair.newInfo()));
        }
        return oldDialect == VerifyDialect.POSTGRESQL && newDialect == VerifyDialect.POSTGRESQL
                && oldVersion >= 14 && newVersion >= 14 && oldUtf8 && newUtf8
                && sqlColumns.stream().allMatch(pair -> !pair.added() && !pair.oldInfo().money()
                && HASHED_BY_VALUE.contains(ownType(pair.oldInfo())) && ownType(pair.oldInfo()).equals(ownType(pair.newInfo())));
    }

    /**
     * MySQL/MariaDB types (as their driver names them) whose plain text is one text per value for a given scale, in
     * every session the verifier opens (a {@code TIMESTAMP} is shown in the session's zone, which the verifier sets to
     * UTC on both sides). Not {@code FLOAT} (six digits), {@code CHAR} (its padding follows the session's
     * {@code sql_mode}), {@code BIT}, {@code YEAR}, {@code ZEROFILL} numbers, {@code ENUM}, binary strings or JSON.
     */
    private static final Set<String> MYSQL_HASHED_BY_TEXT = Set.of("tinyint", "smallint", "mediumint", "integer",
            "int", "bigint", "boolean", "decimal", "text", "date", "datetime", "timestamp", "time");

    /**
     * Whether two MySQL/MariaDB columns give one plain text for one value: the same type from
     * {@link #MYSQL_HASHED_BY_TEXT}, the same scale (the digits of a decimal or of a second's fraction) and, for a
     * text, the same character set (the text is hashed as the bytes it is stored in). Then
     * {@link VerifyDialect#valueHash} can hash that text instead of the canonical one.
     */
    private static boolean sameText(ColumnInfo old, ColumnInfo fresh) {
        String type = mysqlType(old);
        if (!MYSQL_HASHED_BY_TEXT.contains(type.replace(" unsigned", "")) || !type.equals(mysqlType(fresh))
                || old.scale() != fresh.scale()) {
            return false;
        }
        return !type.equals("text") || old.collation() != null && fresh.collation() != null
                && charset(old.collation()).equals(charset(fresh.collation()));
    }

    /** A MySQL/MariaDB type's name, every variable-length text type as {@code text}. */
    private static String mysqlType(ColumnInfo info) {
        String type = info.type();
        return switch (type) {
            case "varchar", "tinytext", "mediumtext", "longtext" -> "text";
            default -> type;
        };
    }

    /** The character set a MySQL/MariaDB collation belongs to: its name up to the first underscore. */
    private static String charset(String collation) {
        int underscore = collation.indexOf('_');
        return (underscore < 0 ? collation : collation.substring(0, underscore)).toLowerCase(java.util.Locale.ROOT);
    }

    /** A PostgreSQL type's name, a {@code serial} as the integer it is. */
    static String ownType(ColumnInfo info) {
        return switch (info.type()) {
            case "smallserial" -> "int2";
            case "serial" -> "int4";
            case "bigserial" -> "int8";
            default -> info.type();
        };
    }

    TableMapping mapping() {
        return mapping;
    }

    TableShape shape(boolean old) {
        return old ? oldShape : newShape;
    }

    /** Whether the new store is MySQL's or MariaDB's, whose text of a boolean is a number ({@code copy.ColumnText}). */
    boolean newStoreIsMySql() {
        return newDialect == VerifyDialect.MYSQL;
    }

    /** The new store's dialect. */
    VerifyDialect newDialect() {
        return newDialect;
    }

    /** The key columns, in key order. */
    List<Pair> keys() {
        return keys;
    }

    /** The columns rendered in SQL: the keys first. */
    List<Pair> sqlColumns() {
        return sqlColumns;
    }

    /** The columns compared in Java. */
    List<Pair> javaColumns() {
        return javaColumns;
    }

    /** The columns compared in Java, each with its reason, by old name. */
    Map<String, String> javaReasons() {
        Map<String, String> reasons = new LinkedHashMap<>();
        javaColumns.forEach(pair -> reasons.put(pair.oldName(), pair.javaReason()));
        return reasons;
    }
}
