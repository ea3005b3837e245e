package io.dualwrite.jdbc.copy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One table as its database reports it: the quoted name that reaches it, and its columns (names as the
 * database spells them, SQL types), looked up case-insensitively.
 */
final class TableColumns {

    /**
     * One column: its name as the database spells it, its {@link java.sql.Types} code and type name, and what
     * {@link Values} asks of its type on every value (decided once, when the table is read). {@code nullReplacedBy}
     * says in words what the column stores in place of a NULL written into it ("the current time"), null when it
     * stores the NULL or refuses it: such a column would turn a copied NULL into a value the source never held, so
     * {@link Holdable} refuses the NULL.
     */
    record Column(String name, int sqlType, String typeName, boolean timeZone, boolean integer, boolean bool,
                  int precision, int scale, String lowerTypeName, boolean bitNumber, boolean duration,
                  boolean exactText, @Nullable MySqlColumn declared, @Nullable Column element,
                  @Nullable String nullReplacedBy) {
        /**
         * @param precision the length the database reports (digits of a {@code bit(n)}; 0 when unknown)
         * @param scale     the digits after the point the database reports (of a decimal, or of the seconds of a
         *                  time or date-time); 0 when none or unknown
         * @param dialect   the store's dialect: a MySQL/MariaDB {@code BIT(n)} of more than one bit holds an
         *                  unsigned number ({@link #bitNumber}), its {@code TIME} a duration ({@link #duration})
         * @param exactText whether the column holds text that it compares by its characters alone (PostgreSQL
         *                  {@code text}/{@code varchar} under a deterministic collation, H2 {@code VARCHAR}): a
         *                  key of it matches no other spelling, so the copier's spelling checks are not needed
         */
        static Column of(String name, int sqlType, String typeName, int precision, int scale, CopyDialect dialect,
                         boolean exactText) {
            boolean mysql = dialect == CopyDialect.MYSQL;
            boolean bitNumber = mysql && sqlType == java.sql.Types.BIT && typeName.equalsIgnoreCase("bit") && precision > 1;
            boolean integer = Values.isInteger(sqlType, typeName);
            // MySQL/MariaDB TINYINT(1), which the drivers report as a boolean, holds -128 to 127
            boolean bool = Values.isBoolean(sqlType, typeName) && !bitNumber && !(mysql && integer);
            return new Column(name, sqlType, typeName, Values.hasTimeZone(sqlType, typeName), integer, bool, precision,
                    Math.max(0, scale), typeName.toLowerCase(Locale.ROOT), bitNumber, mysql && sqlType == java.sql.Types.TIME, exactText,
                    null, null, null);
        }

        /** This column with what MySQL/MariaDB's catalog declares of it ({@link MySqlColumn}). */
        Column withCatalog(@Nullable MySqlColumn catalog) {
            return new Column(name, sqlType, typeName, timeZone, integer, bool, precision, scale, lowerTypeName, bitNumber,
                    duration, exactText, catalog, element, nullReplacedBy);
        }

        /**
         * This PostgreSQL array column with what its catalog declares of its elements (their type, length, digits):
         * each element of a copied array is checked against it as a value of its own ({@link Holdable}).
         */
        Column withElement(@Nullable Column declaredElement) {
            return new Column(name, sqlType, typeName, timeZone, integer, bool, precision, scale, lowerTypeName, bitNumber,
                    duration, exactText, declared, declaredElement, nullReplacedBy);
        }

        /** This column with {@code digits} after the point (a PostgreSQL {@code money}'s, read from its session). */
        Column withScale(int digits) {
            return new Column(name, sqlType, typeName, timeZone, integer, bool, precision, digits, lowerTypeName,
                    bitNumber, duration, exactText, declared, element, nullReplacedBy);
        }

        /** This column, which stores {@code replacement} (in words) in place of a NULL written into it. */
        Column withNullReplacedBy(@Nullable String replacement) {
            return new Column(name, sqlType, typeName, timeZone, integer, bool, precision, scale, lowerTypeName, bitNumber,
                    duration, exactText, declared, element, replacement);
        }

        /**
         * Whether the type is called {@code lowerCaseName}, in any case. Asked several times of every value copied,
         * so compared with the name lower-cased once.
         */
        boolean typeNamed(String lowerCaseName) {
            return lowerTypeName.equals(lowerCaseName);
        }
    }

