package io.dualwrite.jdbc.copy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Refuses to read or write a PostgreSQL table through a session that the table's row security applies to. A policy
 * shows such a session some rows only (by tenant, by a value, by a setting of the session's), and every tool of the
 * library reads a table to learn which rows it holds: the copier took a row the policy hid for a deleted one (and
 * deleted it from the other store), and verification called two stores equal where the hidden rows differ, or
 * repaired the new store down to what the policy showed. What the policy hides cannot be known from outside it, so
 * the library does not guess: where {@code row_security_active} (PostgreSQL 9.5 on) answers true for the table under
 * the session's {@code current_user} (row security enabled on the table, the user neither a superuser nor holding
 * {@code BYPASSRLS}, and not the table's owner unless the table forces row security), the read fails naming the
 * table, the role and the fix, and each sync of it fails and is recorded, never taken as done. Used where the copier,
 * the backfill's key walk and verification first read a table's columns: one query per table and catalog read, on
 * PostgreSQL only. That check holds for the user the sessions log in as; a pooled session that an earlier borrower
 * left under another role ({@code SET ROLE}, {@code SET SESSION AUTHORIZATION} without {@code RESET}: HikariCP resets
 * neither) would read through that role's policies, so every session the library takes from a pool of a store is
 * taken by {@link #asLoggedIn}.
 */
public final class RowSecurity {

    private RowSecurity() {
    }

    /**
     * Fails when row security applies to {@code connection}'s current user on the PostgreSQL table {@code quoted} (a
     * name as the session resolves it, quoted, optionally qualified); does nothing when it does not, or when the
     * name resolves to no table.
     *
     * @param table what the message calls the table (its configured name)
     * @throws SQLException naming the table, the role and the fix, when row security applies; or when the
     *                      question cannot be asked (a broken session)
     */
    public static void refuseFiltered(Connection connection, String quoted, String table) throws SQLException {
        String role;
        String through = null;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT row_security_active(to_regclass(?)), current_user, c.relkind, c.oid, c.relowner,"
                        + " c.reloptions, (SELECT oid FROM pg_roles WHERE rolname = current_user)"
                        + " FROM (SELECT 1) AS one LEFT JOIN pg_class AS c ON c.oid = to_regclass(?)")) {
            statement.setString(1, quoted);
            statement.setString(2, quoted);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return;
                }
                role = rows.getString(2);
                if (!rows.getBoolean(1)) {
                    if (!"v".equals(rows.getString(3))) {
                        return;
                    }
                    long view = rows.getLong(4);
                    long reader = invoker(rows.getArray(6)) ? rows.getLong(7) : rows.getLong(5);
                    through = filteredBelow(connection, view, reader, 0);
                    if (through == null) {
                        return;
                    }
                }
            }
        }
        throw new SQLException("row security applies to the role " + role + " on the table " + table
                + " (" + quoted + (through == null ? "" : ", a view over " + through) + "): its policies may hide rows"
                + " from dualwrite's reads, which would take a hidden row for a deleted one, so dualwrite does not read"
                + " or write that table through this role (a sync fails and its keys stay recorded; verification and"
                + " backfill stop); let the sessions of this data source see every row: ALTER ROLE " + role
                + " BYPASSRLS, or log in as the table's owner (without FORCE ROW LEVEL SECURITY), and take"
                + " a tenant's role with SET ROLE in the application's own sessions", "42501");
    }

    /**
     * The first table under the view {@code view} (its rule's relations, through nested views) that row security
     * filters for the role that reads it: {@code reader} for the view's own relations, which is the querying role for
     * a view {@code WITH (security_invoker)} and the view's owner otherwise (PostgreSQL 15 on; {@code
     * row_security_active} of a view answers false). A role is filtered on a table with row security enabled unless
     * it is a superuser, holds {@code BYPASSRLS}, or has the privileges of the table's owner without {@code FORCE ROW
     * LEVEL SECURITY}. Null when none is, else the table and the role; one query per view level (asked only for a
     * view).
     */
    private static @Nullable String filteredBelow(Connection connection, long view,
            long reader, int depth) throws SQLException {
        if (depth > 32) {
            return null;
        }
        List<long[]> views = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT DISTINCT c.oid::regclass::text, c.relkind, c.relrowsecurity AND NOT (r.rolsuper OR"
                        + " r.rolbypassrls) AND (c.relforcerowsecurity OR NOT pg_has_role(r.oid, c.relowner,"
                        + " 'USAGE')), c.oid, c.relowner, c.reloptions::text, r.rolname"
                        + " FROM pg_rewrite AS w JOIN pg_depend AS d ON d.classid = 'pg_rewrite'::regclass"
                        + " AND d.objid = w.oid AND d.refclassid = 'pg_class'::regclass"
                        + " JOIN pg_class AS c ON c.oid = d.refobjid JOIN pg_roles AS r ON r.oid = ?"
                        + " WHERE w.ev_class = ? AND d.refobjid <> w.ev_class")) {
            statement.setLong(1, reader);
            statement.setLong(2, view);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String kind = rows.getString(2);
                    if (("r".equals(kind) || "p".equals(kind)) && rows.getBoolean(3)) {
                        return rows.getString(1) + ", which it reads as the role " + rows.getString(7);
                    }
                    if ("v".equals(kind)) {
                        String options = rows.getString(6);
                        views.add(new long[] {rows.getLong(4), invoker(options) ? reader : rows.getLong(5)});
                    }
                }
            }
        }
        for (long[] below : views) {
            String found = filteredBelow(connection, below[0], below[1], depth + 1);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static boolean invoker(@Nullable Array options) throws SQLException {
        return options != null && invoker(Arrays.toString((Object[]) options.getArray()));
    }

    /** Whether a view's options (as text) include {@code security_invoker} set to a true value. */
    private static boolean invoker(@Nullable String options) {
        if (options == null) {
            return false;
        }
        Matcher option = Pattern.compile(
                "security_invoker=(\\w+)", Pattern.CASE_INSENSITIVE).matcher(options);
        // PostgreSQL's readings of a true boolean (a prefix of true or yes, on, 1), kept as the view's DDL spelt it
        return option.find() && Set.of("true", "tru", "tr", "t", "yes", "ye", "y", "on", "1")
                .contains(option.group(1).toLowerCase(Locale.ROOT));
    }

    /**
     * A session of {@code pool} acting as the user it logged in as. On PostgreSQL a session an earlier borrower left
     * under another role ({@code SET ROLE r} or {@code SET SESSION AUTHORIZATION r} and no {@code RESET}; pools such as
     * HikariCP give sessions back so) reads and writes through that role's row security policies and privileges, and
     * {@link #refuseFiltered}'s check, made once per table on whichever session read it first, does not see it: a read
     * of the copier's found the rows the policy hides absent (a sync recorded them, a repair deleted them from the
     * other store), and verification refused the table naming the tenant's role. Such a session is put back to its
     * login user ({@code SET SESSION AUTHORIZATION DEFAULT}, {@code RESET ROLE}) for the library's use and left as it
     * was found when closed (the application's own later borrowers see what they left). Cost: one query per session
     * taken on PostgreSQL (three statements more, and up to two at the close, only on a session found so); other
     * products are returned as the pool gives them (MySQL's and MariaDB's roles only add privileges, whose lack fails
     * loudly; H2 has no session roles). A session left with another {@code IntervalStyle} (which changes
     * the text of an interval the copier reads, see {@link #INTERVAL_STYLE}) is set to the library's style alike and put back at close (round 26b);
     * one left with another value of a setting of {@link #MOVED_SETTINGS} is put back to the value it started with
     * alike, read in the same one query (round 27). An H2 session left in another time zone is put back to the one its
     * sessions start in ({@link #inStartZone}, round 27). A session outside
     * auto-commit is given holding no transaction.
     *
     * @param pool a data source of a store
     * @return a session to close as any other
     * @throws SQLException when the pool fails, or the session's user cannot be read or reset (the session closed)
     */
    public static Connection asLoggedIn(DataSource pool) throws SQLException {
        Connection connection = pool.getConnection();
        try {
            String product = connection.getMetaData().getDatabaseProductName();
            if ("H2".equals(product)) {
                return inStartZone(pool, connection);
            }
            if (!"PostgreSQL".equals(product)) {
                return connection;
            }
            String login = connection.getMetaData().getUserName();
            boolean autoCommit = connection.getAutoCommit();
            boolean asLoggedIn;
            String session;
            String role;
            String intervalStyle;
            List<String> moved = new ArrayList<>();
            List<String> movedValues = new ArrayList<>();
            List<String> movedSettings = new ArrayList<>();
            List<String> movedResets = new ArrayList<>();
            @Nullable List<String> initSql = initSql(pool);
            // a pool that runs SQL of the application's on every new session may move listed settings on purpose:
            // then every listed setting is read, and compared with the pool's start values ({@link #START_VALUES})
            String settings = initSql == null ? MOVED_SETTINGS : LISTED_SETTINGS;
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT current_user = session_user AND session_user = coalesce(?, session_user),"
                            + " session_user, current_setting('role'), current_setting('IntervalStyle'),"
                            + " (SELECT array_agg(name ORDER BY name) FROM pg_settings WHERE " + settings + "),"
                            + " (SELECT array_agg(current_setting(name) ORDER BY name) FROM pg_settings WHERE "
                            + settings + "),"
                            + " (SELECT array_agg(setting ORDER BY name) FROM pg_settings WHERE " + settings + "),"
                            + " (SELECT array_agg(reset_val ORDER BY name) FROM pg_settings WHERE " + settings + ")")) {
                statement.setString(1, login);
                try (ResultSet rows = statement.executeQuery()) {
                    if (!rows.next()) {
                        if (!autoCommit) {
                            connection.rollback(); // a read only
                        }
                        return connection;
                    }
                    asLoggedIn = rows.getBoolean(1);
                    session = rows.getString(2);
                    role = rows.getString(3);
                    intervalStyle = rows.getString(4);
                    moved.addAll(texts(rows.getArray(5)));
                    movedValues.addAll(texts(rows.getArray(6)));
                    movedSettings.addAll(texts(rows.getArray(7)));
                    movedResets.addAll(texts(rows.getArray(8)));
                }
            }
            @Nullable Map<String, String> start = initSql == null ? Map.of() : START_VALUES.get(pool);
            if (start == null && movedSettings.equals(movedResets)) {
                start = Map.of(); // the session is at the server's start values: nothing to learn from it yet
            }
            if (start != null) {
                keepMoved(start, moved, movedValues, movedSettings, movedResets);
            }
            boolean spelt = INTERVAL_STYLE.equals(intervalStyle);
            if (asLoggedIn && spelt && moved.isEmpty()) {
                if (!autoCommit) {
                    connection.rollback(); // a read only
                }
                return connection;
            }
            String authenticated = session;
            try (Statement statement = connection.createStatement()) {
                if (!asLoggedIn) {
                    statement.execute("SET SESSION AUTHORIZATION DEFAULT");
                    statement.execute("RESET ROLE");
                    try (ResultSet rows = statement.executeQuery("SELECT session_user")) {
                        rows.next();
                        authenticated = rows.getString(1);
                    }
                }
                if (!spelt) {
                    statement.execute("SET IntervalStyle = " + INTERVAL_STYLE);
                }
                if (!moved.isEmpty() && start != null) {
                    StringBuilder set = new StringBuilder("SELECT ");
                    for (int i = 0; i < moved.size(); i++) {
                        set.append(i == 0 ? "" : ", ").append("set_config(").append(quotedValue(moved.get(i)))
                                .append(", ").append(quotedValue(movedResets.get(i))).append(", false)");
                    }
                    statement.execute(set.toString());
                } else if (!moved.isEmpty() && initSql != null) {
                    learnStartValues(pool, statement, initSql, moved, movedValues, movedSettings, movedResets);
                }
            }
            if (!autoCommit) {
                connection.commit(); // a setting inside a transaction holds only once committed
            }
            return reverting(connection, asLoggedIn ? null : session, asLoggedIn ? null : role, authenticated,
                    spelt ? null : intervalStyle, moved, movedValues);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * An H2 session in the time zone its sessions start in (the JVM's), and put back to the zone it was found in at
     * close. An earlier borrower's {@code SET TIME ZONE} (H2 keeps it for the session; HikariCP does not reset it)
     * made H2 read a {@code date} the copier bound into {@code TIMESTAMP WITH TIME ZONE} as midnight of that zone
     * (round 27: {@code +14:00} wrote 14 hours off a clean session's value, nothing recorded). One query per session
     * taken on H2 (in the same JVM for an embedded database), and two statements more only on a session found so.
     */
    private static Connection inStartZone(DataSource pool, Connection connection) throws SQLException {
        @Nullable String zone;
        boolean autoCommit = connection.getAutoCommit();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                     + " WHERE SETTING_NAME = 'TIME ZONE'")) {
            zone = rows.next() ? rows.getString(1) : null;
        }
        @Nullable List<String> initSql = initSql(pool);
        // a pool that runs SQL of the application's on every session it opens may put its own zone on them: the
        // zone they start in is then what that SQL sets, learnt once per pool (round 28: reset to the JVM's, a date
        // copied into TIMESTAMP WITH TIME ZONE took midnight of the JVM's zone, not the application's)
        @Nullable String start = initSql == null ? null : H2_START_ZONES.get(pool);
        if (zone == null || sameRules(zone, start == null ? ZoneId.systemDefault() : zoneOf(start))) {
            return connection; // an H2 SET is no transactional statement: nothing to end
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TIME ZONE LOCAL");
            if (initSql != null) {
                if (start == null) {
                    for (String sql : initSql) {
                        statement.execute(sql); // what the pool runs on every session it opens
                    }
                    try (ResultSet rows = statement.executeQuery("SELECT SETTING_VALUE FROM"
                            + " INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'TIME ZONE'")) {
                        start = rows.next() ? rows.getString(1) : ZoneId.systemDefault().getId();
                    }
                    H2_START_ZONES.put(pool, start);
                } else {
                    statement.execute("SET TIME ZONE " + quotedValue(start));
                }
                if (sameRules(zone, zoneOf(start))) {
                    return connection; // found at the pool's start, where it is left
                }
            }
        }
        if (!autoCommit) {
            connection.commit(); // a SET commits on H2; the session is handed over holding no transaction
        }
        String found = zone;
        // left in the zone a session starts in, a pool's clean state, when it cannot be put back
        return puttingBack(connection, statement -> statement.execute("SET TIME ZONE " + quotedValue(found)));
    }

    /** The zones the sessions of an H2 pool with init SQL start in ({@link #inStartZone}), learnt once per pool. */
    private static final Map<DataSource, String> H2_START_ZONES = Collections.synchronizedMap(new WeakHashMap<>());

    private static ZoneId zoneOf(String zone) {
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException unknown) {
            return ZoneId.systemDefault();
        }
    }

    private static boolean sameRules(String zone, ZoneId start) {
        try {
            return ZoneId.of(zone).getRules().equals(start.getRules());
        } catch (DateTimeException unknown) {
            return false;
        }
    }

    /**
     * The start values of the settings of {@link #MOVED_SETTINGS} that the SQL a pool runs on every new session
     * ({@link #initSql}) sets, per pool, learnt once: weakly keyed, so a pool dropped by the application is not kept.
     */
    private static final Map<DataSource, Map<String, String>> START_VALUES =
            Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The SQL {@code pool} runs on every session it opens, before any borrower has it, in order, or null: read by the
     * pool's public getter ({@link #INIT_SQL_GETTERS}, so that the library needs no dependency on any pool), looking
     * through data sources that delegate to another. An application puts its own zone, date style or other setting
     * on every session so; it is the value a session of that pool starts with, which round 27's reset to the server's
     * start value ({@code reset_val}) undid: a {@code date} copied into {@code timestamptz} took midnight of the
     * server's zone where every write of the application's takes midnight of its own (round 27b). Until round 28 only
     * a bare HikariCP pool was asked; the same pool behind Spring's {@code TransactionAwareDataSourceProxy} was taken
     * at the server's start values, and the copy was 9 hours off again. Null for a pool that tells none: it is taken
     * at the server's and driver's start values.
     */
    static @Nullable List<String> initSql(DataSource pool) {
        Object at = pool;
        for (int depth = 0; depth < 16; depth++) {
            for (String getter : INIT_SQL_GETTERS) {
                Object sql = get(at, getter);
                if (sql instanceof String text && !text.isBlank()) {
                    return List.of(text);
                }
                if (sql instanceof Collection<?> texts && !texts.isEmpty()) {
                    List<String> all = new ArrayList<>();
                    for (Object text : texts) {
                        if (text instanceof String one && !one.isBlank()) {
                            all.add(one);
                        }
                    }
                    return all.isEmpty() ? null : List.copyOf(all);
                }
            }
            Object target = get(at, "getTargetDataSource");
            if (!(target instanceof DataSource) || target == at) {
                return null;
            }
            at = target;
        }
        return null;
    }

    /**
     * The public getters by which pools tell the SQL they run on every session they open: HikariCP's {@code
     * getConnectionInitSql} (one text), Apache DBCP2's {@code getConnectionInitSqls} (a list), Tomcat JDBC's and Vibur's
     * {@code getInitSQL}. A data source that hands out another's sessions (Spring's {@code DelegatingDataSource} and
     * its kin, {@code TransactionAwareDataSourceProxy}, {@code LazyConnectionDataSourceProxy}) is looked through by
     * its public {@code getTargetDataSource}. Why not learn the start from a session instead (round 28): a server
     * cannot tell a {@code SET} a pool ran on a new session from one an earlier borrower left (PostgreSQL shows both
     * as {@code source = session}, MariaDB shows neither), and the library's first session of a pool may already carry
     * a borrower's leftover (round 27's members leave one on every session before the first sync); only the pool's
     * own description separates them. A pool that runs SQL by other means (c3p0's connection customizers) is taken at
     * the server's and driver's start values.
     */
    private static final List<String> INIT_SQL_GETTERS = List.of("getConnectionInitSql", "getConnectionInitSqls",
            "getInitSQL");

    private static @Nullable Object get(Object on, String getter) {
        try {
            return on.getClass().getMethod(getter).invoke(on);
        } catch (ReflectiveOperationException | RuntimeException none) {
            return null;
        }
    }

    /**
     * Learns {@code pool}'s start values on the session at hand, once per pool: puts the listed settings back to the
     * server's start values, runs the pool's own SQL ({@code initSql}, which the pool runs on every session it opens,
     * so running it once more is what the application already expects of it), and reads what it set. The session is
     * left at those start values; the lists are cut to the settings the session was found off them, to be set back
     * at close. Two round trips and one query, once per pool.
     */
    private static void learnStartValues(DataSource pool, Statement statement, List<String> initSql, List<String> moved,
            List<String> movedValues, List<String> movedSettings, List<String> movedResets) throws SQLException {
        StringBuilder reset = new StringBuilder();
        for (int i = 0; i < moved.size(); i++) {
            if (!movedSettings.get(i).equals(movedResets.get(i))) {
                reset.append(reset.length() == 0 ? "" : "; ").append("RESET ").append(quoted(moved.get(i)));
            }
        }
        statement.execute(reset.toString()); // one round trip: the driver sends the statements together
        for (String sql : initSql) {
            statement.execute(sql);
        }
        Map<String, String> start = new HashMap<>();
        try (ResultSet rows = statement.executeQuery("SELECT name, setting FROM pg_settings WHERE " + LISTED_SETTINGS
                + " AND setting IS DISTINCT FROM reset_val")) {
            while (rows.next()) {
                start.put(rows.getString(1), rows.getString(2));
            }
        }
        START_VALUES.put(pool, Map.copyOf(start));
        keepMoved(start, moved, movedValues, movedSettings, movedResets);
    }

    /**
     * Cuts the lists (names, current values, settings, server start values, by index) to the settings off their
     * start value in {@code start} (the server's where {@code start} has none), and sets each one's start value in
     * place of the server's.
     */
    private static void keepMoved(Map<String, String> start, List<String> moved, List<String> movedValues,
            List<String> movedSettings, List<String> movedResets) {
        for (int i = moved.size() - 1; i >= 0; i--) {
            String target = start.getOrDefault(moved.get(i), movedResets.get(i));
            if (target.equals(movedSettings.get(i))) {
                moved.remove(i);
                movedValues.remove(i);
                movedSettings.remove(i);
                movedResets.remove(i);
            } else {
                movedResets.set(i, target);
            }
        }
    }

    private static List<String> texts(@Nullable Array array) throws SQLException {
        List<String> texts = new ArrayList<>();
        if (array != null) {
            for (Object value : (Object[]) array.getArray()) {
                texts.add((String) value);
            }
        }
        return texts;
    }

    /** The settings of {@link #MOVED_SETTINGS}, whatever their value. */
    static final String LISTED_SETTINGS = "lower(name) IN ('timezone', 'datestyle', 'array_nulls', 'bytea_output',"
            + " 'extra_float_digits', 'standard_conforming_strings', 'lc_monetary', 'lc_numeric', 'xmloption',"
            + " 'timezone_abbreviations', 'transform_null_equals', 'session_replication_role')";

    /**
     * The condition on {@code pg_settings} that finds the PostgreSQL settings of a session, other than {@code
     * IntervalStyle} ({@link #INTERVAL_STYLE}), that change how the server reads or spells a value the library copies
     * or how a write of the library's acts, and that differ from the value the session started with ({@code
     * reset_val}: the server's, the database's, the role's or the driver's startup options, what every clean session
     * of the pool has). A session an earlier borrower left so ({@code SET} and no {@code RESET}: HikariCP resets none)
     * made the library's copy depend on that borrower (round 27): {@code TimeZone} read a {@code date} copied into
     * {@code timestamptz} as midnight of that zone and spelt a {@code timestamptz[]} or range copied into text in it;
     * {@code array_nulls = off} read the {@code NULL} element of a copied array as the text {@code 'NULL'}; {@code
     * DateStyle}, {@code bytea_output}, {@code extra_float_digits}, {@code standard_conforming_strings}, {@code
     * lc_monetary}, {@code lc_numeric}, {@code xmloption}, {@code timezone_abbreviations} and {@code
     * transform_null_equals} change a value's text or how a text or a comparison is read, and {@code
     * session_replication_role} whether the target's triggers and foreign keys act on the library's writes. Such a
     * session is put back to those start values for the library's use ({@code RESET}) and set back as found at close,
     * so the library copies as on a clean session of the same pool. A pool that runs SQL of the application's on every
     * session it opens (HikariCP's {@code connectionInitSql}) starts its sessions at what that SQL sets, and they are
     * put back to that instead ({@link #initSql}, round 27b). Not listed: {@code search_path} (the library
     * names its tables by the catalog, and an application may choose its schema by a {@code SET} on every session),
     * and settings whose effect on the library fails loudly and is recorded ({@code default_transaction_read_only},
     * {@code statement_timeout}, {@code lock_timeout}).
     */
    static final String MOVED_SETTINGS = LISTED_SETTINGS + " AND setting IS DISTINCT FROM reset_val";

    /**
     * The {@code IntervalStyle} the library reads PostgreSQL intervals in: {@code postgres}, the server's default (an
     * interval read as {@code 1 day 02:00:00}, which {@code iso_8601} spells {@code P1DT2H}). A session an earlier
     * borrower left under another style copied intervals into text columns so spelt and refused interval keys that
     * the new store holds exactly (round 26b); such a session is set to this style for the library's use.
     */
    static final String INTERVAL_STYLE = "postgres";

    /**
     * {@code connection}, which puts back {@code intervalStyle} (the one it was found with, when changed), {@code session} (when not the user it authenticated as) and {@code role} (or
     * no role: {@code none}) when closed; null for what was not changed.
     */
    private static Connection reverting(Connection connection, @Nullable String session,
            @Nullable String role, String authenticated,
            @Nullable String intervalStyle, List<String> moved, List<String> movedValues) {
        // as found; a failure leaves the session as it logged in (a pool's clean state)
        return puttingBack(connection, statement -> {
            if (intervalStyle != null) {
                statement.execute("SET IntervalStyle = " + quotedValue(intervalStyle));
            }
            if (!moved.isEmpty()) {
                StringBuilder set = new StringBuilder("SELECT ");
                for (int i = 0; i < moved.size(); i++) {
                    set.append(i == 0 ? "" : ", ").append("set_config(").append(quotedValue(moved.get(i)))
                            .append(", ").append(quotedValue(movedValues.get(i))).append(", false)");
                }
                statement.execute(set.toString());
            }
            if (session != null && !session.equals(authenticated)) {
                statement.execute("SET SESSION AUTHORIZATION " + quoted(session));
            }
            if (role != null && !"none".equals(role)) {
                statement.execute("SET ROLE " + quoted(role));
            }
        });
    }

    /** What a session taken for the library's use runs at close to be as it was found. */
    @FunctionalInterface
    private interface PutBack {
        void run(Statement statement) throws SQLException;
    }

    /**
     * {@code connection}, whose {@code close()} ends an open transaction as a close does (rolled back), runs {@code
     * putBack}, commits it outside auto-commit, then closes. A failure to put back does not fail the work done on the
     * session: it is closed as it is, as the library used it (a pool's clean state).
     */
    private static Connection puttingBack(Connection connection, PutBack putBack) {
        return (Connection) Proxy.newProxyInstance(RowSecurity.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        if (connection.isClosed()) {
                            return null;
                        }
                        try {
                            boolean autoCommit = connection.getAutoCommit();
                            if (!autoCommit) {
                                connection.rollback(); // what a close of an open transaction does
                            }
                            try (Statement statement = connection.createStatement()) {
                                putBack.run(statement);
                            }
                            if (!autoCommit) {
                                connection.commit();
                            }
                        } catch (SQLException notPutBack) {
                            // closed as the library used it
                        } finally {
                            connection.close();
                        }
                        return null;
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String quotedValue(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
