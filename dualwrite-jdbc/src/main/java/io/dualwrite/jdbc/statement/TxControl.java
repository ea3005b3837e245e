package io.dualwrite.jdbc.statement;

import io.dualwrite.jdbc.Dialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Transaction control sent as SQL text rather than through the JDBC methods; the connection proxy treats
 * each exactly like the JDBC method of the same meaning.
 */
public enum TxControl {
    /** Not transaction control. */
    NONE,
    /** {@code BEGIN}, {@code START TRANSACTION}, {@code BEGIN WORK}: a transaction opens although JDBC is in auto-commit. */
    BEGIN,
    /** {@code COMMIT}, {@code END}, {@code COMMIT WORK}. */
    COMMIT,
    /** {@code COMMIT AND CHAIN}: commits and opens the next transaction at once. */
    COMMIT_AND_CHAIN,
    /** {@code ROLLBACK}, {@code ABORT}, {@code ROLLBACK WORK}. */
    ROLLBACK,
    /** {@code ROLLBACK AND CHAIN}: rolls back and opens the next transaction at once. */
    ROLLBACK_AND_CHAIN,
    /** {@code ROLLBACK TO [SAVEPOINT] name}. */
    ROLLBACK_TO_SAVEPOINT,
    /** {@code SAVEPOINT name}. */
    SAVEPOINT,
    /** {@code RELEASE [SAVEPOINT] name}. */
    RELEASE_SAVEPOINT,
    /** MySQL's {@code SET autocommit = 0}. */
    AUTOCOMMIT_OFF,
    /** MySQL's {@code SET autocommit = 1}: commits an open transaction. */
    AUTOCOMMIT_ON,
    /** MySQL's {@code XA START 'xid'} (or {@code XA BEGIN}): an XA transaction opens. */
    XA_START,
    /** MySQL's {@code XA END 'xid'}: the last point at which the XA transaction takes statements. */
    XA_END,
    /** MySQL's {@code XA PREPARE 'xid'}: the XA transaction is prepared, to be committed by this or another session. */
    XA_PREPARE,
    /** MySQL's {@code XA COMMIT 'xid' [ONE PHASE]}, PostgreSQL's {@code COMMIT PREPARED 'gid'}. */
    XA_COMMIT,
    /** MySQL's {@code XA ROLLBACK 'xid'}, PostgreSQL's {@code ROLLBACK PREPARED 'gid'}. */
    XA_ROLLBACK,
    /**
     * PostgreSQL's {@code PREPARE TRANSACTION 'gid'}: the open transaction leaves the session prepared, to be committed
     * by {@code COMMIT PREPARED 'gid'} in this or another session; the session is in no transaction afterwards.
     */
    PREPARE_TRANSACTION,
    /**
     * MySQL's and MariaDB's dynamic SQL whose text is not known here ({@code EXECUTE s} of a {@code PREPARE s FROM
     * @sql}, {@code EXECUTE IMMEDIATE @sql}, a name not prepared in sight): it may be any statement, transaction
     * control included. Never told by {@link #of}: the connection tells it from its session's prepared statements
     * ({@link #dynamicText}).
     */
    DYNAMIC,
    /**
     * Several statements in one text, at least one of them transaction control ({@code BEGIN; UPDATE …; COMMIT}):
     * {@link #statements} gives them in order.
     */
    MIXED;

    /**
     * A {@code BEGIN} that opens MariaDB's anonymous block, not a transaction: one followed by a word other than those
     * of transaction control ({@code WORK}, {@code TRANSACTION}, PostgreSQL's modes {@code ISOLATION}, {@code READ},
     * {@code [NOT] DEFERRABLE}): {@code BEGIN NOT ATOMIC …} in every mode, and in {@code sql_mode} {@code ORACLE} any
     * {@code BEGIN} with a body ({@code BEGIN UPDATE t …; COMMIT; END}). Elsewhere such a text is a syntax error, which
     * runs nothing.
     */
    static final String BLOCK_BEGIN =
            "begin\\s+(?!(?:work|transaction|isolation|read|deferrable|not\\s+deferrable)\\b)(?=[^\\s;])";

    /** The start of a statement whose body may hold several statements: routines, triggers, blocks. */
    private static final Pattern COMPOUND = Pattern.compile(
            "(?i)(?:(create|alter|do|declare|delimiter|[\\w`\"]+\\s*:\\s*begin)\\b|" + BLOCK_BEGIN + ")");

    private static final Pattern CONTROL = Pattern.compile(
            "(?is)\\s*(?:(start\\s+transaction|begin(?!\\s+(?!(?:work|transaction|isolation|read|deferrable"
            + "|not\\s+deferrable)\\b)[^\\s;])(?:\\s+(?:work|transaction))?)"
            + "|(commit|end)(?:\\s+(?:work|transaction))?(\\s+and\\s+(?:no\\s+)?chain)?"
            + "|(rollback|abort)(?:\\s+(?:work|transaction))?(\\s+to\\b|\\s+and\\s+(?:no\\s+)?chain)?"
            + "|(savepoint)\\b|(release)\\b"
            + "|set\\s+(?:session\\s+|local\\s+|@@session\\.|@@local\\.|@@)?autocommit(?:\\s*:?=\\s*|\\s+)"
            + "(0|1|on|off|true|false|default|'(?:0|1|on|off)')(?![\\w']))"
            + "(?:\\s*[;(,]|\\s+\\S|[\"`]|\\s*$)(?s).*");