    /** Statement texts kept per table: those of at most this many rows (or keys). */
    static final int CACHED_STATEMENT_ROWS = 64;

    private final String table;
    private final String quotedTable;
    private final Map<String, Column> byLowerName;
    /**
     * Statement texts built for this table, by what shapes them (see {@link #statement}). Without them a sync of a
     * few rows spent a fifth of its Java time quoting column names and joining texts, and the driver hashed each
     * new text again to find its prepared statement.
     */
    private final Map<Object, String> statements = new java.util.concurrent.ConcurrentHashMap<>();

    /** The columns the database computes from the others (generated columns), by lower-cased name. */
    private final Set<String> computed;
    /** The PostgreSQL and H2 identity columns {@code GENERATED ALWAYS}, by lower-cased name. */
    private final Set<String> identityAlways;

    private TableColumns(String table, String quotedTable, Map<String, Column> byLowerName, Set<String> computed,
                         Set<String> identityAlways) {
        this.table = table;
        this.quotedTable = quotedTable;
        this.byLowerName = byLowerName;
        this.computed = computed;
        this.identityAlways = identityAlways;
    }

    /**
     * Finds a table by its configured name (a plain identifier, optionally {@code schema.table}, as the
     * mapping validates it) and reads its columns with an empty query. The name is tried quoted as the
     * database folds unquoted names, then quoted as written, so reserved words and mixed case both work.
     * Run it outside a transaction: on PostgreSQL a failed attempt would abort one.
     *
     * @throws SQLException when no form of the name reaches a table
     */
    static TableColumns read(Connection connection, CopyDialect dialect, String table) throws SQLException {
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(qualified(dialect, table, true));
        candidates.add(qualified(dialect, table, false));
        SQLException first = null;
        for (String candidate : candidates) {
            // the home first (OwnTable#homeOf): the columns are read from the table the copier will read and write,
            // and every statement it makes names it there, not a table of the name in the schema or database an
            // earlier borrower left this pooled session on, nor a temporary table it left there
            String quoted = table.contains(".") ? candidate : inItsHome(connection, dialect, candidate);
            try (Statement statement = connection.createStatement();
                 ResultSet empty = statement.executeQuery("SELECT * FROM " + quoted + " WHERE 1 = 0")) {
                ResultSetMetaData meta = empty.getMetaData();
                if (dialect == CopyDialect.POSTGRESQL) {
                    try {
                        RowSecurity.refuseFiltered(connection, quoted, table);
                    } catch (SQLException refused) {
                        throw new RowSecurityRefused(refused);
                    }
                }
                Set<String> computed = new java.util.HashSet<>();
                Set<String> identityAlways = new java.util.HashSet<>();
                List<String> every = new ArrayList<>();
                Map<String, MySqlColumn> declared = new java.util.HashMap<>();
                Map<String, String> nullReplaced = new java.util.HashMap<>();
                generatedColumns(connection, dialect, quoted, meta, computed, identityAlways, every, declared,
                        nullReplaced);
                Set<String> exact = dialect == CopyDialect.POSTGRESQL ? exactTextColumns(connection, quoted) : Set.of();
                Map<String, Column> elements = dialect == CopyDialect.POSTGRESQL ? arrayElements(connection, quoted)
                        : Map.of();
                Map<String, Column> columns;
                if (every.size() > meta.getColumnCount()) {
                    // INVISIBLE columns (MariaDB, H2), which SELECT * leaves out: never read, they were never copied
                    try (Statement named = connection.createStatement();
                         ResultSet all = named.executeQuery("SELECT " + every.stream().map(dialect::quote)
                                 .collect(java.util.stream.Collectors.joining(", ")) + " FROM " + quoted + " WHERE 1 = 0")) {
                        columns = columnsOf(all.getMetaData(), dialect, exact, declared);
                    }
                } else {
                    columns = columnsOf(meta, dialect, exact, declared);
                }
                if (!elements.isEmpty()) {
                    columns = new LinkedHashMap<>(columns);
                    columns.replaceAll((lower, column) -> column.withElement(elements.get(lower)));
                }
                if (!nullReplaced.isEmpty()) {
                    columns = new LinkedHashMap<>(columns);
                    columns.replaceAll((lower, column) -> column.withNullReplacedBy(nullReplaced.get(lower)));
                }
                if (dialect == CopyDialect.POSTGRESQL && columns.values().stream().anyMatch(c -> c.typeNamed("money"))) {
                    int digits = moneyDigits(connection);
                    columns = new LinkedHashMap<>(columns);
                    columns.replaceAll((lower, column) -> column.typeNamed("money") ? column.withScale(digits) : column);
                }
                return new TableColumns(table, quoted, columns, Set.copyOf(computed), Set.copyOf(identityAlways));
            } catch (RowSecurityRefused refused) {
                throw refused.getCause(); // the table was found: no other spelling of its name is tried
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    /**
     * The decimals a PostgreSQL {@code money} holds on this session: those of its {@code lc_monetary} (2 for most
     * locales, 0 for some), to which the server rounds an amount written into it without a word. {@link
     * Integer#MAX_VALUE} (no check) when it cannot be read. Run outside a transaction, as {@link #read}.
     */
    private static int moneyDigits(Connection connection) {
        try (Statement statement = connection.createStatement();
             ResultSet digits = statement.executeQuery("SELECT scale(CAST(CAST(1 AS money) AS numeric))")) {
            return digits.next() ? digits.getInt(1) : Integer.MAX_VALUE;
        } catch (SQLException unread) {
            return Integer.MAX_VALUE;
        }
    }

    private static Map<String, Column> columnsOf(ResultSetMetaData meta, CopyDialect dialect, Set<String> exact,
                                                 Map<String, MySqlColumn> declared) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String name = meta.getColumnName(i);
            String type = meta.getColumnTypeName(i);
            boolean exactText = dialect == CopyDialect.POSTGRESQL ? exact.contains(name)
                    : dialect == CopyDialect.H2 && (type.equalsIgnoreCase("CHARACTER VARYING")
                    || type.equalsIgnoreCase("VARCHAR") || type.equalsIgnoreCase("CHARACTER LARGE OBJECT"));
            columns.put(name.toLowerCase(Locale.ROOT), Column.of(name, meta.getColumnType(i), type,
                    meta.getPrecision(i), meta.getScale(i), dialect, exactText)
                    .withCatalog(declared.get(name.toLowerCase(Locale.ROOT))));
        }
        return columns;
    }

    /**
     * The elements of the PostgreSQL table's array columns, as columns of their own, by the array column's
     * lower-cased name: the element type and what its type modifier declares (a {@code numeric(10,2)[]}'s digits, a
     * {@code varchar(3)[]}'s length, a {@code timestamp(3)[]}'s fraction digits). PostgreSQL rounds an element to
     * them without a word, or refuses the whole row without naming it (an element too long, an integer out of range).
     * Element types the copier has no check for are left out. None when the catalog cannot be read. Run outside a
     * transaction, as {@link #read}.
     */
    private static Map<String, Column> arrayElements(Connection connection, String quoted) {
        Map<String, Column> elements = new java.util.HashMap<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT a.attname, e.typname,"
                + " a.atttypmod FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid JOIN pg_type e ON e.oid = t.typelem"
                + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped AND t.typcategory = 'A'")) {
            statement.setString(1, quoted);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Column element = pgElement(rows.getString(1), rows.getString(2), rows.getInt(3));
                    if (element != null) {
                        elements.put(rows.getString(1).toLowerCase(Locale.ROOT), element);
                    }
                }
            }
        } catch (SQLException unread) {
            return Map.of();
        }
        return elements;
    }

    /** A PostgreSQL array's element of type {@code type} and type modifier {@code typmod} (-1: none), as a column. */
    private static @Nullable Column pgElement(String name, String type, int typmod) {
        int sqlType;
        int precision = 0;
        int scale = 0;
        switch (type) {
            case "int2" -> sqlType = java.sql.Types.SMALLINT;
            case "int4" -> sqlType = java.sql.Types.INTEGER;
            case "int8" -> sqlType = java.sql.Types.BIGINT;
            case "numeric" -> {
                sqlType = java.sql.Types.NUMERIC;
                if (typmod >= 4) {
                    precision = ((typmod - 4) >> 16) & 0xffff;
                    scale = (typmod - 4) & 0xffff;
                }
            }
            case "varchar", "bpchar" -> {
                sqlType = type.equals("varchar") ? java.sql.Types.VARCHAR : java.sql.Types.CHAR;
                precision = typmod >= 4 ? typmod - 4 : 0;
            }
            case "text" -> sqlType = java.sql.Types.VARCHAR;
            case "date" -> sqlType = java.sql.Types.DATE;
            case "timestamp", "timestamptz", "time" -> {
                sqlType = type.equals("timestamp") ? java.sql.Types.TIMESTAMP : type.equals("time")
                        ? java.sql.Types.TIME : java.sql.Types.TIMESTAMP_WITH_TIMEZONE;
                scale = typmod >= 0 ? typmod : 6;
            }
            case "bool" -> sqlType = java.sql.Types.BIT;
            case "uuid" -> sqlType = java.sql.Types.OTHER;
            default -> {
                return null;
            }
        }
        if (scale > 1000) {
            return null; // a negative scale (PostgreSQL 15's numeric(2,-3)), which the check does not read
        }
        return Column.of(name, sqlType, type, precision, scale, CopyDialect.POSTGRESQL, false);
    }

    /**
     * The PostgreSQL table's {@code text} and {@code varchar} columns under a deterministic collation: they compare
     * by their characters alone ({@code bpchar} ignores trailing spaces, {@code citext} case, a nondeterministic
     * collation whatever it was made to). None when the catalog cannot be read (every text key is then checked).
     * Run outside a transaction, as {@link #read}.
     */
    private static Set<String> exactTextColumns(Connection connection, String quoted) {
        Set<String> exact = new java.util.HashSet<>();
        try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT a.attname FROM pg_attribute a"
                + " JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_collation c ON c.oid = a.attcollation"
                + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND t.typname IN ('text', 'varchar') AND coalesce(c.collisdeterministic, true)")) {
            statement.setString(1, quoted);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    exact.add(rows.getString(1));
                }
            }
        } catch (SQLException unread) {
            return Set.of();
        }
        return exact;
    }

    /**
     * Adds to {@code computed} the table's generated columns ({@code GENERATED ALWAYS AS (…) STORED} on PostgreSQL,
     * {@code AS (…) VIRTUAL/PERSISTENT/STORED} on MySQL/MariaDB, {@code GENERATED ALWAYS AS (…)} on H2), whose
     * value the database computes and refuses to be given (a sync writing one failed every time), and to {@code
     * identityAlways} PostgreSQL's and H2's identity columns {@code GENERATED ALWAYS}, which take a value only with
     * {@code OVERRIDING SYSTEM VALUE}, all by lower-cased name; and to {@code every}, on MySQL/MariaDB and H2, every column's
     * name in the table's order, invisible ones included, and to {@code declared} what MySQL/MariaDB's catalog declares of
     * each column ({@link MySqlColumn}: its full type and character set); and to {@code nullReplaced}, by lower-cased
     * name, what a column stores in place of a NULL written into it, in words: MySQL/MariaDB put the current time into
     * a {@code TIMESTAMP NOT NULL} (MariaDB whatever {@code explicit_defaults_for_timestamp} says) and the next number
     * into an {@code AUTO_INCREMENT} column, H2 its default into a column declared {@code DEFAULT ON NULL}; PostgreSQL
     * stores a NULL or refuses it. Nothing is added when the catalog cannot be read (the columns are then written, as
     * before). Run outside a transaction, as {@link #read}.
     */
    private static void generatedColumns(Connection connection, CopyDialect dialect, String quoted,
                                         ResultSetMetaData meta, Set<String> computed, Set<String> identityAlways,
                                         List<String> every, Map<String, MySqlColumn> declared,
                                         Map<String, String> nullReplaced) {
        try {
            switch (dialect) {
                case POSTGRESQL -> {
                    try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT a.attname,"
                            + " a.attgenerated <> '', a.attidentity = 'a' FROM pg_attribute a WHERE a.attrelid ="
                            + " to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
                            + " AND (a.attgenerated <> '' OR a.attidentity = 'a')")) {
                        statement.setString(1, quoted);
                        try (ResultSet rows = statement.executeQuery()) {
                            while (rows.next()) {
                                (rows.getBoolean(2) ? computed : identityAlways)
                                        .add(rows.getString(1).toLowerCase(Locale.ROOT));
                            }
                        }
                    }
                }
                case MYSQL -> {
                    boolean wideTimestamps = MySqlColumn.wideTimestamps(connection.getMetaData().getDatabaseProductVersion());
                    try (Statement statement = connection.createStatement();
                         ResultSet rows = statement.executeQuery("SHOW FULL COLUMNS FROM " + quoted)) {
                        while (rows.next()) {
                            every.add(rows.getString("Field"));
                            declared.put(rows.getString("Field").toLowerCase(Locale.ROOT),
                                    MySqlColumn.of(rows.getString("Type"), rows.getString("Collation"), wideTimestamps));
                            String extra = rows.getString("Extra");
                            // "VIRTUAL GENERATED", "STORED GENERATED"; not MySQL's "DEFAULT_GENERATED" (a default)
                            if (extra != null && MYSQL_GENERATED.matcher(extra).find()) {
                                computed.add(rows.getString("Field").toLowerCase(Locale.ROOT));
                            }
                            String replacement = mySqlNullReplacement(rows.getString("Type"), rows.getString("Null"),
                                    extra);
                            if (replacement != null) {
                                nullReplaced.put(rows.getString("Field").toLowerCase(Locale.ROOT), replacement);
                            }
                        }
                    }
                }
                case H2 -> {
                    if (meta.getColumnCount() == 0) {
                        return;
                    }
                    try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT COLUMN_NAME,"
                            + " IS_GENERATED = 'ALWAYS', IS_IDENTITY = 'YES' AND IDENTITY_GENERATION = 'ALWAYS',"
                            + " DEFAULT_ON_NULL FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ?"
                            + " AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
                        statement.setString(1, meta.getSchemaName(1));
                        statement.setString(2, meta.getTableName(1));
                        try (ResultSet rows = statement.executeQuery()) {
                            while (rows.next()) {
                                every.add(rows.getString(1));
                                if (rows.getBoolean(2)) {
                                    computed.add(rows.getString(1).toLowerCase(Locale.ROOT));
                                } else if (rows.getBoolean(3)) {
                                    identityAlways.add(rows.getString(1).toLowerCase(Locale.ROOT));
                                }
                                if (rows.getBoolean(4)) {
                                    nullReplaced.put(rows.getString(1).toLowerCase(Locale.ROOT),
                                            "its default (the column is declared DEFAULT ON NULL)");
                                }
                            }
                        }
                    }
                }
                default -> throw new IllegalStateException("unknown dialect " + dialect);
            }
        } catch (SQLException unread) {
            computed.clear();
            identityAlways.clear();
            every.clear();
            declared.clear();
            nullReplaced.clear();
        }
    }

    /**
     * What a MySQL/MariaDB column of {@code SHOW FULL COLUMNS}' {@code type}, {@code nullable} ({@code YES}/{@code
     * NO}) and {@code extra} stores in place of a NULL written into it, in words; null when it stores the NULL or
     * refuses it.
     */
    static @Nullable String mySqlNullReplacement(@Nullable String type, @Nullable String nullable,
                                                 @Nullable String extra) {
        if (extra != null && extra.toLowerCase(Locale.ROOT).contains("auto_increment")) {
            return "its next AUTO_INCREMENT number";
        }
        if ("NO".equalsIgnoreCase(nullable) && type != null && type.toLowerCase(Locale.ROOT).startsWith("timestamp")) {
            return "the current time (a TIMESTAMP declared NOT NULL)";
        }
        return null;
    }

    private static final java.util.regex.Pattern MYSQL_GENERATED =
            java.util.regex.Pattern.compile("(?i)\\b(VIRTUAL|STORED|PERSISTENT) GENERATED\\b");

    /** Whether the database computes the column's value from the others (a generated column). */
    boolean computed(String column) {
        return computed.contains(column.toLowerCase(Locale.ROOT));
    }

    /** Whether the column is a PostgreSQL or H2 identity column {@code GENERATED ALWAYS}. */
    boolean identityAlways(String column) {
        return identityAlways.contains(column.toLowerCase(Locale.ROOT));
    }

    /**
     * {@code quoted} (a PostgreSQL table name without a schema) with the schema it names in this session: the
     * copier reuses the name on every pooled connection, and one that an earlier borrower left on another {@code
     * search_path} would resolve the bare name to another schema's table of that name, copying into or from it
     * while the mapped table stays as it was, with nothing recorded. A temporary table of the name, which an earlier
     * borrower may leave on the session too, comes first in every search path, so the schema is that of the first
     * table of the name that is not temporary in the session's search path ({@link #IN_ITS_SCHEMA}). The same name
     * when the schema cannot be read, or when no table of the name but a temporary one is in the search path.
     */
    /**
     * {@code quoted} (a bare name, quoted) qualified by the schema or database that holds the table by the rule of
     * {@link io.dualwrite.jdbc.schema.OwnTable#homeOf}, which no session state changes; where no such home holds it,
     * as the session resolves it (PostgreSQL: in its schema, temporary tables aside), as before.
     */
    private static String inItsHome(Connection connection, CopyDialect dialect, String quoted) throws SQLException {
        String name = quoted.substring(1, quoted.length() - 1).replace(quoted.substring(0, 1) + quoted.substring(0, 1),
                quoted.substring(0, 1));
        @Nullable String home = io.dualwrite.jdbc.schema.OwnTable.homeOf(connection, name);
        if (home != null) {
            return dialect.quote(home) + "." + quoted;
        }
        return dialect == CopyDialect.POSTGRESQL ? inItsSchema(connection, dialect, quoted) : quoted;
    }

    private static String inItsSchema(Connection connection, CopyDialect dialect, String quoted) {
        try (java.sql.PreparedStatement statement = connection.prepareStatement(IN_ITS_SCHEMA)) {
            statement.setString(1, quoted);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? dialect.quote(rows.getString(1)) + "." + quoted : quoted;
            }
        } catch (SQLException unread) {
            return quoted;
        }
    }

    /**
     * The schema of the PostgreSQL table a quoted bare name means, temporary tables aside: the first schema of the
     * session's search path ({@code current_schemas(false)}, which leaves out the implicit {@code pg_temp} and {@code
     * pg_catalog}) holding a relation of that name (as {@code to_regclass} spells it) that is not temporary.
     */
    private static final String IN_ITS_SCHEMA = "SELECT n.nspname FROM pg_class c JOIN pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE c.relname = (SELECT r.relname FROM pg_class r WHERE r.oid = to_regclass(?))"
            + " AND c.relpersistence <> 't' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
            + " AND n.nspname = ANY (current_schemas(false))"
            + " ORDER BY array_position(current_schemas(false), n.nspname) LIMIT 1";

    /**
     * Fails when a temporary table on {@code connection}'s MariaDB session hides {@code table} (a configured name,
     * optionally {@code schema.table}): a temporary table hides the table of its name on its session however the name
     * is qualified, and a pooled session keeps it after the borrower that created it has closed its connection, so
     * the copier would read its rows as the store's or write into it, and report success. The sync fails instead, and
     * its keys stay recorded. Asked of MariaDB from 11.2, whose {@code information_schema.TABLES} lists the session's
     * own temporary tables (as {@code TEMPORARY}): one query per table and session within {@code refreshNanos}
     * ({@link #CHECKED}), which reads names only; MySQL and older MariaDB list none there and are not asked.
     *
     * @param store        which store the session is of, for the message
     * @param refreshNanos how long a session found clean is trusted for the table (the copier's catalog refresh)
     * @throws SQLException naming the table and the fix, when one is hidden
     */
    static void refuseHidden(Connection connection, String table, String store, long refreshNanos)
            throws SQLException {
        if (!listsTemporaryTables(connection.getMetaData().getDatabaseProductVersion())) {
            return;
        }
        Connection session = session(connection);
        String checkedTable = table.toLowerCase(Locale.ROOT);
        long now = System.nanoTime();
        Long cleanAt;
        synchronized (CHECKED) {
            cleanAt = CHECKED.computeIfAbsent(session, key -> new java.util.HashMap<>()).get(checkedTable);
        }
        if (cleanAt != null && now - cleanAt < refreshNanos) {
            return;
        }
        String hiding = temporaryHiding(connection, table);
        if (hiding != null) {
            throw new SQLException("a temporary table " + hiding + " on a pooled session of the "
                    + store + " store hides the table " + table + " the copier reads and writes there, so the"
                    + " sync does not run and its keys stay recorded; drop it (DROP TEMPORARY TABLE "
                    + hiding + ") before the session goes back to its pool, or close that session");
        }
        synchronized (CHECKED) {
            CHECKED.computeIfAbsent(session, key -> new java.util.HashMap<>()).put(checkedTable, now);
        }
    }

    /**
     * Whether a temporary table on {@code connection}'s MariaDB session (from 11.2, which lists them; false on MySQL
     * and older MariaDB) hides any of {@code tables} (configured names, optionally {@code schema.table}): asked now,
     * one query per table, trusting no earlier answer, and a rollback after them on a session outside auto-commit
     * (it holds no transaction). For the application's own session lent to a sync, whose owner may have created one
     * since the last loan.
     */
    static boolean hidesAny(Connection connection, java.util.Collection<String> tables) throws SQLException {
        if (!listsTemporaryTables(connection.getMetaData().getDatabaseProductVersion())) {
            return false;
        }
        boolean autoCommit = connection.getAutoCommit();
        try {
            for (String table : tables) {
                if (temporaryHiding(connection, table) != null) {
                    return true;
                }
            }
            return false;
        } finally {
            if (!autoCommit) {
                connection.rollback(); // a read only: the session is given back holding no transaction
            }
        }
    }

    /** The name of the session's temporary table that hides {@code table}, or null when none does. */
    private static @Nullable String temporaryHiding(Connection connection, String table) throws SQLException {
        int dot = table.lastIndexOf('.');
        try (java.sql.PreparedStatement statement = connection.prepareStatement("SELECT TABLE_NAME FROM"
                + " information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?"
                + " AND TABLE_TYPE = 'TEMPORARY'")) {
            // a bare name lives in the URL's database (OwnTable#homeOf), whatever database the session was left on
            statement.setString(1, dot < 0 ? io.dualwrite.jdbc.schema.OwnTable.urlDatabase(connection.getMetaData()
                    .getURL()) : table.substring(0, dot));
            statement.setString(2, table.substring(dot + 1));
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    /**
     * When each pooled session (the driver's connection under the pool's) was last found without a temporary table
     * hiding each table: asked again after the copier's catalog refresh, as the table's columns are, so a sync pays no
     * round trip for it on a session checked within that time. A temporary table created on a session after its check
     * goes unseen for at most that long. Weak keys: a session the pool closed is forgotten.
     */
    private static final java.util.Map<Connection, java.util.Map<String, Long>> CHECKED = new java.util.WeakHashMap<>();

    /** The driver's own connection under a pool's proxy, or {@code connection} when it wraps none. */
    private static Connection session(Connection connection) {
        try {
            return connection.isWrapperFor(Connection.class) ? connection.unwrap(Connection.class) : connection;
        } catch (SQLException notWrapped) {
            return connection;
        }
    }

    private static final java.util.regex.Pattern VERSION = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)");

    /** Whether a MySQL-family server version ({@code 11.4.5-MariaDB}) is MariaDB's from 11.2. */
    static boolean listsTemporaryTables(@Nullable String version) {
        if (version == null || !version.toLowerCase(Locale.ROOT).contains("mariadb")) {
            return false;
        }
        // the protocol's compatibility prefix of older servers (5.5.5-10.6.4-MariaDB) is not the version
        java.util.regex.Matcher number = VERSION.matcher(version.startsWith("5.5.5-") ? version.substring(6) : version);
        if (!number.find()) {
            return false;
        }
        int major = Integer.parseInt(number.group(1));
        return major > 11 || major == 11 && Integer.parseInt(number.group(2)) >= 2;
    }

    private static String qualified(CopyDialect dialect, String table, boolean folded) {
        List<String> parts = new ArrayList<>();
        for (String part : table.split("\\.", -1)) {
            parts.add(dialect.quote(folded ? dialect.fold(part) : part));
        }
        return String.join(".", parts);
    }

    /**
     * The statement text of {@code shape} (a value naming everything the text depends on besides this table: its
     * columns, its row or key count), built by {@code build} the first time. Texts of more than {@link
     * #CACHED_STATEMENT_ROWS} rows are built every time: a table then holds a bounded number of texts, and building
     * one is small beside writing that many rows.
     */
    String statement(Object shape, int rows, java.util.function.Supplier<String> build) {
        if (rows > CACHED_STATEMENT_ROWS) {
            return build.get();
        }
        String known = statements.get(shape);
        if (known == null) {
            known = build.get();
            statements.putIfAbsent(shape, known);
        }
        return known;
    }

    /** The table's name, quoted so that it reaches the table read. */
    String quotedTable() {
        return quotedTable;
    }

    Optional<Column> find(String column) {
        return Optional.ofNullable(byLowerName.get(column.toLowerCase(Locale.ROOT)));
    }

    Column get(String column) throws SQLException {
        Column found = byLowerName.get(column.toLowerCase(Locale.ROOT));
        if (found == null) {
            throw new SQLException("table " + table + " has no column '" + column + "'; it has " + names());
        }
        return found;
    }

    List<Column> all() {
        return new ArrayList<>(byLowerName.values());
    }

    private List<String> names() {
        return all().stream().map(Column::name).toList();
    }

    /** Carries {@link RowSecurity#refuseFiltered}'s refusal past the loop that tries the name's other spelling. */
    private static final class RowSecurityRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RowSecurityRefused(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
