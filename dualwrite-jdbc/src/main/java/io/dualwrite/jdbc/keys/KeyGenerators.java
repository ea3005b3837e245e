package io.dualwrite.jdbc.keys;

import io.dualwrite.jdbc.Dialect;
import io.dualwrite.jdbc.mapping.CatalogNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads and moves the key generator behind a table's key column, per dialect: a PostgreSQL sequence
 * (serial or identity, or one the column's default draws from), an H2 identity or a sequence the column's default
 * draws from ({@code DEFAULT NEXT VALUE FOR order_ids}), a MariaDB sequence a column's default draws from, a
 * MySQL/MariaDB {@code AUTO_INCREMENT} (whose step and offset are
 * the server's {@code auto_increment_increment} and {@code auto_increment_offset}, as the connection's
 * session sees them).
 */
final class KeyGenerators {

    private KeyGenerators() {
    }

    /**
     * A column's generator as it stands.
     *
     * @param kind     what it is, for messages ("PostgreSQL sequence public.orders_id_seq", "H2 identity", …)
     * @param next     the next value it hands out
     * @param step     how far apart the values it hands out are
     * @param offset   MySQL/MariaDB only: {@code auto_increment_offset} (the series is offset + k × step); else 0
     * @param variable whether step and offset are server variables (MySQL/MariaDB), not the generator's own
     * @param max      the largest key it can hand out: the least of its own maximum (a sequence's {@code MAXVALUE})
     *                 and the largest value of the key column's type
     * @param maxBy    what sets {@code max}, for messages ("the column's type integer", "the sequence's MAXVALUE")
     * @param cycles   whether it starts over at its minimum past {@code max} ({@code CYCLE}), among keys handed out
     */
    record Generator(String kind, long next, long step, long offset, boolean variable, long max, String maxBy,
                     boolean cycles) {
    }

    /** The column's generator; empty when the column has none. */
    static Optional<Generator> generator(Connection connection, String table, String column) throws SQLException {
        return switch (Dialect.detect(connection)) {
            case POSTGRESQL -> postgres(connection, table, column);
            case H2 -> h2(connection, table, column);
            case MYSQL -> mysql(connection, table, column);
        };
    }

    /** The highest value of a numeric column; empty when the table is empty. */
    static OptionalLong maxValue(Connection connection, String table, String column) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(spelled(connection, table, column).select("MAX", ""))) {
            result.next();
            long max = result.getLong(1);
            return result.wasNull() ? OptionalLong.empty() : OptionalLong.of(max);
        }
    }

    /** The lowest value of a numeric column at or above {@code from}; empty when there is none (an index seek). */
    static OptionalLong minAtOrAbove(Connection connection, String table, String column, long from) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                spelled(connection, table, column).select("MIN", " WHERE %s >= ?"))) {
            select.setLong(1, from);
            try (ResultSet result = select.executeQuery()) {
                result.next();
                long min = result.getLong(1);
                return result.wasNull() ? OptionalLong.empty() : OptionalLong.of(min);
            }
        }
    }

    /** The first {@code limit} values of a numeric column at or above {@code from}, ascending (an index range). */
    static List<Long> valuesAtOrAbove(Connection connection, String table, String column, long from, int limit)
            throws SQLException {
        List<Long> values = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                spelled(connection, table, column).select("", " WHERE %s >= ? ORDER BY %s LIMIT ?"))) {
            select.setLong(1, from);
            select.setInt(2, limit);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    values.add(result.getLong(1));
                }
            }
        }
        return values;
    }

    /** Moves the column's generator so that the next value it hands out is {@code next}; the step is kept. */
    static void restartAt(Connection connection, String table, String column, long next) throws SQLException {
        switch (Dialect.detect(connection)) {
            case POSTGRESQL -> {
                String sequence = postgresSequence(connection, table, column)
                        .orElseThrow(() -> new SQLException(table + "." + column + " has no sequence"));
                try (PreparedStatement setval = connection.prepareStatement("SELECT setval(?::regclass, ?, false)")) {
                    setval.setString(1, sequence);
                    setval.setLong(2, next);
                    setval.execute();
                }
            }
            case H2 -> {
                Optional<String> sequence = h2Sequence(connection, table, column);
                execute(connection, sequence.isPresent() ? "ALTER SEQUENCE " + sequence.get() + " RESTART WITH " + next
                        : spelled(connection, table, column).alterColumn("RESTART WITH " + next));
            }
            case MYSQL -> {
                Optional<String> sequence = mariadbSequence(connection, table, column);
                execute(connection, sequence.isPresent() ? "ALTER SEQUENCE " + sequence.get() + " RESTART WITH " + next
                        : "ALTER TABLE " + spelled(connection, table, column).table() + " AUTO_INCREMENT = " + next);
            }
        }
    }

    /**
     * Moves a PostgreSQL or H2 generator to hand out {@code next}, {@code next + step}, …
     *
     * @throws SQLException when the statement fails, or the store is MySQL/MariaDB (whose step is a server variable)
     */
    static void restartAt(Connection connection, String table, String column, long next, long step) throws SQLException {
        switch (Dialect.detect(connection)) {
            case POSTGRESQL -> {
                String sequence = postgresSequence(connection, table, column)
                        .orElseThrow(() -> new SQLException(table + "." + column + " has no sequence"));
                // the name comes from postgresSequence, already quoted by PostgreSQL
                execute(connection, "ALTER SEQUENCE " + sequence + " INCREMENT BY " + step + " RESTART WITH " + next);
            }
            case H2 -> {
                Optional<String> sequence = h2Sequence(connection, table, column);
                execute(connection, sequence.isPresent()
                        ? "ALTER SEQUENCE " + sequence.get() + " RESTART WITH " + next + " INCREMENT BY " + step
                        : spelled(connection, table, column).alterColumn("RESTART WITH " + next
                                + " SET INCREMENT BY " + step));
            }
            case MYSQL -> {
                Optional<String> sequence = mariadbSequence(connection, table, column);
                if (sequence.isEmpty()) {
                    throw new SQLException("the step of a MySQL/MariaDB AUTO_INCREMENT is the server variable"
                            + " auto_increment_increment, which no statement on the table changes");
                }
                execute(connection, "ALTER SEQUENCE " + sequence.get() + " RESTART WITH " + next + " INCREMENT BY " + step);
            }
        }
    }

    private static Optional<Generator> postgres(Connection connection, String table, String column) throws SQLException {
        Optional<String> sequence = postgresSequence(connection, table, column);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        long step;
        long sequenceMax;
        boolean cycles;
        try (PreparedStatement read = connection.prepareStatement("SELECT s.increment_by, s.max_value, s.cycle"
                + " FROM pg_sequences s WHERE quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename) = ?")) {
            read.setString(1, sequence.get());
            try (ResultSet result = read.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                step = result.getLong(1);
                sequenceMax = result.getLong(2);
                cycles = result.getBoolean(3);
            }
        }
        // pg_sequences shows no last value after setval(..., false); the relation itself tells is_called.
        // The name comes from postgresSequence, already quoted by PostgreSQL.
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT last_value, is_called FROM " + sequence.get())) {
            result.next();
            long last = result.getLong(1);
            long next = result.getBoolean(2) ? last + step : last;
            return Optional.of(bounded(new Generator("PostgreSQL sequence " + sequence.get(), next, step, 0, false,
                    sequenceMax, "the MAXVALUE of sequence " + sequence.get(), cycles), connection, table, column));
        }
    }

    /**
     * The sequence that hands out the column's values, schema-qualified and quoted: the one a {@code serial} or
     * identity column owns, else one the column's default draws from ({@code DEFAULT nextval('order_ids')} of a
     * sequence created apart and not {@code OWNED BY} the column, which {@code pg_get_serial_sequence} does not
     * know): the default's dependency on the sequence, recorded by PostgreSQL, names it.
     */
    private static Optional<String> postgresSequence(Connection connection, String table, String column)
            throws SQLException {
        // pg_get_serial_sequence folds an unquoted table name and takes the column as written: both as spelled
        Spelled spelled = spelled(connection, table, column);
        try (PreparedStatement find = connection.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
            find.setString(1, spelled.table());
            find.setString(2, spelled.plainColumn());
            try (ResultSet result = find.executeQuery()) {
                result.next();
                String owned = result.getString(1);
                if (owned != null) {
                    return Optional.of(owned);
                }
            }
        }
        try (PreparedStatement find = connection.prepareStatement("SELECT quote_ident(n.nspname) || '.'"
                + " || quote_ident(s.relname) FROM pg_attribute a"
                + " JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid"
                + " AND dep.refclassid = 'pg_class'::regclass"
                + " JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'"
                + " JOIN pg_namespace n ON n.oid = s.relnamespace"
                + " WHERE a.attrelid = to_regclass(?) AND lower(a.attname) = lower(?) AND NOT a.attisdropped"
                + " ORDER BY 1")) {
            find.setString(1, spelled.table());
            find.setString(2, column);
            try (ResultSet result = find.executeQuery()) {
                return result.next() ? Optional.ofNullable(result.getString(1)) : Optional.empty();
            }
        }
    }

    private static Optional<Generator> h2(Connection connection, String table, String column) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT IDENTITY_BASE, IDENTITY_INCREMENT,"
                + " IDENTITY_MAXIMUM, IDENTITY_CYCLE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = SCHEMA() AND UPPER(TABLE_NAME) = ?"
                + " AND UPPER(COLUMN_NAME) = ? AND IS_IDENTITY = 'YES'")) {
            read.setString(1, table.toUpperCase(Locale.ROOT));
            read.setString(2, column.toUpperCase(Locale.ROOT));
            try (ResultSet result = read.executeQuery()) {
                if (result.next()) {
                    return Optional.of(bounded(new Generator("H2 identity", result.getLong(1), result.getLong(2), 0,
                            false, result.getLong(3), "the identity's MAXVALUE", "YES".equals(result.getString(4))),
                            connection, table, column));
                }
            }
        }
        Optional<String> sequence = h2Sequence(connection, table, column);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement read = connection.prepareStatement("SELECT BASE_VALUE, INCREMENT, MAXIMUM_VALUE,"
                + " CYCLE_OPTION FROM INFORMATION_SCHEMA.SEQUENCES WHERE '\"' || SEQUENCE_SCHEMA || '\".\"' || SEQUENCE_NAME || '\"' = ?")) {
            read.setString(1, sequence.get());
            try (ResultSet result = read.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                return Optional.of(bounded(new Generator("H2 sequence " + sequence.get(), result.getLong(1),
                        result.getLong(2), 0, false, result.getLong(3), "the MAXVALUE of sequence " + sequence.get(),
                        "YES".equals(result.getString(4))), connection, table, column));
            }
        }
    }

    /** {@code NEXT VALUE FOR "SCHEMA"."NAME"} in a column default, as H2 spells it back. */
    private static final java.util.regex.Pattern H2_NEXT_VALUE = java.util.regex.Pattern.compile(
            "(?i)NEXT\\s+VALUE\\s+FOR\\s+(\"[^\"]+\"\\.\"[^\"]+\")");

    /**
     * The sequence an H2 column's default draws from ({@code DEFAULT NEXT VALUE FOR order_ids}), quoted and
     * schema-qualified; empty when its default draws from none.
     */
    private static Optional<String> h2Sequence(Connection connection, String table, String column) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_SCHEMA = SCHEMA() AND UPPER(TABLE_NAME) = ? AND UPPER(COLUMN_NAME) = ?")) {
            read.setString(1, table.toUpperCase(Locale.ROOT));
            read.setString(2, column.toUpperCase(Locale.ROOT));
            try (ResultSet result = read.executeQuery()) {
                String definition = result.next() ? result.getString(1) : null;
                if (definition == null) {
                    return Optional.empty();
                }
                java.util.regex.Matcher matcher = H2_NEXT_VALUE.matcher(definition);
                return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
            }
        }
    }

    private static Optional<Generator> mysql(Connection connection, String table, String column) throws SQLException {
        freshStatistics(connection);
        long counter;
        try (PreparedStatement read = connection.prepareStatement("SELECT t.AUTO_INCREMENT FROM information_schema.TABLES t"
                + " JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME"
                + " WHERE t.TABLE_SCHEMA = DATABASE() AND LOWER(t.TABLE_NAME) = ? AND LOWER(c.COLUMN_NAME) = ?"
                + " AND c.EXTRA LIKE '%auto_increment%'")) {
            read.setString(1, table.toLowerCase(Locale.ROOT));
            read.setString(2, column.toLowerCase(Locale.ROOT));
            OptionalLong found = single(read);
            if (found.isEmpty()) {
                return mariadbSequenceGenerator(connection, table, column);
            }
            counter = found.getAsLong();
        }
        long step;
        long offset;
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(
                     "SELECT @@SESSION.auto_increment_increment, @@SESSION.auto_increment_offset")) {
            result.next();
            step = Math.max(1, result.getLong(1));
            offset = result.getLong(2);
        }
        // the server ignores an offset above the step; the next value is the least of the series at or above the counter
        long base = offset > step || offset < 1 ? 1 : offset;
        long next = counter <= base ? base : base + ceilDiv(counter - base, step) * step;
        return Optional.of(bounded(new Generator("AUTO_INCREMENT", next, step, offset, true, Long.MAX_VALUE, "",
                false), connection, table, column));
    }

    /** {@code nextval(`db`.`s`)} in a MariaDB column default, as {@code information_schema} spells it back. */
    private static final java.util.regex.Pattern MARIADB_NEXTVAL = java.util.regex.Pattern.compile(
            "(?i)nextval\\((`[^`]+`(?:\\.`[^`]+`)?)\\)");

    /**
     * The MariaDB sequence a column's default draws from ({@code DEFAULT NEXT VALUE FOR order_ids}), quoted; empty
     * when its default draws from none (MySQL has no sequences).
     */
    private static Optional<String> mariadbSequence(Connection connection, String table, String column)
            throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT COLUMN_DEFAULT FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) = ? AND LOWER(COLUMN_NAME) = ?")) {
            read.setString(1, table.toLowerCase(Locale.ROOT));
            read.setString(2, column.toLowerCase(Locale.ROOT));
            try (ResultSet result = read.executeQuery()) {
                String definition = result.next() ? result.getString(1) : null;
                if (definition == null) {
                    return Optional.empty();
                }
                java.util.regex.Matcher matcher = MARIADB_NEXTVAL.matcher(definition);
                return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
            }
        }
    }

    /**
     * A MariaDB sequence behind a column's default as a generator: its next value not yet handed to a session's cache
     * (values a session cached before are below it), its step its own. Explicit keys do not move it.
     */
    private static Optional<Generator> mariadbSequenceGenerator(Connection connection, String table, String column)
            throws SQLException {
        Optional<String> sequence = mariadbSequence(connection, table, column);
        if (sequence.isEmpty()) {
            return Optional.empty();
        }
        // the name comes from the catalog's own text of the default, quoted by MariaDB
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT next_not_cached_value, increment, maximum_value,"
                     + " cycle_option FROM " + sequence.get())) {
            if (!result.next()) {
                return Optional.empty();
            }
            long increment = result.getLong(2); // 0: the server's auto_increment_increment; negative: counts down
            return Optional.of(bounded(new Generator("MariaDB sequence " + sequence.get(), result.getLong(1),
                    increment == 0 ? 1 : increment, 0, false, result.getLong(3),
                    "the MAXVALUE of sequence " + sequence.get(), result.getBoolean(4)), connection, table, column));
        }
    }

    /**
     * {@code generator} with its maximum lowered to the largest value the key column's type holds, where that is
     * lower: a key a generator hands out above it fails every insert (PostgreSQL's "integer out of range", MySQL's and
     * MariaDB's "Out of range value"), and MySQL/MariaDB take an {@code AUTO_INCREMENT} counter above it silently.
     */
    private static Generator bounded(Generator generator, Connection connection, String table, String column)
            throws SQLException {
        Optional<String> type = integerType(connection, table, column);
        if (type.isEmpty()) {
            return generator;
        }
        long typeMax = largestOf(type.get());
        return typeMax > generator.max() ? generator : new Generator(generator.kind(), generator.next(),
                generator.step(), generator.offset(), generator.variable(), typeMax,
                "the column's type " + type.get(), generator.cycles());
    }

    /** The key column's type as its catalog names it (lower case; MySQL/MariaDB with "unsigned"), when found. */
    private static Optional<String> integerType(Connection connection, String table, String column) throws SQLException {
        String sql = switch (Dialect.detect(connection)) {
            case POSTGRESQL -> "SELECT format_type(a.atttypid, NULL) FROM pg_attribute a WHERE a.attrelid = to_regclass(?)"
                    + " AND a.attname = ? AND NOT a.attisdropped";
            case H2 -> "SELECT DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = SCHEMA()"
                    + " AND UPPER(TABLE_NAME) = UPPER(?) AND UPPER(COLUMN_NAME) = UPPER(?)";
            case MYSQL -> "SELECT CONCAT(DATA_TYPE, IF(COLUMN_TYPE LIKE '%unsigned%', ' unsigned', ''))"
                    + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND LOWER(TABLE_NAME) = LOWER(?)"
                    + " AND LOWER(COLUMN_NAME) = LOWER(?)";
        };
        boolean postgres = Dialect.detect(connection) == Dialect.POSTGRESQL;
        Spelled spelled = postgres ? spelled(connection, table, column) : null;
        try (PreparedStatement read = connection.prepareStatement(sql)) {
            read.setString(1, postgres ? spelled.table() : table);
            read.setString(2, postgres ? spelled.plainColumn() : column);
            try (ResultSet result = read.executeQuery()) {
                String type = result.next() ? result.getString(1) : null;
                return type == null ? Optional.empty() : Optional.of(type.toLowerCase(Locale.ROOT));
            }
        }
    }

    /** The largest value of an integer type as a catalog names it; {@link Long#MAX_VALUE} for any other. */
    private static long largestOf(String type) {
        return switch (type) {
            case "tinyint" -> 127;
            case "tinyint unsigned" -> 255;
            case "smallint" -> 32_767;
            case "smallint unsigned" -> 65_535;
            case "mediumint" -> 8_388_607;
            case "mediumint unsigned" -> 16_777_215;
            case "int", "integer" -> Integer.MAX_VALUE;
            case "int unsigned" -> 4_294_967_295L;
            default -> Long.MAX_VALUE;
        };
    }

    /**
     * MySQL 8 caches information_schema.TABLES.AUTO_INCREMENT for a day by default; ask for the live value. MariaDB
     * has no such cache (nor the variable).
     */
    private static void freshStatistics(Connection connection) throws SQLException {
        String version = connection.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT);
        if (!version.contains("mariadb")) {
            execute(connection, "SET SESSION information_schema_stats_expiry = 0");
        }
    }

    /**
     * A table and its key column as SQL this class writes names them: as the store's catalog spells them, quoted for
     * its dialect ({@code "Order"}, {@code `order`}), so that a reserved word or a name created in mixed case is
     * reached; {@code plainColumn} is the column's spelling unquoted.
     */
    record Spelled(String table, String column, String plainColumn) {
        /** {@code SELECT aggregate(column) FROM table} followed by {@code rest}, each {@code %s} in it the column. */
        String select(String aggregate, String rest) {
            String selected = aggregate.isEmpty() ? column : aggregate + "(" + column + ")";
            return "SELECT " + selected + " FROM " + table + rest.replace("%s", column);
        }

        /** {@code ALTER TABLE table ALTER COLUMN column} followed by {@code change} (H2's identity restarts). */
        String alterColumn(String change) {
            return "ALTER TABLE " + table + " ALTER COLUMN " + column + " " + change;
        }
    }

    /**
     * {@code table} and {@code column} (as a mapping names them) as the catalog spells them: the table found as the
     * copier finds one, by its name as the database folds unquoted names (H2 upper case, PostgreSQL lower case),
     * then as written; of two columns differing only in case, the one an unquoted name reaches. A name with a schema,
     * or a table not found, keeps the configured text (the statement then fails naming it, as before).
     */
    static Spelled spelled(Connection connection, String table, String column) throws SQLException {
        CatalogNames.Spelling spelling = table.indexOf('.') >= 0 ? null : CatalogNames.find(connection, table);
        if (spelling == null) {
            return new Spelled(table, column, column);
        }
        String plain = spelling.column(column) == null ? column : spelling.column(column);
        return new Spelled(spelling.quotedTable(), CatalogNames.quoted(spelling.quote(), plain), plain);
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static OptionalLong single(PreparedStatement read) throws SQLException {
        try (ResultSet result = read.executeQuery()) {
            if (!result.next()) {
                return OptionalLong.empty();
            }
            long value = result.getLong(1);
            return result.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
        }
    }
}
