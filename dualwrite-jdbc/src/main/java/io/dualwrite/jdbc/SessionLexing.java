package io.dualwrite.jdbc;

import io.dualwrite.jdbc.statement.TxControl;
import io.dualwrite.jdbc.statement.TxControl.Lexing;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a session's server reads a backslash inside quotes, or brackets ({@link TxControl.Lexing}), which its settings
 * decide and a {@code SET}, the server's default or the driver's session variables may change at any time: MySQL's and
 * MariaDB's {@code sql_mode} ({@code NO_BACKSLASH_ESCAPES}, {@code ANSI_QUOTES}, and MariaDB's {@code MSSQL}, in
 * which {@code […]} quotes an identifier) and PostgreSQL's {@code standard_conforming_strings}. What the drivers keep
 * from the server's replies is read without a statement: MariaDB's status flag for {@code NO_BACKSLASH_ESCAPES}
 * ({@link ServerTransaction#noBackslashEscapes}), pgjdbc's tracked {@code standard_conforming_strings}. What they do
 * not keep ({@code ANSI_QUOTES}, {@code MSSQL}, any setting under another driver) gives several possible readings
 * ({@link #possible}); so does H2's {@code MSSQLServer} mode, a database setting in which {@code […]} quotes an
 * identifier. Only a text that those readings take for different
 * transaction control makes the connection ask the server ({@link #asked}).
 *
 * <p>The drivers are no dependency of this module: they are read by reflection, as {@link ServerTransaction}
 * reads MariaDB's status.
 */
final class SessionLexing {

    private static final Lexing MYSQL_DEFAULT = Lexing.defaults(Dialect.MYSQL);
    private static final Lexing ANSI_QUOTES = new Lexing(true, false);
    private static final Lexing ESCAPE_STRINGS = new Lexing(true, false);
    private static final Lexing H2_BRACKETS = new Lexing(false, false, true);
    /** MariaDB's {@code MSSQL} mode: {@code ANSI_QUOTES} and brackets, a backslash escaping in strings. */
    private static final Lexing MSSQL = new Lexing(true, false, true);
    /** MariaDB's {@code MSSQL} mode with {@code NO_BACKSLASH_ESCAPES}: brackets, no backslash escapes. */
    private static final Lexing MSSQL_LITERAL = new Lexing(false, false, true);

    /** A text that may change how the session lexes, so that what the session said before it does not hold for it. */
    private static final Pattern CHANGES_LEXING = Pattern.compile(
            "(?i)sql_mode|standard_conforming_strings|set_config|reset|discard");

    private SessionLexing() {
    }

    /**
     * The readings of a backslash in quotes that {@code physical}'s session may take for {@code sql}, the most likely
     * first; one when the driver knows the settings that decide it, or when {@code sql} holds no backslash nor
     * bracket (then the driver is not read at all). Never empty; never throws.
     */
    static List<Lexing> possible(Connection physical, @Nullable Dialect dialect, String sql) {
        if (dialect == null) {
            return List.of(Lexing.STANDARD);
        }
        if (sql.indexOf('\\') < 0 && sql.indexOf('[') < 0) {
            return List.of(Lexing.defaults(dialect)); // every reading is the same: nothing to read of the driver
        }
        if (dialect == Dialect.H2) {
            // the mode is the database's, not kept by the driver: brackets are possible quotes wherever one shows
            return sql.indexOf('[') >= 0 ? List.of(Lexing.STANDARD, H2_BRACKETS) : List.of(Lexing.STANDARD);
        }
        boolean changes = mayChange(sql);
        if (dialect == Dialect.MYSQL) {
            Boolean literal = changes ? null : ServerTransaction.noBackslashEscapes(physical);
            // brackets are quotes in MariaDB's MSSQL mode only, which no driver keeps: a reading of its own wherever one shows
            boolean brackets = sql.indexOf('[') >= 0;
            if (Boolean.TRUE.equals(literal)) {
                // ANSI_QUOTES or not: no backslash escapes
                return brackets ? List.of(Lexing.STANDARD, MSSQL_LITERAL) : List.of(Lexing.STANDARD);
            }
            if (literal == null) {
                return brackets ? List.of(MYSQL_DEFAULT, ANSI_QUOTES, Lexing.STANDARD, MSSQL, MSSQL_LITERAL)
                        : List.of(MYSQL_DEFAULT, ANSI_QUOTES, Lexing.STANDARD);
            }
            return brackets ? List.of(MYSQL_DEFAULT, ANSI_QUOTES, MSSQL) : List.of(MYSQL_DEFAULT, ANSI_QUOTES);
        }
        Boolean standard = changes ? null : standardConformingStrings(physical);
        if (standard == null) {
            return List.of(Lexing.STANDARD, ESCAPE_STRINGS);
        }
        return List.of(standard ? Lexing.STANDARD : ESCAPE_STRINGS);
    }

    /**
     * Whether {@code sql} holds a backslash or a bracket and may change how its own session reads one (it names a
     * setting that decides it, or resets the session): what the session says before it runs does not tell how it reads
     * the rest.
     */
    static boolean mayChange(String sql) {
        return ((sql.indexOf('\\') >= 0 || sql.indexOf('[') >= 0) && CHANGES_LEXING.matcher(sql).find())
                || (sql.indexOf('[') >= 0 && H2_MODE.matcher(sql).find());
    }

    /** A text that may change H2's mode, so that brackets may be quotes in one part of it and not in another. */
    private static final Pattern H2_MODE = Pattern.compile("(?i)\\bmode\\b");

    /**
     * How {@code physical}'s session reads a backslash and brackets now, asked of a MySQL or MariaDB server ({@code
     * @@SESSION.sql_mode}: one round trip, no table read, no lock); null on PostgreSQL (a failed statement there would
     * abort the caller's transaction) and when the answer cannot be had.
     */
    static @Nullable Lexing asked(Connection physical, @Nullable Dialect dialect) {
        if (dialect == Dialect.H2) {
            return h2Mode(physical);
        }
        if (dialect != Dialect.MYSQL) {
            return null;
        }
        try (Statement statement = physical.createStatement();
             ResultSet mode = statement.executeQuery("SELECT @@SESSION.sql_mode")) {
            if (!mode.next()) {
                return null;
            }
            String modes = "," + String.valueOf(mode.getString(1)).toUpperCase(Locale.ROOT).replace(" ", "") + ",";
            boolean brackets = modes.contains(",MSSQL,"); // MariaDB's; also ANSI_QUOTES, which it lists
            if (modes.contains(",NO_BACKSLASH_ESCAPES,")) {
                return brackets ? MSSQL_LITERAL : Lexing.STANDARD;
            }
            if (brackets) {
                return MSSQL;
            }
            // ANSI is a combination that holds ANSI_QUOTES; MariaDB lists both
            return modes.contains(",ANSI_QUOTES,") || modes.contains(",ANSI,") ? ANSI_QUOTES : MYSQL_DEFAULT;
        } catch (SQLException | RuntimeException unknown) {
            return null;
        }
    }

    /** How H2 lexes brackets in its current mode ({@code INFORMATION_SCHEMA.SETTINGS}); null when not answered. */
    private static @Nullable Lexing h2Mode(Connection physical) {
        try (Statement statement = physical.createStatement();
             ResultSet mode = statement.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'MODE'")) {
            if (!mode.next()) {
                return null;
            }
            return "MSSQLServer".equalsIgnoreCase(String.valueOf(mode.getString(1)).strip()) ? H2_BRACKETS
                    : Lexing.STANDARD;
        } catch (SQLException | RuntimeException unknown) {
            return null;
        }
    }

    /** pgjdbc's {@code standard_conforming_strings} as the server last reported it; null under another driver. */
    private static @Nullable Boolean standardConformingStrings(Connection physical) {
        return ServerTransaction.pgjdbc(physical, "getStandardConformingStrings") instanceof Boolean on ? on : null;
    }
}
