package io.dualwrite.jdbc.schema;

import io.dualwrite.jdbc.Dialect;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Where one of dualwrite's own tables lives, so that the library's statements name it with its schema (PostgreSQL,
 * H2) or database (MySQL/MariaDB) and reach it whatever a pooled session was left on: an application that ran {@code
 * SET search_path}, {@code SET SCHEMA} or {@code USE other} on a session and handed it back to the pool would
 * otherwise make the library's unqualified name another table of the same name, or none.
 *
 * <p>The home is found once per table and data source, on the first session used, by the catalog rather than the
 * session's state, among the tables of the name as the server folds an unquoted one (a {@code "Dualwrite_Change_Log"}
 * is another table): on MySQL/MariaDB the database named in the driver's URL, or the session's current one when the
 * URL names none, if it holds the table, and never another database of the server (the catalog lists them all);
 * otherwise the one schema that holds it; when several do, on PostgreSQL the first of them on the {@code search_path}
 * a session starts with (whatever {@code SET} it ran since), on H2 the main schema ({@link #h2StartSchema}). When none holds it
 * (the schema is not created yet) the name stays unqualified, as before, so that the statement fails naming the
 * table, and the next session asks again. {@link #of} shares one instance per data source and table among the
 * components that hold none of their own (the tools' stores, made per run). For the library's use only.
 * Thread-safe.
 */
public final class OwnTable {

    /**
     * The tables located per data source, for components that hold no instance of their own (the tools' stores,
     * made per run): weakly keyed, so a data source dropped by the application is not kept.
     */
    private static final Map<DataSource, Map<String, OwnTable>> BY_DATA_SOURCE =
            Collections.synchronizedMap(new WeakHashMap<>());

    private final String table;
    private final Pattern mention;
    private volatile @Nullable String qualified;
    private volatile @Nullable String home;

    /** The table {@code table} (one of {@link DualWriteSchema#TABLES}), not yet located. */
    public OwnTable(String table) {
        this.table = table;
        // the name as a word: dualwrite_verification is not a part of dualwrite_verification_checkpoint
        this.mention = Pattern.compile("(?<![\\w$.`\"])" + Pattern.quote(table) + "(?![\\w$])");
    }

    /**
     * The table {@code table} of {@code dataSource}, located once for every component that names it there: the
     * tools' checkpoints and results, the verification probe and the schema check share the home found first.
     */
    public static OwnTable of(DataSource dataSource, String table) {
        return BY_DATA_SOURCE.computeIfAbsent(dataSource, any -> new ConcurrentHashMap<>())
                .computeIfAbsent(table, OwnTable::new);
    }

    /**
     * A session of {@code dataSource} whose prepared statements name {@code table} in its home ({@link #naming});
     * closing it closes the session. Taken as the user the pool logs in as ({@link
     * io.dualwrite.jdbc.copy.RowSecurity#asLoggedIn}: a session left under another role by an earlier borrower).
     *
     * @throws SQLException when no session can be had, or the catalog cannot be read
     */
    public static Connection session(DataSource dataSource, String table) throws SQLException {
        return of(dataSource, table).naming(io.dualwrite.jdbc.copy.RowSecurity.asLoggedIn(dataSource));
    }

    /**
     * The schema (PostgreSQL, H2) or database (MySQL/MariaDB) that holds the table, as the catalog spells it, found
     * on {@code connection} the first time; null while none does.
     *
     * @throws SQLException when the catalog cannot be read
     */
    public @Nullable String home(Connection connection) throws SQLException {
        if (qualified == null) {
            locate(connection);
        }
        return home;
    }

    /**
     * As {@link #home}, read from the catalog now rather than remembered: for the start-up checks
     * ({@link DualWriteSchema#verify}), which must see a table dropped since another component of the same data source
     * first found it.
     *
     * @throws SQLException when the catalog cannot be read
     */
    public @Nullable String homeNow(Connection connection) throws SQLException {
        @Nullable String found = find(connection, Dialect.detect(connection));
        if (found != null && qualified == null) {
            locate(connection);
        }
        return found;
    }

    /**
     * {@code sql} with each mention of the table qualified by its home, found on {@code connection} the first time.
     * The table's name must occur in {@code sql} only as the table (or a column's qualifier).
     *
     * @throws SQLException when the catalog cannot be read
     */
    public String in(Connection connection, String sql) throws SQLException {
        String name = qualified;
        if (name == null) {
            name = locate(connection);
        }
        return name.equals(table) ? sql : mention.matcher(sql).replaceAll(Matcher.quoteReplacement(name));
    }

    /**
     * {@code connection}, whose {@code prepareStatement} calls name the table in its home ({@link #in}); every other
     * call goes to {@code connection} as it is, and closing the view closes it.
     */
    public Connection naming(Connection connection) {
        return (Connection) Proxy.newProxyInstance(OwnTable.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                        args[0] = in(connection, sql);
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private String locate(Connection connection) throws SQLException {
        Dialect dialect = Dialect.detect(connection);
        @Nullable String found = find(connection, dialect);
        if (found == null) {
            return table;
        }
        String name = quote(dialect, found) + "." + table;
        home = found;
        qualified = name;
        return name;
    }

    private @Nullable String find(Connection connection, Dialect dialect) throws SQLException {
        List<String> holders = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                // in capitals: H2 under DATABASE_TO_UPPER=FALSE reads names as written, and its catalog's are capitals
                "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE LOWER(TABLE_NAME) = ?")) {
            select.setString(1, table.toLowerCase(Locale.ROOT));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    if (unquoted(dialect, rows.getString(2))) {
                        holders.add(rows.getString(1));
                    }
                }
            }
        }
        return choose(connection, dialect, holders);
    }

    /**
     * The schema (PostgreSQL, H2) or database (MySQL/MariaDB) that holds the application's table {@code name} (as the
     * catalog spells it: the caller folds a configured name as the server would), by the rule the library's own tables
     * are found by ({@link OwnTable}), so that the copier's and the tools' statements name the mapped table where it
     * lives whatever a pooled session was left on ({@code USE other}, {@code SET search_path}, {@code SET SCHEMA}):
     * on MySQL/MariaDB the database the driver's URL names (the session's current one when it names none) if it holds
     * the table; elsewhere the one schema that holds it, or of several the first on PostgreSQL's {@code search_path}
     * as sessions start (whatever a {@code SET} changed since) and on H2 the schema sessions start in ({@link
     * #h2StartSchema}: the main schema as the database folds names, the URL's {@code SCHEMA} being out of sight).
     * Temporary tables are never a home. Null when no such place holds it: the caller then names the
     * table as the session resolves it, as before. One catalog query (two on PostgreSQL or H2 with several holders).
     *
     * @throws SQLException when the catalog cannot be read
     */
    public static @Nullable String homeOf(Connection connection, String name) throws SQLException {
        Dialect dialect = Dialect.detect(connection);
        List<String> holders = new ArrayList<>();
        String sql = switch (dialect) {
            // the one database that may be the home, by name: the catalog answers it without opening every database's
            case MYSQL -> "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema ="
                    + " COALESCE(?, DATABASE()) AND table_name = ? AND table_type NOT LIKE '%TEMPORARY'";
            // pg_class by its name index, not information_schema's view over every relation
            case POSTGRESQL -> "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.relname = ? AND c.relpersistence <> 't'"
                    + " AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT LIKE 'pg\\_%'"
                    + " AND n.nspname <> 'information_schema'";
            // in capitals: under DATABASE_TO_UPPER=FALSE H2 reads names as written, and its catalog's are capitals
            case H2 -> "SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = ?"
                    + " AND TABLE_TYPE NOT LIKE '%TEMPORARY' AND TABLE_SCHEMA <> 'INFORMATION_SCHEMA'";
        };
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            if (dialect == Dialect.MYSQL) {
                select.setString(1, urlDatabase(connection.getMetaData().getURL()));
                select.setString(2, name);
            } else {
                select.setString(1, name);
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    // MySQL/MariaDB compare table names by their own rule (lower_case_table_names): any case is it
                    if (dialect == Dialect.MYSQL ? name.equalsIgnoreCase(rows.getString(2))
                            : name.equals(rows.getString(2))) {
                        holders.add(rows.getString(1));
                    }
                }
            }
        }
        if (dialect == Dialect.H2 && holders.size() > 1) {
            String named = h2StartSchema(connection);
            return holders.contains(named) ? named : null;
        }
        return choose(connection, dialect, holders);
    }

    /** Of the schemas or databases holding a table, its home ({@link #homeOf}'s rule). */
    private static @Nullable String choose(Connection connection, Dialect dialect, List<String> holders)
            throws SQLException {
        if (dialect == Dialect.MYSQL) {
            // the catalog lists every database of the server the user may see: one of them holding the table (another
            // application's, another environment's) is not this one's home
            @Nullable String configured = urlDatabase(connection.getMetaData().getURL());
            if (configured == null) {
                try (PreparedStatement select = connection.prepareStatement("SELECT DATABASE()");
                     ResultSet rows = select.executeQuery()) {
                    configured = rows.next() ? rows.getString(1) : null;
                }
            }
            for (String holder : holders) {
                if (holder.equals(configured)) {
                    return holder;
                }
            }
            if (holders.isEmpty() || configured == null || !caseBlindNames(connection)) {
                return null; // a server that keeps names by case (Linux's default): `SHOP` is another database
            }
            for (String holder : holders) {
                if (holder.equalsIgnoreCase(configured)) {
                    return holder;
                }
            }
            return null;
        }
        if (holders.size() == 1) {
            return holders.get(0);
        }
        if (holders.isEmpty()) {
            return null;
        }
        if (dialect == Dialect.POSTGRESQL) {
            return first(holders, sessionStartPath(connection));
        }
        // H2: the schema sessions start in, not the one this session was left in (SET SCHEMA by an earlier borrower)
        String named = h2StartSchema(connection);
        return holders.contains(named) ? named : null;
    }

    /**
     * The schema an H2 session of {@code connection}'s database starts in, as the catalog spells it: the {@code SCHEMA}
     * setting of the URL the driver reports, else the main schema, {@code PUBLIC} as the database folds names
     * ({@code public} under {@code DATABASE_TO_LOWER}). H2's driver leaves the settings out of the URL it reports
     * ({@link java.sql.DatabaseMetaData#getURL}), so a {@code SCHEMA=} of the application's URL is not seen here:
     * a table kept outside the main schema while the main schema holds one of the same name must be mapped as
     * {@code schema.table}. One query.
     *
     * @throws SQLException when the settings cannot be read
     */
    public static String h2StartSchema(Connection connection) throws SQLException {
        boolean lower;
        try (PreparedStatement select = connection.prepareStatement("SELECT SETTING_VALUE FROM"
                + " INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'DATABASE_TO_LOWER'");
             ResultSet rows = select.executeQuery()) {
            lower = rows.next() && Boolean.parseBoolean(rows.getString(1));
        }
        String url = connection.getMetaData().getURL();
        String named = h2UrlSchema(url);
        boolean quoted = url != null && url.matches("(?is).*;\\s*SCHEMA\\s*=\\s*\".*");
        return lower && !quoted ? named.toLowerCase(Locale.ROOT) : named;
    }

    /** The schema an H2 URL's sessions start in: its {@code SCHEMA} setting, else {@code PUBLIC}. */
    public static String h2UrlSchema(@Nullable String url) {
        if (url != null) {
            for (String part : url.split(";")) {
                int equals = part.indexOf('=');
                if (equals > 0 && part.substring(0, equals).trim().equalsIgnoreCase("SCHEMA")) {
                    String schema = part.substring(equals + 1).trim();
                    return schema.startsWith("\"") ? schema.substring(1, schema.length() - 1).replace("\"\"", "\"")
                            : schema.toUpperCase(Locale.ROOT);
                }
            }
        }
        return "PUBLIC";
    }

    /**
     * Whether a MySQL/MariaDB server compares database names without case ({@code lower_case_table_names} 1 or 2,
     * the default on Windows and macOS); with 0 (Linux's default) {@code shop} and {@code SHOP} are two databases.
     */
    private static boolean caseBlindNames(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT @@lower_case_table_names");
             ResultSet rows = select.executeQuery()) {
            return rows.next() && rows.getInt(1) != 0;
        }
    }

    /**
     * The schemas of the {@code search_path} a PostgreSQL session starts with (the server's, the database's or the
     * role's setting, or the connection's options: {@code pg_settings.reset_val}), which a {@code SET} in the session
     * does not change; {@code "$user"} is the role sessions start as: the {@code role} set for the session's user
     * and database ({@code ALTER ROLE login [IN DATABASE db] SET role = 'app'}, {@code ALTER DATABASE db SET role},
     * in the server's order of precedence; a login role whose sessions act as the application's role), else the
     * session's user. Read as the session's user alone, such a setup's {@code "$user"} named the login role's schema,
     * the application's role's schema was passed over and a table of the name in {@code public} taken. A {@code role}
     * given in the connection's options is not seen ({@code pg_settings} does not show that setting).
     */
    private static final String START_PATH = "SELECT s.reset_val, COALESCE((SELECT NULLIF(substr(c.setting, 6),"
            + " 'none') FROM pg_catalog.pg_db_role_setting d, unnest(d.setconfig) AS c(setting)"
            + " WHERE c.setting LIKE 'role=%'"
            + " AND d.setrole IN (0, (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = session_user))"
            + " AND d.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))"
            + " ORDER BY d.setrole <> 0 DESC, d.setdatabase <> 0 DESC LIMIT 1), session_user)"
            + " FROM pg_catalog.pg_settings s WHERE s.name = 'search_path'";

    private static List<String> sessionStartPath(Connection connection) throws SQLException {
        List<String> path = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(START_PATH);
             ResultSet rows = select.executeQuery()) {
            if (rows.next() && rows.getString(1) != null) {
                for (String part : rows.getString(1).split(",")) {
                    String schema = part.strip();
                    if (schema.startsWith("\"") && schema.endsWith("\"") && schema.length() > 1) {
                        schema = schema.substring(1, schema.length() - 1).replace("\"\"", "\"");
                    } else {
                        schema = schema.toLowerCase(Locale.ROOT);
                    }
                    path.add(schema.equals("$user") ? rows.getString(2) : schema);
                }
            }
        }
        return path;
    }

    /**
     * Whether the catalog's {@code name} is the table the library's unquoted name reaches: PostgreSQL folds it to
     * lower case, H2 to upper case (lower with {@code DATABASE_TO_LOWER}), MySQL/MariaDB keep it as written (the
     * library writes it in lower case); a table named in another case ({@code "Dualwrite_Change_Log"}) is another
     * table, which the catalog's case-blind comparison would otherwise count as a holder.
     */
    private boolean unquoted(Dialect dialect, @Nullable String name) {
        String lower = table.toLowerCase(Locale.ROOT);
        return lower.equals(name) || dialect == Dialect.H2 && table.toUpperCase(Locale.ROOT).equals(name);
    }

    private static @Nullable String first(List<String> holders, List<String> path) {
        for (String schema : path) {
            if (holders.contains(schema)) {
                return schema;
            }
        }
        return null;
    }

    /**
     * The database a MySQL/MariaDB JDBC URL names after its hosts ({@code jdbc:mariadb://h:1/shop?…}), the one its
     * sessions start in, or null when it names none.
     */
    public static @Nullable String urlDatabase(@Nullable String url) {
        if (url == null) {
            return null;
        }
        int hosts = url.indexOf("//");
        if (hosts < 0) {
            return null;
        }
        int slash = url.indexOf('/', hosts + 2);
        if (slash < 0) {
            return null;
        }
        int end = slash + 1;
        while (end < url.length() && url.charAt(end) != '?' && url.charAt(end) != ';' && url.charAt(end) != '/') {
            end++;
        }
        String database = url.substring(slash + 1, end);
        return database.isEmpty() ? null : java.net.URLDecoder.decode(database, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String quote(Dialect dialect, String name) {
        return dialect == Dialect.MYSQL ? '`' + name.replace("`", "``") + '`' : '"' + name.replace("\"", "\"\"") + '"';
    }
}