    /**
     * The savepoint a {@code SAVEPOINT}, {@code ROLLBACK TO} or {@code RELEASE} statement names: its last word, in
     * lower case (MySQL and MariaDB compare savepoint names without case, quoted in backquotes or not; PostgreSQL
     * folds unquoted names), except a name in double quotes, which PostgreSQL keeps as written.
     */
    public static String savepointName(String sql) {
        String text = normalized(sql).strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        int start = text.length();
        char last = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
        if (last == '"' || last == '`') {
            // the quote that opens the name: a doubled quote inside it ("a""b", `a``b`) stands for one
            int open = text.length() - 2;
            while (open >= 0 && !(text.charAt(open) == last && (open == 0 || text.charAt(open - 1) != last))) {
                open -= open > 0 && text.charAt(open) == last ? 2 : 1;
            }
            String quote = String.valueOf(last);
            String name = open < 0 ? text : text.substring(open + 1, text.length() - 1).replace(quote + quote, quote);
            return last == '"' ? name : name.toLowerCase(java.util.Locale.ROOT);
        }
        while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) {
            start--;
        }
        return text.substring(start).toLowerCase(java.util.Locale.ROOT);
    }

    /** What {@code sql} does to the transaction, if anything; leading comments are skipped. */
    public static TxControl of(String sql) {
        List<String> statements = statements(sql);
        if (statements.size() > 1) {
            // a routine's or block's body holds semicolons and BEGIN … END of its own: it is one statement
            return !COMPOUND.matcher(statements.get(0)).lookingAt()
                    && statements.stream().anyMatch(part -> one(part) != NONE) ? MIXED : NONE;
        }
        return statements.isEmpty() ? NONE : one(statements.get(0));
    }

    /**
     * The statements of {@code sql}, each without comments and with its white space collapsed, split at the
     * semicolons outside quotes and comments; empty when the text is too long to be transaction control (over
     * {@link #SCANNED} characters) or has an unterminated quote or comment.
     */
    public static List<String> statements(String sql) {
        String text = normalized(sql);
        if (text.isEmpty() && !sql.isBlank()) {
            return List.of();
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int dollar = quote == 0 ? dollarQuoteEnd(text, i) : -1;
            if (dollar > 0) {
                i = dollar - 1;
            } else if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == ';') {
                addPart(parts, text.substring(start, i));
                start = i + 1;
            }
        }
        addPart(parts, text.substring(start));
        return parts;
    }

    private static void addPart(List<String> parts, String part) {
        String stripped = part.strip();
        if (!stripped.isEmpty()) {
            parts.add(stripped);
        }
    }

    private static final Pattern XA = Pattern.compile("(?is)\\s*xa\\s+(start|begin|end|prepare|commit|rollback)\\b.*");

    /** An XA statement's xid: what follows the verb, without MySQL's trailing options. */
    private static final Pattern XA_ID = Pattern.compile("(?is)\\s*xa\\s+(?:start|begin|end|prepare|commit|rollback)\\s+(.+?)"
            + "(?:\\s+(?:join|resume|suspend(?:\\s+for\\s+migrate)?|one\\s+phase))?\\s*");

    /** The xid an {@code XA} statement names, as written ({@code 'b1'}, {@code 'g','b',1}); null for any other statement. */
    public static @Nullable String xaId(String sql) {
        List<String> parts = statements(sql);
        if (parts.size() != 1) {
            return null;
        }
        Matcher matcher = XA_ID.matcher(parts.get(0));
        return matcher.matches() ? matcher.group(1).strip() : null;
    }

    /** PostgreSQL's two-phase commit; its transaction id is a string literal. */
    private static final Pattern TWO_PHASE = Pattern.compile(
            "(?is)\\s*(prepare\\s+transaction|commit\\s+prepared|rollback\\s+prepared)\\s*('.*)");

    /**
     * The transaction id that {@code PREPARE TRANSACTION}, {@code COMMIT PREPARED} or {@code ROLLBACK PREPARED} names,
     * as written (its literal, without a trailing semicolon); null for any other statement.
     */
    public static @Nullable String preparedTransactionId(String sql) {
        List<String> parts = statements(sql);
        if (parts.size() != 1) {
            return null;
        }
        Matcher matcher = TWO_PHASE.matcher(parts.get(0));
        return matcher.matches() ? matcher.group(2).strip() : null;
    }

    /**
     * MariaDB's {@code SET STATEMENT var = value [, …] FOR statement}: the statement runs with the variables set for
     * its duration, {@code COMMIT}, {@code START TRANSACTION} and DDL included. The first {@code FOR} outside quotes
     * ends the assignments.
     */
    private static final Pattern SET_STATEMENT = Pattern.compile(
            "(?is)\\s*set\\s+statement\\s+(?:'[^']*'|\"[^\"]*\"|`[^`]*`|[^'\"`])*?\\bfor\\s+(.*)");

    /** {@code part} without MariaDB's {@code SET STATEMENT … FOR} before it: the statement that runs. */
    private static String statementRun(String part) {
        String text = part;
        for (Matcher matcher = SET_STATEMENT.matcher(text); matcher.matches(); matcher = SET_STATEMENT.matcher(text)) {
            text = matcher.group(1);
        }
        return text;
    }

    private static TxControl one(String statement) {
        // no bound on the length of the text below that of normalized(): what control names (a savepoint, a gid of up to
        // 199 characters, an XA xid of two 64-byte parts in hex) is long enough to pass any smaller one, and each pattern
        // is anchored at the statement's first word, so a long text of another kind fails at once
        String text = statementRun(statement);
        Matcher twoPhase = TWO_PHASE.matcher(text);
        if (twoPhase.matches()) {
            String verb = twoPhase.group(1).toLowerCase(java.util.Locale.ROOT);
            return verb.startsWith("prepare") ? PREPARE_TRANSACTION : verb.startsWith("commit") ? XA_COMMIT : XA_ROLLBACK;
        }
        Matcher xa = XA.matcher(text);
        if (xa.matches()) {
            return switch (xa.group(1).toLowerCase(java.util.Locale.ROOT)) {
                case "start", "begin" -> XA_START;
                case "end" -> XA_END;
                case "prepare" -> XA_PREPARE;
                case "commit" -> XA_COMMIT;
                default -> XA_ROLLBACK;
            };
        }
        Matcher matcher = CONTROL.matcher(text);
        if (!matcher.matches()) {
            return NONE;
        }
        if (matcher.group(1) != null) {
            return BEGIN;
        }
        if (matcher.group(2) != null) {
            return chains(matcher.group(3)) ? COMMIT_AND_CHAIN : COMMIT;
        }
        if (matcher.group(4) != null) {
            String tail = matcher.group(5);
            if (tail != null && tail.strip().toLowerCase(java.util.Locale.ROOT).startsWith("to")) {
                return ROLLBACK_TO_SAVEPOINT;
            }
            return chains(tail) ? ROLLBACK_AND_CHAIN : ROLLBACK;
        }
        if (matcher.group(6) != null) {
            return SAVEPOINT;
        }
        if (matcher.group(7) != null) {
            return RELEASE_SAVEPOINT;
        }
        // DEFAULT is the server's default, on unless the server is set otherwise
        String value = matcher.group(8).toLowerCase(java.util.Locale.ROOT).replace("'", "");
        return value.equals("0") || value.equals("off") || value.equals("false") ? AUTOCOMMIT_OFF : AUTOCOMMIT_ON;
    }

    /** Whether a statement ends the open transaction without saying so ({@link #implicitCommit}). */
    public enum ImplicitCommit {
        /** It does not: queries, {@code SET} (on H2 only those it counts as transactional), {@code SHOW}, temporary tables. */
        NONE,
        /** It commits the transaction before (or after) it runs: DDL, table maintenance, account statements. */
        CERTAIN,
        /**
         * It may: a statement outside both lists ({@code UNLOCK TABLES} commits only while tables are locked,
         * {@code EXECUTE} runs whatever was prepared, a statement this list does not know). Its keys are synced
         * whatever the transaction's end.
         */
        POSSIBLE
    }

    /**
     * Statements after which MySQL and MariaDB have committed the open transaction, as their documentation lists
     * them: DDL but on temporary tables, {@code LOCK TABLES}, account statements, table maintenance ({@code
     * ANALYZE}, {@code CHECK}, {@code OPTIMIZE}, {@code REPAIR TABLE}), {@code FLUSH}, {@code RESET}, replication
     * control. ({@code LOAD DATA} commits only on NDB tables.)
     */
    private static final Pattern MYSQL_COMMITS = Pattern.compile("(?i)(?:create\\s+(?!(?:or\\s+replace\\s+)?temporary\\b)"
            + "|drop\\s+(?!temporary\\b|prepare\\b)|alter\\s|rename\\s|truncate\\s|grant\\s|revoke\\s"
            + "|lock\\s+tables?\\b"
            + "|(?:analyze|check|optimize|repair)\\s+(?:(?:no_write_to_binlog|local)\\s+)?tables?\\b|flush\\s"
            + "|cache\\s+index\\b|load\\s+index\\b|reset\\s+(?!persist\\b)|install\\s|uninstall\\s|set\\s+password\\b"
            + "|(?:start|stop|reset)\\s+(?:slave|replica|all\\s+slaves)\\b|change\\s+(?:master|replication)\\b)");

    /** H2 commits the open transaction before DDL, except on a temporary table created {@code TRANSACTIONAL}. */
    private static final Pattern H2_COMMITS = Pattern.compile("(?i)(?:create|alter|drop|truncate|grant|revoke"
            + "|comment\\s+on|analyze)\\b(?!.*\\btransactional\\b)");

    /** Statements that never end a transaction on MySQL, MariaDB or H2. */
    private static final Pattern KEEPS_TRANSACTION = Pattern.compile("(?is)(?:(?:select|with|values|table|show"
            + "|insert|update|delete|replace|merge|load\\s+(?:data|xml)"
            + "|desc|describe|explain(?!\\s+analyze\\b)|help|do|handler|use|signal|resignal|get\\s+diagnostics"
            + "|checksum\\s+table|create\\s+(?:or\\s+replace\\s+)?(?:local\\s+|global\\s+)?temporary\\s+table"
            + "|drop\\s+temporary\\s+table|prepare\\s+(?:`[^`]+`|[\\w$]+)\\s+from|(?:deallocate|drop)\\s+prepare)\\b"
            + "|set\\s+(?!.*\\bautocommit\\b)(?!password\\b)).*");

    /**
     * H2's {@code SET} commands that stay in the open transaction: a user variable ({@code SET @x = …}), and the
     * settings H2 counts as transactional (its {@code Set.isTransactional}). H2 commits the open transaction before
     * every other {@code SET} ({@code SET MODE}, {@code SET REFERENTIAL_INTEGRITY}, {@code SET DEFAULT_LOCK_TIMEOUT},
     * {@code SET SESSION CHARACTERISTICS AS TRANSACTION …}, {@code SET CACHE_SIZE}…), as it does before DDL.
     */
    private static final Pattern H2_TRANSACTIONAL_SET = Pattern.compile("(?is)set\\s+(?:@|(?:query_timeout|lock_timeout"
            + "|trace_level_system_out|trace_level_file|throttle|schema|schema_search_path|catalog|retention_time"
            + "|lazy_query_execution|non_keywords|time\\s+zone|variable_binary|truncate_large_length|write_delay"
            + "|ignore_catalogs)\\b).*");

    private static final Pattern SET = Pattern.compile("(?i)set\\b");

    /**
     * Whether {@code sql} commits the open transaction on MySQL/MariaDB ({@code mysql}) or H2 without being
     * transaction control; PostgreSQL keeps DDL in the transaction and has no such statements.
     */
    public static ImplicitCommit implicitCommit(String sql, boolean mysql) {
        List<String> parts = statements(sql);
        if (parts.isEmpty()) {
            return ImplicitCommit.POSSIBLE;
        }
        String first = mysql ? statementRun(parts.get(0)) : parts.get(0);
        if ((mysql ? MYSQL_COMMITS : H2_COMMITS).matcher(first).lookingAt()) {
            return ImplicitCommit.CERTAIN;
        }
        if (!mysql && SET.matcher(first).lookingAt() && !H2_TRANSACTIONAL_SET.matcher(first).matches()) {
            // H2 commits before a setting of the database or the session's characteristics; which settings it counts
            // as transactional changes between versions, so one outside the list may commit, not must
            return ImplicitCommit.POSSIBLE;
        }
        return parts.size() == 1 && KEEPS_TRANSACTION.matcher(first).matches() ? ImplicitCommit.NONE
                : ImplicitCommit.POSSIBLE;
    }

    /**
     * The text that a MySQL or MariaDB statement runs as dynamic SQL ({@link #dynamicText}); {@code text} is null
     * when it is not known here: a variable or an expression ({@code PREPARE s FROM @sql}, {@code EXECUTE IMMEDIATE
     * CONCAT(…)}), or a statement name that was not prepared in sight.
     *
     * @param text the statement's text, or null when unknown
     */
    public record Dynamic(@Nullable String text) {
        /** Whether the text that runs is known. */
        public boolean known() {
            return text != null;
        }
    }

    private static final String STATEMENT_NAME = "(`[^`]+`|[\\w$]+)";
    private static final Pattern EXECUTE_IMMEDIATE = Pattern.compile("(?is)execute\\s+immediate\\s+(.+)");
    private static final Pattern EXECUTE_PREPARED = Pattern.compile(
            "(?is)execute\\s+(?!immediate\\b)" + STATEMENT_NAME + "(?:\\s+using\\b.*)?");
    private static final Pattern PREPARE = Pattern.compile("(?is)prepare\\s+" + STATEMENT_NAME + "\\s+from\\s+(.+)");
    private static final Pattern DEALLOCATE = Pattern.compile(
            "(?is)(?:deallocate|drop)\\s+prepare\\s+" + STATEMENT_NAME);

    /**
     * What MySQL's and MariaDB's dynamic SQL {@code sql} runs: the string of MariaDB's {@code EXECUTE IMMEDIATE
     * 'text'}, or for {@code EXECUTE name} the text that {@code PREPARE name FROM 'text'} prepared on the session
     * ({@code prepared}, kept by {@link #trackPrepared}); null when {@code sql} is no such execution. A text that is
     * not a string literal, or a name not in {@code prepared}, gives an unknown {@link Dynamic}.
     */
    public static @Nullable Dynamic dynamicText(String sql, Map<String, Dynamic> prepared) {
        List<String> parts = statements(sql);
        if (parts.size() != 1) {
            return null;
        }
        String statement = statementRun(parts.get(0));
        Matcher immediate = EXECUTE_IMMEDIATE.matcher(statement);
        if (immediate.matches()) {
            return new Dynamic(literal(immediate.group(1), true));
        }
        Matcher execute = EXECUTE_PREPARED.matcher(statement);
        if (execute.matches()) {
            return prepared.getOrDefault(statementName(execute.group(1)), new Dynamic(null));
        }
        return null;
    }

    /**
     * Keeps {@code prepared}, the statements a MySQL or MariaDB session prepared by SQL text, by name, up to date
     * with {@code sql}: {@code PREPARE name FROM …} (re)defines one, {@code DEALLOCATE PREPARE name} and {@code DROP
     * PREPARE name} forget it. Names are compared without case, as the servers do.
     *
     * @return whether {@code sql} is such a statement (which runs nothing of its text, and never ends a transaction)
     */
    public static boolean trackPrepared(String sql, Map<String, Dynamic> prepared) {
        List<String> parts = statements(sql);
        if (parts.size() != 1) {
            return false;
        }
        String statement = statementRun(parts.get(0));
        Matcher prepare = PREPARE.matcher(statement);
        if (prepare.matches()) {
            prepared.put(statementName(prepare.group(1)), new Dynamic(literal(prepare.group(2), false)));
            return true;
        }
        Matcher deallocate = DEALLOCATE.matcher(statement);
        if (deallocate.matches()) {
            prepared.remove(statementName(deallocate.group(1)));
            return true;
        }
        return false;
    }

    private static String statementName(String name) {
        String bare = name.startsWith("`") ? name.substring(1, name.length() - 1) : name;
        return bare.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The value of a string literal that is all of {@code expression} (after {@code EXECUTE IMMEDIATE}, a {@code
     * USING} clause may follow it), with its doubled quotes and backslash escapes read; null for anything else.
     */
    private static @Nullable String literal(String expression, boolean using) {
        String text = expression.strip();
        if (text.isEmpty() || (text.charAt(0) != '\'' && text.charAt(0) != '"')) {
            return null;
        }
        char quote = text.charAt(0);
        StringBuilder value = new StringBuilder();
        int i = 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                value.append(text.charAt(i + 1));
                i += 2;
            } else if (c == quote && i + 1 < text.length() && text.charAt(i + 1) == quote) {
                value.append(quote);
                i += 2;
            } else if (c == quote) {
                String rest = text.substring(i + 1).strip();
                boolean alone = rest.isEmpty() || (using && rest.regionMatches(true, 0, "using", 0, 5)
                        && (rest.length() == 5 || !Character.isLetterOrDigit(rest.charAt(5))));
                return alone ? value.toString() : null;
            } else {
                value.append(c);
                i++;
            }
        }
        return null;
    }

    /** What a MySQL or MariaDB statement does to the session's table locks ({@link #tableLocks}). */
    public enum TableLocks {
        /** Nothing: no {@code LOCK TABLES} or {@code UNLOCK TABLES} among its statements. */
        UNCHANGED,
        /** The session holds table locks after it ({@code LOCK TABLES t WRITE}). */
        LOCKED,
        /** The session holds no table locks after it ({@code UNLOCK TABLES}). */
        UNLOCKED
    }

    private static final Pattern LOCK_TABLES = Pattern.compile("(?i)(un)?lock\\s+tables?\\b");

    /**
     * What {@code sql} leaves of the session's table locks on MySQL and MariaDB: the last {@code LOCK TABLES} or
     * {@code UNLOCK TABLES} among its statements decides. (A {@code BEGIN} or {@code START TRANSACTION} releases
     * them too; that is transaction control, told by {@link #of}.)
     */
    public static TableLocks tableLocks(String sql) {
        TableLocks locks = TableLocks.UNCHANGED;
        for (String part : statements(sql)) {
            Matcher matcher = LOCK_TABLES.matcher(statementRun(part));
            if (matcher.lookingAt()) {
                locks = matcher.group(1) == null ? TableLocks.LOCKED : TableLocks.UNLOCKED;
            }
        }
        return locks;
    }

    /** Whether this control leaves a transaction open afterwards ({@code AND CHAIN}). */
    public boolean chains() {
        return this == COMMIT_AND_CHAIN || this == ROLLBACK_AND_CHAIN;
    }

    private static final Pattern SAYS_CHAINING = Pattern.compile("(?i)\\band\\s+(?:no\\s+)?chain\\b");

    /**
     * Whether a {@code COMMIT} or {@code ROLLBACK} says whether it chains ({@code AND CHAIN}, {@code AND NO CHAIN}):
     * one that does not follows the session's {@code completion_type} on MySQL and MariaDB.
     */
    public static boolean saysChaining(String sql) {
        return SAYS_CHAINING.matcher(normalized(sql)).find();
    }

    private static boolean chains(String clause) {
        return clause != null && !clause.toLowerCase(java.util.Locale.ROOT).contains("no");
    }

    /** The opening of an executable comment: MySQL's and MariaDB's {@code /*!}, MariaDB's own {@code /*M!}. */
    private static final Pattern EXECUTABLE_COMMENT = Pattern.compile("/\\*M?!");

    /**
     * Whether {@code sql} holds an executable comment ({@code /*!40101 … *}{@code /}, {@code /*M!100500 … *}{@code /}),
     * whose text runs or not depending on the server: see {@link #asRun}.
     */
    public static boolean hasExecutableComment(String sql) {
        return sql.indexOf('!') >= 0 && EXECUTABLE_COMMENT.matcher(sql).find();
    }

    /**
     * {@code sql} spelt so that the reading shared by every server ({@link #normalized}, {@link #statements}, the
     * analysis) finds the quotes, comments and statements that the lexer of {@code dialect}'s server finds in it.
     * The shared reading follows the standard's strings and takes {@code #}, {@code --} and dollar quotes for what
     * they are somewhere; the servers differ: MySQL and MariaDB read a backslash in {@code '…'} and {@code "…"} as an
     * escape ({@code '\';ROLLBACK;#'} is one string), take {@code --} for a comment only before white space or a
     * control character ({@code 1 --0;COMMIT} runs a {@code COMMIT}) and know no dollar quotes ({@code @$t$} is a
     * variable); PostgreSQL reads a backslash as an escape in {@code E'…'} only and {@code #} as an operator; H2 also
     * ends a line with a {@code //} comment. Each such place is spelt as the shared reading takes it to mean the same:
     * an escaped quote as a doubled one, a minus sign before another as {@code "- "}, a {@code $} that opens no quote
     * as {@code _}, an operator {@code #} as {@code ~}, a {@code //} comment as {@code --}. Every other character is
     * kept, and so is the text (the same instance) when nothing in it is read otherwise, when a quote does not end in
     * it, or when {@code dialect} is unknown.
     */
    public static String asLexedBy(String sql, @Nullable Dialect dialect) {
        return asLexedBy(sql, dialect, dialect == null ? Lexing.STANDARD : Lexing.defaults(dialect));
    }

    /**
     * How a session's server reads a backslash inside quotes, which its settings decide: MySQL's and MariaDB's {@code
     * sql_mode} ({@code NO_BACKSLASH_ESCAPES}: no escape anywhere; {@code ANSI_QUOTES}: {@code "…"} is an identifier,
     * in which a backslash is a character), PostgreSQL's {@code standard_conforming_strings} (off: a backslash escapes
     * in every {@code '…'}, not only in {@code E'…'}).
     *
     * <p>H2 has no backslash escapes, but in its {@code MSSQLServer} mode (a database setting, which {@code SET MODE}
     * changes at any time) it takes {@code […]} for a quoted identifier, up to the first {@code ]}; so does MariaDB in
     * {@code sql_mode} {@code MSSQL}, where {@code ]]} inside stands for one {@code ]}.
     *
     * @param inStrings whether a backslash escapes the next character in {@code '…'}
     * @param inDoubleQuotes whether it does in {@code "…"} (MySQL and MariaDB only)
     * @param brackets whether {@code […]} quotes an identifier (H2, MariaDB)
     */
    public record Lexing(boolean inStrings, boolean inDoubleQuotes, boolean brackets) {

        /** No backslash escapes anything (beyond PostgreSQL's {@code E'…'}): the standard's strings. */
        public static final Lexing STANDARD = new Lexing(false, false, false);

        /** A backslash escapes in both quotes ({@code inStrings}, {@code inDoubleQuotes}), no brackets. */
        public Lexing(boolean inStrings, boolean inDoubleQuotes) {
            this(inStrings, inDoubleQuotes, false);
        }

        /** MySQL's and MariaDB's reading with their default settings: a backslash escapes in both quotes. */
        private static final Lexing MYSQL = new Lexing(true, true);

        /** The server's reading with its default settings: MySQL and MariaDB escape in both quotes. */
        public static Lexing defaults(Dialect dialect) {
            return dialect == Dialect.MYSQL ? MYSQL : STANDARD;
        }
    }

    /**
     * {@code sql} as {@link #asLexedBy(String, Dialect)} spells it, for a session whose server reads a backslash in
     * quotes as {@code lexing} says (its settings: {@link Lexing}).
     */
    public static String asLexedBy(String sql, @Nullable Dialect dialect, Lexing lexing) {
        if (dialect == null || !(mayLexOtherwise(sql, dialect) || (lexing.brackets() && sql.indexOf('[') >= 0))) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length() + 8);
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            if (c == '/' && next == '*') {
                int end = blockEnd(sql, i, dialect != Dialect.MYSQL);
                out.append(sql, i, end);
                i = end;
            } else if (c == '-' && next == '-' && dialect == Dialect.MYSQL && i + 2 < n
                    && !Character.isWhitespace(sql.charAt(i + 2)) && !Character.isISOControl(sql.charAt(i + 2))) {
                out.append("- "); // MySQL: no comment, a minus sign before another
                i++;
            } else if ((c == '-' && next == '-') || (c == '#' && dialect == Dialect.MYSQL)) {
                int end = lineEnd(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '/' && next == '/' && dialect == Dialect.H2) {
                int end = lineEnd(sql, i);
                out.append("--").append(sql, i + 2, end);
                i = end;
            } else if (c == '[' && lexing.brackets() && dialect != Dialect.POSTGRESQL) {
                // H2's MSSQLServer mode: an identifier up to the first ]; MariaDB's MSSQL mode: up to a ] not doubled
                // (]] stands for one); spelt as the standard's quoted one
                boolean doubled = dialect == Dialect.MYSQL;
                StringBuilder name = new StringBuilder();
                int j = i + 1;
                int end = -1;
                while (j < n) {
                    char inside = sql.charAt(j);
                    if (inside == ']' && doubled && j + 1 < n && sql.charAt(j + 1) == ']') {
                        name.append(']');
                        j += 2;
                    } else if (inside == ']') {
                        end = j;
                        break;
                    } else {
                        name.append(inside);
                        j++;
                    }
                }
                if (end < 0) {
                    return sql;
                }
                out.append('"').append(name.toString().replace("\"", "\"\"")).append('"');
                i = end + 1;
            } else if (c == '#') {
                out.append('~'); // PostgreSQL's operator (H2 refuses the character)
                i++;
            } else if (c == '$' && dollarQuoteEnd(sql, i) > 0) {
                if (dialect == Dialect.MYSQL) {
                    out.append('_'); // part of a name or variable there
                    i++;
                } else {
                    int end = dollarQuoteEnd(sql, i);
                    out.append(sql, i, end);
                    i = end;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                boolean escapes = dialect == Dialect.MYSQL
                        ? (c == '\'' ? lexing.inStrings() : c == '"' && lexing.inDoubleQuotes())
                        : dialect == Dialect.POSTGRESQL && c == '\'' && (lexing.inStrings() || escapeStringAt(sql, i));
                out.append(c);
                int j = i + 1;
                boolean closed = false;
                while (j < n) {
                    char inside = sql.charAt(j);
                    if (escapes && inside == '\\' && j + 1 < n) {
                        char escaped = sql.charAt(j + 1);
                        if (escaped == c) {
                            out.append(c).append(c);
                        } else {
                            out.append(inside).append(escaped);
                        }
                        j += 2;
                    } else if (inside == c && j + 1 < n && sql.charAt(j + 1) == c) {
                        out.append(c).append(c);
                        j += 2;
                    } else if (inside == c) {
                        out.append(c);
                        j++;
                        closed = true;
                        break;
                    } else {
                        out.append(inside);
                        j++;
                    }
                }
                if (!closed) {
                    return sql;
                }
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.length() == n && out.toString().equals(sql) ? sql : out.toString();
    }

    /** Whether {@code sql} holds a character {@link #asLexedBy} may read otherwise on {@code dialect}'s server. */
    private static boolean mayLexOtherwise(String sql, Dialect dialect) {
        return switch (dialect) {
            case MYSQL -> sql.indexOf('\\') >= 0 || sql.contains("--") || sql.indexOf('$') >= 0;
            case POSTGRESQL -> sql.indexOf('\\') >= 0 || sql.indexOf('#') >= 0;
            case H2 -> sql.contains("//");
        };
    }

    /** Whether the quote at {@code quote} opens PostgreSQL's escape string ({@code E'…'}, not {@code name'…'}). */
    private static boolean escapeStringAt(String sql, int quote) {
        if (quote == 0 || (sql.charAt(quote - 1) != 'E' && sql.charAt(quote - 1) != 'e')) {
            return false;
        }
        if (quote == 1) {
            return true;
        }
        char before = sql.charAt(quote - 2);
        return !Character.isLetterOrDigit(before) && before != '_' && before != '$' && before != '"';
    }

    /** Where the block comment opening at {@code i} ends (the index after it; the text's end when it does not). */
    static int blockEnd(String sql, int i, boolean nested) {
        int depth = 1;
        int j = i + 2;
        while (j < sql.length() && depth > 0) {
            if (nested && sql.startsWith("/*", j)) {
                depth++;
                j += 2;
            } else if (sql.startsWith("*/", j)) {
                depth--;
                j += 2;
            } else {
                j++;
            }
        }
        return j;
    }

    /** Where the line comment starting at {@code i} ends: after its line's end, or at the text's end. */
    private static int lineEnd(String sql, int i) {
        int end = sql.indexOf('\n', i);
        return end < 0 ? sql.length() : end + 1;
    }

    /**
     * {@code sql} as a given server runs it: each executable comment whose text the server runs is replaced by that
     * text, each other one by a space; every other character is kept. MySQL and MariaDB run {@code /*! … *}{@code /},
     * and {@code /*!NNNNN … *}{@code /} when their version ({@code major * 10000 + minor * 100 + patch}) is at least
     * {@code NNNNN} (five or six digits), except that MariaDB skips the versions from {@code 50700} to {@code 99999}
     * in five digits or six (MySQL 5.7 and later, which it takes for MySQL's own); MariaDB also runs {@code /*M! …
     * *}{@code /} and {@code /*M!NNNNNN … *}{@code /} (a capital {@code M}: {@code /*m!} is a plain comment), which
     * MySQL takes for a plain comment. Every other product (PostgreSQL, H2) takes them all for plain comments, in
     * which comments nest. Each ends where its server ends it ({@code executableEnd}).
     * The text is returned unchanged when a quote or comment does not end in it, or when it is longer than {@link
     * #SCANNED} without its comments (such a text is no control: {@link #normalized}); a long comment is read.
     *
     * @param mysqlVersion the MySQL or MariaDB server's version as above; negative for another product
     * @param mariadb whether the server is MariaDB
     */
    public static String asRun(String sql, long mysqlVersion, boolean mariadb) {
        if (!hasExecutableComment(sql) || (sql.length() > SCANNED && normalized(sql).isEmpty())) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            if (c == '/' && next == '*') {
                int body = i + 2;
                // MariaDB's own form is /*M! in capitals: it takes /*m! for a plain comment (measured on 11.4)
                boolean mariadbOnly = body + 1 < n && sql.charAt(body) == 'M' && sql.charAt(body + 1) == '!';
                boolean executable = mariadbOnly || (body < n && sql.charAt(body) == '!');
                if (!executable) {
                    int end = sql.indexOf("*/", body);
                    if (end < 0) {
                        return sql;
                    }
                    out.append(sql, i, end + 2); // a plain comment, kept as written
                    i = end + 2;
                    continue;
                }
                int text = body + (mariadbOnly ? 2 : 1);
                int digits = text;
                while (digits < n && digits - text < 6 && Character.isDigit(sql.charAt(digits))) {
                    digits++;
                }
                if (digits - text == 6 && !mariadb) {
                    digits--; // MySQL reads five digits: a sixth is the text's
                }
                long version = digits - text >= 5 ? Long.parseLong(sql.substring(text, digits)) : 0;
                // MariaDB takes a version from 5.7.0 to 9.99.99 for MySQL's own (5.7 and later are no MariaDB
                // versions) and skips it, however old, in five digits or six: /*!50700 … */, /*!99999 … */ and
                // /*!050700 … */ do not run there, /*!050699 … */ and /*!100000 … */ do
                boolean mysqlOnly = mariadb && !mariadbOnly && digits - text >= 5 && version >= 50_700 && version <= 99_999;
                boolean runs = mysqlVersion >= 0 && (!mariadbOnly || mariadb) && version <= mysqlVersion && !mysqlOnly;
                int end = executableEnd(sql, text, runs, mysqlVersion < 0);
                if (end < 0) {
                    return sql;
                }
                out.append(' ');
                if (runs) {
                    out.append(sql, digits - text >= 5 ? digits : text, end).append(' ');
                }
                i = end + 2;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                while (end < n && sql.charAt(end) != c) {
                    end++;
                }
                if (end >= n) {
                    return sql;
                }
                out.append(sql, i, end + 1);
                i = end + 1;
            } else if (c == '-' && next == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end + 1;
                out.append(sql, i, end);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * Where the executable comment whose text starts at {@code from} ends (the index of its {@code *}{@code /}), as
     * the server reads it; -1 when it does not end. MySQL and MariaDB read a comment that runs as statement text,
     * so a quote or a plain comment in it hides a {@code *}{@code /}; one they skip is passed over with one plain
     * comment nested in it (measured on MariaDB 11.4: {@code /*!99999 /* x *}{@code / +1 *}{@code /} skips the {@code
     * +1}); PostgreSQL and H2 take the whole for a comment, in which comments nest to any depth.
     */
    private static int executableEnd(String sql, int from, boolean runs, boolean nestsDeep) {
        int n = sql.length();
        int depth = 0;
        int i = from;
        while (i + 1 < n) {
            char c = sql.charAt(i);
            char next = sql.charAt(i + 1);
            if (c == '*' && next == '/') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                i += 2;
            } else if (c == '/' && next == '*') {
                if (nestsDeep) {
                    depth++;
                    i += 2;
                } else {
                    int end = sql.indexOf("*/", i + 2); // a plain comment nested once: its first */ ends it
                    if (end < 0) {
                        return -1;
                    }
                    i = end + 2;
                }
            } else if (runs && (c == '\'' || c == '"' || c == '`')) {
                int end = sql.indexOf(c, i + 1);
                if (end < 0) {
                    return -1;
                }
                i = end + 1;
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * How much of a statement is read to tell transaction control: a text whose statements (without their comments) are
     * longer is not control. Comments do not count: a {@code COMMIT} under a long comment (a trace context, a query
     * tag) is still one.
     */
    static final int SCANNED = 4_096;

    /**
     * {@code sql} without its comments ({@code /* … *}{@code /}, nested as PostgreSQL nests them unless that leaves
     * one open; {@code --} and MySQL's {@code #} to the end of the line; a MySQL version comment {@code /*!40101 …
     * *}{@code /} keeps its text, which runs), each comment and run of white space outside quotes made one space;
     * empty when what is left is longer than {@link #SCANNED} (the scan stops there) or a quote or comment does not
     * end.
     */
    static String normalized(String sql) {
        String text = normalized(sql, true);
        return text == null ? Objects.requireNonNullElse(normalized(sql, false), "") : text;
    }

    private static @Nullable String normalized(String sql, boolean nested) {
        StringBuilder out = new StringBuilder(Math.min(sql.length(), SCANNED + 1));
        boolean executable = false; // inside /*! … */
        int i = 0;
        int n = sql.length();
        while (i < n) {
            if (out.length() > SCANNED) {
                return null; // a long statement: not control, and not read further
            }
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : 0;
            if (c == '/' && next == '*' && i + 2 < n && sql.charAt(i + 2) == '!' && !executable) {
                executable = true;
                i += 3;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
                space(out);
            } else if (c == '*' && next == '/' && executable) {
                executable = false;
                i += 2;
                space(out);
            } else if (c == '/' && next == '*') {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (nested && sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                if (depth > 0) {
                    return null;
                }
                space(out);
            } else if ((c == '-' && next == '-') || c == '#') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
                space(out);
            } else if (c == '$' && dollarQuoteEnd(sql, i) > 0) {
                int end = dollarQuoteEnd(sql, i);
                out.append(sql, i, end);
                i = end;
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = i + 1;
                int last = Math.min(n, i + SCANNED + 2); // a longer quoted run makes a text longer than is read
                while (end < last && sql.charAt(end) != c) {
                    end++;
                }
                if (end >= last) {
                    return null;
                }
                out.append(sql, i, end + 1); // a doubled quote is two quoted runs side by side
                i = end + 1;
            } else if (Character.isWhitespace(c)) {
                space(out);
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.length() > SCANNED ? null : out.toString().strip();
    }

    /**
     * Where a PostgreSQL dollar-quoted string that opens at {@code i} ({@code $$ … $$}, {@code $body$ … $body$})
     * ends (the index after its closing tag); -1 when none opens there or it does not end.
     */
    static int dollarQuoteEnd(String text, int i) {
        if (text.charAt(i) != '$' || (i > 0 && (Character.isLetterOrDigit(text.charAt(i - 1)) || text.charAt(i - 1) == '_'))) {
            return -1;
        }
        int tagEnd = i + 1;
        while (tagEnd < text.length() && (Character.isLetter(text.charAt(tagEnd)) || text.charAt(tagEnd) == '_'
                || tagEnd > i + 1 && Character.isDigit(text.charAt(tagEnd)))) { // a digit, but not first ($1 is a parameter)
            tagEnd++;
        }
        if (tagEnd >= text.length() || text.charAt(tagEnd) != '$') {
            return -1;
        }
        String tag = text.substring(i, tagEnd + 1);
        int close = text.indexOf(tag, tagEnd + 1);
        return close < 0 ? -1 : close + tag.length();
    }

    private static void space(StringBuilder out) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
            out.append(' ');
        }
    }
}
