package io.dualwrite.jdbc.statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text-level helpers that respect quotes and comments: numbering the {@code ?} placeholders so that
 * every parameter keeps its identity through parsing and rewriting, turning the numbered placeholders
 * of a rewritten statement back into {@code ?} with a plan, and spotting non-deterministic functions.
 */
public final class SqlText {

    /** Placeholder numbers at or above this one stand for values the rewrite adds (constants, keys). */
    static final int EXTRA_BASE = 100_000;

    private static final Pattern PROCEDURE_CALL = Pattern.compile(
            "\\s*(?:\\{\\s*(?:\\?\\s*=\\s*)?)?(?:call|exec|execute)\\b", Pattern.CASE_INSENSITIVE);

    private static final Pattern WRITE_WORD = Pattern.compile(
            "\\b(?:insert|update|delete|replace|merge|upsert|truncate|alter|load|drop|rename)\\b", Pattern.CASE_INSENSITIVE);

    private SqlText() {
    }

    /**
     * The SQL with every {@code ?} outside quotes and comments replaced by {@code ?n}, n the JDBC index of the
     * parameter it stands for: the n-th {@code ?} (n from 1), or, for H2's indexed parameter {@code ?N}, N itself
     * (H2 binds {@code ?N} to the N-th parameter wherever it stands, and refuses a text mixing both forms).
     */
    static String numberParameters(String sql) {
        return replacePlaceholders(sql, n -> "?" + n);
    }

    /** The SQL with its {@code ?} placeholders replaced by {@code replacements}, the n-th by entry n - 1. */
    static String replaceParameters(String sql, List<String> replacements) {
        return replacePlaceholders(sql, n -> replacements.get(n - 1));
    }

    /**
     * The SQL with each placeholder outside quotes and comments replaced by {@code replacement(n)}, n the index of
     * the parameter it stands for ({@link #numberParameters}).
     */
    private static String replacePlaceholders(String sql, IntFunction<String> replacement) {
        StringBuilder out = new StringBuilder(sql.length() + 16);
        int next = 1;
        int i = 0;
        while (i < sql.length()) {
            int skip = skipQuotedOrComment(sql, i);
            if (skip > i) {
                out.append(sql, i, skip);
                i = skip;
                continue;
            }
            char ch = sql.charAt(i++);
            if (ch == '?') {
                int end = indexedEnd(sql, i);
                if (end > i) { // H2's ?N: the N-th parameter, not the next one
                    out.append(replacement.apply(Integer.parseInt(sql, i, end, 10)));
                    i = end;
                } else {
                    out.append(replacement.apply(next++));
                }
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /**
     * Where the digits of an indexed parameter ({@code ?N}, H2) whose {@code ?} ends before {@code from} end:
     * {@code from} itself when no digit follows (a plain {@code ?}), or when the number would not be an index any
     * driver takes (more than six digits: H2 refuses the text before it runs).
     */
    private static int indexedEnd(String sql, int from) {
        int end = from;
        while (end < sql.length() && end - from <= 6 && Character.isDigit(sql.charAt(end))
                && sql.charAt(end) < 128) {
            end++;
        }
        return end - from > 6 || (end > from && Integer.parseInt(sql, from, end, 10) == 0) ? from : end;
    }

    /**
     * A value as an SQL literal of {@code dialect} (null: the standard's). A text holding a backslash is written
     * so that no session setting changes it: MySQL and MariaDB read a backslash in quotes as an escape unless
     * {@code NO_BACKSLASH_ESCAPES} is set (so {@code 'C:\'} would run on past its closing quote), so there it is
     * the text's UTF-8 bytes ({@code _utf8mb4 X'…'}); PostgreSQL reads it so when {@code
     * standard_conforming_strings} is off, so there it is an escape string with the backslashes doubled
     * ({@code E'C:\\'}), which every setting reads alike.
     */
    static String literal(@org.jspecify.annotations.Nullable Object value,
                          io.dualwrite.jdbc.@org.jspecify.annotations.Nullable Dialect dialect) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString().toUpperCase(Locale.ROOT);
        }
        String text = value.toString();
        if (text.indexOf('\\') >= 0 && dialect == io.dualwrite.jdbc.Dialect.MYSQL) {
            return "_utf8mb4 X'" + java.util.HexFormat.of().formatHex(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    + "'";
        }
        if (text.indexOf('\\') >= 0 && dialect == io.dualwrite.jdbc.Dialect.POSTGRESQL) {
            return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
        }
        return "'" + text.replace("'", "''") + "'";
    }

    /**
     * The number of parameters the text takes: its {@code ?} placeholders outside quotes and comments, or the highest N
     * of H2's {@code ?N}.
     */
    static int countParameters(String sql) {
        int count = 0;
        int highest = 0;
        int i = 0;
        while (i < sql.length()) {
            int skip = skipQuotedOrComment(sql, i);
            if (skip > i) {
                i = skip;
                continue;
            }
            if (sql.charAt(i) == '?') {
                int end = indexedEnd(sql, i + 1);
                if (end > i + 1) { // H2's ?N: the text takes parameters 1 to its highest N
                    highest = Math.max(highest, Integer.parseInt(sql, i + 1, end, 10));
                    i = end;
                    continue;
                }
                count++;
            }
            i++;
        }
        return Math.max(count, highest);
    }

    /**
     * Turns the numbered placeholders of rendered SQL back into {@code ?} and returns the plan: numbers
     * below {@link #EXTRA_BASE} are application parameters (with the transformer column of that parameter,
     * if any), the others index {@code extras}.
     */
    static RenderedSql plan(String rendered, List<ParamSource> extras, Map<Integer, String> transformColumns) {
        StringBuilder out = new StringBuilder(rendered.length());
        List<ParamSource> plan = new ArrayList<>();
        int i = 0;
        while (i < rendered.length()) {
            int skip = skipQuotedOrComment(rendered, i);
            if (skip > i) {
                out.append(rendered, i, skip);
                i = skip;
                continue;
            }
            char ch = rendered.charAt(i);
            if (ch == '?' && i + 1 < rendered.length() && Character.isDigit(rendered.charAt(i + 1))) {
                int end = i + 1;
                while (end < rendered.length() && Character.isDigit(rendered.charAt(end))) {
                    end++;
                }
                int number = Integer.parseInt(rendered.substring(i + 1, end));
                plan.add(number >= EXTRA_BASE ? extras.get(number - EXTRA_BASE)
                        : ParamSource.parameter(number, transformColumns.get(number)));
                out.append('?');
                i = end;
            } else {
                out.append(ch);
                i++;
            }
        }
        return new RenderedSql(out.toString(), plan);
    }

    /** Whether the SQL calls a stored procedure ({@code CALL}, {@code EXEC}, the JDBC escape {@code {call …}}). */
    /** Whether {@code sql} calls a stored procedure ({@code CALL}, JDBC's {@code {call …}}, {@code EXEC}). */
    public static boolean isProcedureCall(String sql) {
        return PROCEDURE_CALL.matcher(sql).lookingAt();
    }

    /**
     * Whether {@code sql} runs code that may commit part of its work and then fail: a procedure call, an anonymous
     * block ({@code DO $$ … COMMIT; … $$}) or an H2 script ({@link #isScript}), also among several statements.
     */
    public static boolean mayCommitInside(String sql) {
        if (isProcedureCall(sql)) {
            return true;
        }
        for (String part : TxControl.statements(sql)) {
            if (isProcedureCall(part) || isBlock(part) || isScript(part)) {
                return true;
            }
        }
        return false;
    }

    private static final Pattern SCRIPT = Pattern.compile("(?i)runscript\\b");

    /**
     * Whether {@code sql} (without comments) is H2's {@code RUNSCRIPT FROM 'file'}: it runs the statements of a file
     * (or a class-path resource) the text does not show, which may write any table and commit.
     */
    public static boolean isScript(String sql) {
        return SCRIPT.matcher(sql).lookingAt();
    }

    private static final Pattern BLOCK = Pattern.compile(
            "(?i)(?:do\\s*(?:'|\\$|language\\b|e')|(?:[\\w$]+\\s*:\\s*|`[^`]+`\\s*:\\s*)?" + TxControl.BLOCK_BEGIN + ")");
    private static final Pattern INNER_STATEMENT = Pattern.compile(
            "(?i)(?:explain\\b.*\\banalyze\\b|copy\\s.*\\bfrom\\b)");

    /**
     * Whether {@code sql} (without comments) is an anonymous block: PostgreSQL's {@code DO '…'} or {@code DO $$…$$},
     * MariaDB's {@code [label:] BEGIN NOT ATOMIC … END}, and in its {@code sql_mode} {@code ORACLE} {@code BEGIN … END}
     * with any body ({@link TxControl#BLOCK_BEGIN}).
     */
    public static boolean isBlock(String sql) {
        return BLOCK.matcher(sql).lookingAt();
    }

    /**
     * Whether {@code sql} (without comments) runs a statement the parser reads as something else: {@code EXPLAIN
     * ANALYZE} runs the statement it explains, {@code COPY … FROM} loads rows into a table.
     */
    static boolean runsInnerStatement(String sql) {
        return INNER_STATEMENT.matcher(sql).lookingAt();
    }

    private static final Pattern PORTION = Pattern.compile("(?i)\\bfor\\s+portion\\s+of\\b");

    /**
     * Whether {@code sql} writes a portion of an application-time period ({@code UPDATE t FOR PORTION OF p FROM … TO
     * …}, {@code DELETE FROM t FOR PORTION OF p …}, SQL:2011, MariaDB): the database splits each row it meets and
     * inserts the parts outside the portion as new rows, under keys no statement names (an {@code AUTO_INCREMENT}
     * key's next values). Read outside strings and comments.
     */
    static boolean writesPortion(String sql) {
        // the text is stripped only when it holds the word (comments may stand between the three words)
        return sql.toLowerCase(Locale.ROOT).contains("portion") && PORTION.matcher(stripQuoted(sql)).find();
    }

    /**
     * Whether every product's driver finds the same placeholders in {@code sql} as the library numbers
     * ({@link #numberParameters}): a {@code ?} inside a dollar-quoted string ({@code $$?$$}) or a nested block
     * comment ({@code /* /* ? *}{@code / ? *}{@code /}) is text to pgjdbc and H2, which read both, but a parameter to
     * the library's reading, and a {@code ?} after {@code #} (but PostgreSQL's {@code #>}, {@code #>>} and {@code #-})
     * is in a comment to MariaDB's driver, or a {@code ?} after
     * a backslash in quotes is in a string to one reading and not to the other. Where the readings disagree, a key
     * bound to the N-th {@code ?} would be read from another parameter than the one the driver binds there.
     * True for a text without {@code ?}, and where every reading finds the {@code ?} at the same places.
     */
    static boolean placeholdersAgree(String sql) {
        if (sql.indexOf('?') < 0 || (sql.indexOf('$') < 0 && sql.indexOf('#') < 0 && sql.indexOf('\\') < 0
                && !sql.contains("/*"))) {
            return true;
        }
        List<Integer> read = placeholders(sql, Lexing.DEFAULT);
        return read.equals(placeholders(sql, Lexing.STANDARD)) && read.equals(placeholders(sql, Lexing.MYSQL));
    }

    /**
     * Whether a {@code #} at {@code i} is PostgreSQL's JSON path operator ({@code #>}, {@code #>>}, {@code #-}), which
     * the placeholders' MySQL reading does not take for a comment: a prepared {@code data #>> '{a}' = ?} keeps its keys.
     */
    private static boolean jsonPath(String sql, int i) {
        return sql.charAt(i) == '#' && i + 1 < sql.length() && (sql.charAt(i + 1) == '>' || sql.charAt(i + 1) == '-');
    }

    /**
     * Where {@code lexing} finds a {@code ?} outside strings and comments; the standard's reading (PostgreSQL, H2)
     * nests block comments.
     */
    private static List<Integer> placeholders(String sql, Lexing lexing) {
        List<Integer> found = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            int skip = lexing == Lexing.STANDARD && sql.startsWith("/*", i) ? TxControl.blockEnd(sql, i, true)
                    : jsonPath(sql, i) ? i : skipQuotedOrComment(sql, i, lexing);
            if (skip > i) {
                i = skip;
                continue;
            }
            if (sql.charAt(i) == '?') {
                found.add(i);
            }
            i++;
        }
        return found;
    }

    /**
     * Whether the parser may read {@code sql} otherwise than MySQL or MariaDB run it: a version comment ({@code
     * /*!50000 …*}{@code /}, {@code /*M!…*}{@code /}) whose text runs there, or {@code --} followed by no white
     * space, which is no comment there ({@code id = 1 --1} is {@code id = 1 - -1}). Outside quotes and comments, as
     * either lexer reads them: the standard one, and MySQL's, whose strings take backslash escapes ({@code 'x\''}
     * is one string) and whose {@code #} starts a comment (one holding {@code don't} opens no string). Read one way
     * only, a quote the other way does not see hid such a marker.
     */
    static boolean parserMayMisread(String sql) {
        return markerOutsideQuotes(sql, false) || markerOutsideQuotes(sql, true);
    }

    /** {@link #parserMayMisread} as one lexer reads {@code sql}: MySQL's ({@code mysql}) or the standard one. */
    private static boolean markerOutsideQuotes(String sql, boolean mysql) {
        if (mysql && sql.indexOf('\\') < 0 && sql.indexOf('#') < 0) {
            return false; // both lexers read it alike
        }
        char quote = 0;
        for (int i = 0; i + 1 < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                if (mysql && c == '\\' && quote != '`') {
                    i++; // the escaped character, a quote included, stays in the string
                } else {
                    quote = c == quote ? 0 : quote;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '/' && sql.charAt(i + 1) == '*' && i + 2 < sql.length()
                    && (sql.charAt(i + 2) == '!' || sql.startsWith("M!", i + 2))) {
                return true;
            } else if (c == '/' && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return false;
                }
                i = end + 1;
            } else if (c == '-' && sql.charAt(i + 1) == '-' || mysql && c == '#') {
                if (c == '-' && i + 2 < sql.length() && !Character.isWhitespace(sql.charAt(i + 2))) {
                    return true;
                }
                int end = sql.indexOf('\n', i);
                if (end < 0) {
                    return false;
                }
                i = end;
            }
        }
        return false;
    }

    /**
     * Whether a backslash may stand inside a string of {@code sql}, where MySQL (and PostgreSQL's {@code E''}) read
     * it as an escape: any backslash. Which quotes open strings depends on the lexer too (a comment holding {@code
     * don't} opens one for a lexer that does not see the comment, or not), so a scan that counted quotes missed
     * backslashes the database reads in a string; both readings are then compared, once per text.
     */
    static boolean backslashInQuotes(String sql) {
        return sql.indexOf('\\') >= 0;
    }

    /** A name followed by an opening parenthesis: a call, or a keyword before a parenthesised list. */
    private static final Pattern CALL = Pattern.compile("(\"[^\"]+\"|`[^`]+`|[A-Za-z_][\\w$]*)\\s*\\(");

    /** Words that stand before a parenthesis without calling anything. */
    private static final java.util.Set<String> NOT_CALLS = java.util.Set.of("in", "exists", "any", "all", "some",
            "and", "or", "not", "xor", "select", "from", "where", "values", "row", "as", "on", "when", "then", "else",
            "case", "between", "like", "ilike", "is", "array", "distinct", "over", "filter", "within", "group", "by",
            "using", "join", "union", "except", "intersect", "limit", "offset", "lateral", "with", "escape", "similar",
            "to", "interval", "regexp", "rlike", "match", "against", "set", "returning", "order", "having");

    /**
     * Built-in functions whose value two evaluations in one transaction agree on, and that write nothing: a
     * condition calling only these names the same rows when it runs again (now() and its kind are the
     * statement's or the transaction's time, which moves only forward; a row that leaves or joins the set
     * between the two runs changes the count, which is checked). Written by hand: no library lists which
     * functions of the three databases are deterministic.
     */
    private static final java.util.Set<String> STABLE = java.util.Set.of("abs", "acos", "ascii", "asin", "atan",
            "atan2", "avg", "bin", "bit_length", "btrim", "cast", "ceil", "ceiling", "char", "char_length",
            "character_length", "chr", "coalesce", "concat", "concat_ws", "conv", "convert", "cos", "cot", "count",
            "crc32", "curdate", "current_date", "current_time", "current_timestamp", "curtime", "date", "date_add",
            "date_format", "date_part", "date_sub", "date_trunc", "datediff", "day", "dayname", "dayofmonth",
            "dayofweek", "dayofyear", "decode", "degrees", "elt", "encode", "exp", "extract", "field", "find_in_set",
            "floor", "format", "from_base64", "from_days", "from_unixtime", "greatest", "hex", "hour", "if", "ifnull",
            "iif", "initcap", "inet_aton", "inet6_aton", "inet_ntoa", "inet6_ntoa", "instr", "isnull",
            "json_contains", "json_extract", "json_unquote", "json_value", "last_day", "lcase", "least", "left",
            "length", "ln", "localtime", "localtimestamp", "locate", "log", "log10", "log2", "lower", "lpad", "ltrim",
            "make_date", "max", "md5", "microsecond", "mid", "min", "minute", "mod", "month", "monthname", "now",
            "nullif", "nvl", "oct", "octet_length", "ord", "position", "pow", "power", "quarter", "radians",
            "regexp_like", "regexp_replace", "regexp_substr", "repeat", "replace", "reverse", "right", "round",
            "rpad", "rtrim", "sec_to_time", "second", "sha1", "sha2", "sign", "sin", "space", "split_part", "sqrt",
            "str_to_date", "strcmp", "strpos", "substr", "substring", "substring_index", "sum", "tan", "time",
            "time_format", "time_to_sec", "timediff", "timestamp", "timestampadd", "timestampdiff", "to_base64",
            "to_char", "to_date", "to_days", "to_number", "to_seconds", "to_timestamp", "translate", "trim", "trunc",
            "truncate", "ucase", "unhex", "unix_timestamp", "upper", "utc_date", "utc_time", "utc_timestamp",
            "uuid_to_bin", "bin_to_uuid", "week", "weekday", "weekofyear", "year", "yearweek", "array_length",
            "cardinality", "current_setting", "current_user", "session_user", "current_schema", "database", "schema",
            "user", "unnest", "to_tsvector", "to_tsquery", "plainto_tsquery", "websearch_to_tsquery", "jsonb_typeof",
            "jsonb_array_length", "json_length", "json_array_length", "array_position", "array_to_string",
            "string_to_array", "starts_with", "regexp_match", "age", "make_interval", "make_timestamp", "date_bin",
            "isfinite", "num_nonnulls", "num_nulls", "bool_and", "bool_or", "string_agg", "group_concat");

    /**
     * Whether an expression ({@code sql}, quoted strings aside) reads a relation: a subquery ({@code SELECT}, or
     * PostgreSQL's and H2's {@code TABLE t}). What it reads may be a view whose values change with each run.
     */
    static boolean readsRelations(String sql) {
        return RELATION_READ.matcher(stripQuoted(sql)).find();
    }

    private static final Pattern RELATION_READ = Pattern.compile("\\b(?:select|table)\\b", Pattern.CASE_INSENSITIVE);

    /** A sequence's next value taken without a function call: {@code NEXT VALUE FOR s}, {@code NEXTVAL FOR s}, {@code s.nextval}. */
    private static final Pattern NEXT_VALUE = Pattern.compile(
            "\\bnext\\s+value\\s+for\\b|\\bnextval\\s+for\\b|\\.\\s*nextval\\b", Pattern.CASE_INSENSITIVE);

    /**
     * Whether {@code sql} (an expression, quoted strings aside) may name other rows, or do something more, when
     * it runs a second time: it calls a function outside {@link #STABLE} (a sequence's {@code nextval}, {@code
     * random()}, a user's function that writes), also qualified by a schema, assigns a MySQL user variable
     * ({@code @n := @n + 1}), or takes a sequence's next value without a call ({@code NEXT VALUE FOR s} of MariaDB and
     * H2, {@code NEXTVAL FOR s}, {@code s.nextval}): each run takes other values, and a key pre-select running it
     * first would change what the application's statement compares with.
     */
    static boolean callsVolatile(String sql) {
        String text = stripQuoted(sql);
        if (text.contains(":=") || NEXT_VALUE.matcher(text).find()) {
            return true;
        }
        java.util.regex.Matcher call = CALL.matcher(text);
        while (call.find()) {
            String name = call.group(1);
            boolean qualified = call.start(1) > 0 && text.charAt(call.start(1) - 1) == '.';
            if (name.startsWith("\"") || name.startsWith("`") || qualified) {
                return true; // a quoted or qualified name is the user's, or a schema's
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (!NOT_CALLS.contains(lower) && !STABLE.contains(lower)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What {@link #names(String)} gives for a text with more than {@link #MAX_NAMES} distinct names: look in the
     * text.
     */
    public static final String MANY_NAMES = "\u0000many";

    private static final int MAX_NAMES = 256;

    private static final Pattern NAME = Pattern.compile(
            "\"((?:[^\"]|\"\")+)\"|`((?:[^`]|``)+)`|([A-Za-z_][\\w$]*)|([-+*/<>=~!@#%^&|?]+)");

    /**
     * The names {@code sql} mentions, lower case and without quotes, in order of first mention: every identifier
     * and operator anywhere in the text, also in strings and comments (MySQL runs {@code /*! … *}{@code /}, and
     * quoting rules differ between databases and settings). They are looked up among the names of the store's
     * catalog that make the database write mapped tables (a function, a view calling one, a table whose default
     * calls one): a name too many costs a lookup, a name too few would hide a write. Over {@value #MAX_NAMES}
     * distinct names, {@link #MANY_NAMES} alone.
     */
    public static List<String> names(String sql) {
        java.util.Set<String> names = names(sql, MAX_NAMES + 1);
        if (names.size() > MAX_NAMES) {
            return List.of(MANY_NAMES);
        }
        return names.isEmpty() ? List.of() : List.copyOf(names);
    }

    /**
     * Every name {@code text} mentions, read as {@link #names(String)} reads a statement's but without its bound:
     * for the texts the catalog holds (a routine's body, a trigger's, a view's query), whose names are followed to
     * the same catalog names as a statement's (a routine, a view, a type, an operator).
     */
    public static java.util.Set<String> allNames(String text) {
        return names(text, Integer.MAX_VALUE);
    }

    /** The distinct names of {@code text} in order of first mention, at most {@code limit} of them. */
    private static java.util.Set<String> names(String text, int limit) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher name = NAME.matcher(text);
        while (names.size() < limit && name.find()) {
            String value = name.group(1) != null ? name.group(1) : name.group(2) != null ? name.group(2)
                    : name.group(3) != null ? name.group(3) : name.group(4);
            names.add(value.toLowerCase(java.util.Locale.ROOT));
        }
        return names;
    }

    private static final Pattern STATEMENT_WORDS = Pattern.compile(
            "(?i)(with)\\b|((?:create\\s+or\\s+replace|create|drop|rename|alter|truncate|merge|insert|update|delete"
            + "|replace|upsert)(?:\\s+(?:table|schema|database|into|from))?)\\b|(\\w+)");

    /**
     * The words that say what a statement does, upper case, for messages: {@code TRUNCATE TABLE}, {@code MERGE
     * INTO}, {@code DROP TABLE}, {@code data-modifying WITH}; comments and leading spaces left out.
     */
    public static String statementWords(String sql) {
        List<String> parts = TxControl.statements(sql);
        String first = (parts.isEmpty() ? sql : parts.get(0)).strip();
        Matcher matcher = STATEMENT_WORDS.matcher(first);
        if (!matcher.lookingAt()) {
            return "the statement";
        }
        if (matcher.group(1) != null) {
            return "a data-modifying WITH";
        }
        String words = matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
        return words.replaceAll("\\s+", " ").toUpperCase(java.util.Locale.ROOT);
    }

    /** A name, quoted or not; a qualified name is several joined by dots. */
    private static final String NAME_PART = "(?:\"(?:[^\"]|\"\")+\"|`(?:[^`]|``)+`|[\\p{L}_][\\w$]*)";

    private static final String QUALIFIED = NAME_PART + "(?:\\s*\\.\\s*" + NAME_PART + ")*";

    /**
     * The words after which a write's target stands, with the modifiers MySQL, MariaDB and PostgreSQL allow there;
     * MySQL's {@code LOAD DATA … [REPLACE | IGNORE] INTO TABLE t} and {@code LOAD XML … INTO TABLE t} too (its file name
     * is a string, blanked before the scan).
     */
    private static final Pattern TARGET = Pattern.compile("(?i)(?<![\\w$.])(?:"
            + "insert(?:\\s+(?:low_priority|delayed|high_priority|ignore))*\\s+(?:into\\s+)?"
            + "|replace(?:\\s+(?:low_priority|delayed))*\\s+(?:into\\s+)?"
            + "|(?<!(?:key|do|for|on)\\s)update(?:\\s+(?:low_priority|ignore))*\\s+(?:only\\s+)?"
            + "|delete(?:\\s+(?:low_priority|quick|ignore))*\\s+from\\s+(?:only\\s+)?"
            + "|merge\\s+into\\s+|upsert\\s+into\\s+"
            + "|truncate\\s+(?:table\\s+)?(?:only\\s+)?"
            + "|load\\s+(?:data|xml)\\s[\\s\\S]*?\\binto\\s+table\\s+)(" + QUALIFIED + ")");

    /** After a target: an alias, then a comma and the next target ({@code UPDATE a x, b y}, {@code TRUNCATE a, b}). */
    private static final Pattern NEXT_TARGET = Pattern.compile("(?i)(?:\\s+(?:as\\s+)?(" + NAME_PART + "))?\\s*,\\s*("
            + QUALIFIED + ")");

    /** Words that end a target list rather than naming an alias. */
    private static final java.util.Set<String> NOT_ALIASES = java.util.Set.of("set", "where", "using", "from", "join",
            "inner", "left", "right", "cross", "natural", "straight_join", "on", "values", "value", "select", "default",
            "partition", "order", "limit", "returning", "with", "use", "force", "ignore", "table", "only", "cascade",
            "restart", "continue", "when", "output", "by");

    /**
     * The tables a text writes as a token scan finds them, for a text the parser did not read (or read otherwise
     * than the database may): each name after {@code INSERT INTO}, {@code REPLACE INTO}, {@code UPDATE}, {@code
     * DELETE FROM}, {@code MERGE INTO} and {@code TRUNCATE}, and the further names of a list there ({@code UPDATE a,
     * b}, {@code DELETE FROM a, b USING …}, {@code TRUNCATE a, b}), outside strings and comments, as written (quoted,
     * schema-qualified). A target written as an alias is found as that alias; a name too many costs a catalog
     * lookup.
     */
    public static List<String> targets(String sql) {
        return targetsIn(stripQuoted(sql));
    }

    /** {@link #targets(String)} of a text whose strings and comments {@link #stripQuoted} already blanked. */
    static List<String> targetsIn(String text) {
        java.util.Set<String> found = new java.util.LinkedHashSet<>();
        Matcher target = TARGET.matcher(text);
        while (target.find()) {
            found.add(spaceless(target.group(1)));
            int at = target.end();
            Matcher next = NEXT_TARGET.matcher(text);
            while (next.region(at, text.length()).lookingAt()) {
                if (next.group(1) != null && NOT_ALIASES.contains(next.group(1).toLowerCase(java.util.Locale.ROOT))) {
                    break;
                }
                found.add(spaceless(next.group(2)));
                at = next.end();
            }
        }
        found.removeIf(name -> NOT_ALIASES.contains(name.toLowerCase(java.util.Locale.ROOT)));
        return List.copyOf(found);
    }

    /** A qualified name without the spaces around its dots (outside its quotes). */
    private static String spaceless(String qualified) {
        return qualified.replaceAll("\\s*\\.\\s*(?=(?:[^\"`]|\"[^\"]*\"|`[^`]*`)*$)", ".");
    }

    /** Whether SQL (that could not be parsed) contains a data-changing keyword outside quotes. */
    static boolean looksLikeWrite(String sql) {
        return writeWordIn(stripQuoted(sql));
    }

    /** {@link #looksLikeWrite(String)} of a text whose strings and comments {@link #stripQuoted} already blanked. */
    static boolean writeWordIn(String text) {
        return WRITE_WORD.matcher(text).find();
    }

    /** An identifier without its quotes ({@code "x"}, {@code `x`}, {@code [x]}). */
    static String unquote(String identifier) {
        if (identifier.length() >= 2) {
            char first = identifier.charAt(0);
            char last = identifier.charAt(identifier.length() - 1);
            if ((first == '"' && last == '"') || (first == '`' && last == '`') || (first == '[' && last == ']')) {
                return identifier.substring(1, identifier.length() - 1);
            }
        }
        return identifier;
    }

    /**
     * {@code sql} with each string and comment replaced by a blank and quoted identifiers kept, for the token scans
     * ({@link #targetsIn}, {@link #writeWordIn}); one pass over the text, so a caller needing both strips once.
     */
    static String stripQuoted(String sql) {
        return stripQuoted(sql, Lexing.DEFAULT);
    }

    /** What may follow a Unicode-escaped identifier: the escape character it declares ({@code UESCAPE '!'}). */
    private static final Pattern UESCAPE = Pattern.compile("(?i)\\s*uescape\\s*'([^'])'");

    /**
     * {@code sql} with each identifier written with Unicode escapes ({@code U&"\006Frders"}, {@code U&"!006Frders"
     * UESCAPE '!'}: PostgreSQL and H2) written as the quoted identifier it names ({@code "orders"}), for reading which
     * tables a text names; strings and comments are kept as they are. The text itself when it has none (the same
     * instance), or when an escape is malformed (the database refuses such a text). The result is for reading only:
     * on MySQL and MariaDB {@code U&"x"} is an expression ({@code u & 'x'}), never a name, so a reader of the result
     * must add what it finds to what it finds in {@code sql}, never use it instead.
     */
    static String unicodeNamesDecoded(String sql) {
        if (!sql.contains("&\"")) {
            return sql;
        }
        StringBuilder out = new StringBuilder(sql.length());
        boolean changed = false;
        int i = 0;
        while (i < sql.length()) {
            char ch = sql.charAt(i);
            if ((ch == 'U' || ch == 'u') && sql.startsWith("&\"", i + 1)
                    && (i == 0 || !(Character.isLetterOrDigit(sql.charAt(i - 1)) || sql.charAt(i - 1) == '_'
                    || sql.charAt(i - 1) == '$'))) {
                int end = skipQuotedOrComment(sql, i + 2);
                String body = sql.substring(i + 3, Math.max(i + 3, end - 1)).replace("\"\"", "\"");
                Matcher escape = UESCAPE.matcher(sql).region(end, sql.length());
                boolean declared = escape.lookingAt();
                String name = unicodeUnescaped(body, declared ? escape.group(1).charAt(0) : '\\');
                if (name == null) {
                    return sql;
                }
                out.append('"').append(name.replace("\"", "\"\"")).append('"');
                changed = true;
                i = declared ? escape.end() : end;
                continue;
            }
            int skip = skipQuotedOrComment(sql, i);
            if (skip > i) {
                out.append(sql, i, skip);
                i = skip;
            } else {
                out.append(ch);
                i++;
            }
        }
        return changed ? out.toString() : sql;
    }

    /**
     * The text of a Unicode-escaped identifier's body: {@code escape} followed by four hexadecimal digits, or by
     * {@code +} and six, is that code point; {@code escape} twice is the character itself; {@code null} when an escape
     * is malformed.
     */
    private static @org.jspecify.annotations.Nullable String unicodeUnescaped(String body, char escape) {
        StringBuilder text = new StringBuilder(body.length());
        int i = 0;
        while (i < body.length()) {
            char ch = body.charAt(i);
            if (ch != escape) {
                text.append(ch);
                i++;
                continue;
            }
            if (i + 1 < body.length() && body.charAt(i + 1) == escape) {
                text.append(escape);
                i += 2;
                continue;
            }
            boolean wide = i + 1 < body.length() && body.charAt(i + 1) == '+';
            int from = i + (wide ? 2 : 1);
            int to = from + (wide ? 6 : 4);
            if (to > body.length()) {
                return null;
            }
            try {
                text.appendCodePoint(Integer.parseInt(body.substring(from, to), 16));
            } catch (IllegalArgumentException malformed) {
                return null;
            }
            i = to;
        }
        return text.toString();
    }

    /**
     * The same text as {@link #stripQuoted} blanks it, read as the other products' lexers read it where they differ
     * from the one reading it serves: the standard's strings, where a backslash escapes nothing (PostgreSQL and H2; an
     * {@code E'…'} string keeps its escapes), with dollar-quoted strings ({@code $$…$$}, {@code $q$…$q$}); and MySQL's
     * and MariaDB's, where {@code #} opens a comment. A quote inside one product's string or comment starts a string
     * in another's reading and hides the rest of the text from a scan, so a scan of a text the parser did not read
     * takes what it finds in every reading. Only the readings that differ from {@code stripped} are returned (none
     * for a text without a backslash, a dollar sign or a {@code #}).
     */
    static List<String> otherReadings(String sql, String stripped) {
        List<String> readings = new ArrayList<>(2);
        if (sql.indexOf('\\') >= 0 || sql.indexOf('$') >= 0) {
            String standard = stripQuoted(sql, Lexing.STANDARD);
            if (!standard.equals(stripped)) {
                readings.add(standard);
            }
        }
        if (sql.indexOf('#') >= 0) {
            String mysql = stripQuoted(sql, Lexing.MYSQL);
            if (!mysql.equals(stripped) && !readings.contains(mysql)) {
                readings.add(mysql);
            }
        }
        return readings;
    }

    /** How a reading of a text finds its strings and comments ({@link #otherReadings}). */
    private enum Lexing {
        /** A backslash escapes in every string, no dollar quotes, no {@code #} comments: the reading the scans use. */
        DEFAULT,
        /** The standard's strings (a backslash only in {@code E'…'}), dollar quotes: PostgreSQL and H2. */
        STANDARD,
        /** A backslash escapes in every string, {@code #} opens a comment: MySQL and MariaDB. */
        MYSQL
    }

    /** {@link #stripQuoted(String)} as {@code lexing} finds strings and comments. */
    private static String stripQuoted(String sql, Lexing lexing) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            int skip = skipQuotedOrComment(sql, i, lexing);
            if (skip > i) {
                boolean identifier = sql.charAt(i) == '"' || sql.charAt(i) == '`';
                out.append(identifier ? sql.substring(i, skip) : " ");
                i = skip;
            } else {
                out.append(sql.charAt(i++));
            }
        }
        return out.toString();
    }

    /** The index after a quoted string, quoted identifier or comment starting at {@code i}, else {@code i}. */
    private static int skipQuotedOrComment(String sql, int i) {
        return skipQuotedOrComment(sql, i, Lexing.DEFAULT);
    }

    private static int skipQuotedOrComment(String sql, int i, Lexing lexing) {
        char ch = sql.charAt(i);
        if (lexing == Lexing.STANDARD && ch == '$') {
            int end = TxControl.dollarQuoteEnd(sql, i);
            return end > 0 ? end : i;
        }
        if (lexing == Lexing.MYSQL && ch == '#') {
            int end = sql.indexOf('\n', i);
            return end < 0 ? sql.length() : end + 1;
        }
        if (ch == '\'' || ch == '"' || ch == '`') {
            boolean escapes = ch == '\'' && (lexing != Lexing.STANDARD || (i > 0 && (sql.charAt(i - 1) == 'E'
                    || sql.charAt(i - 1) == 'e') && (i == 1 || !Character.isLetterOrDigit(sql.charAt(i - 2))
                    && sql.charAt(i - 2) != '_')));
            int j = i + 1;
            while (j < sql.length()) {
                char c = sql.charAt(j);
                if (c == '\\' && escapes && j + 1 < sql.length()) {
                    j += 2;
                    continue;
                }
                if (c == ch) {
                    if (j + 1 < sql.length() && sql.charAt(j + 1) == ch) {
                        j += 2;
                        continue;
                    }
                    return j + 1;
                }
                j++;
            }
            return sql.length();
        }
        if (ch == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
            int end = sql.indexOf('\n', i);
            return end < 0 ? sql.length() : end + 1;
        }
        if (ch == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
            int end = sql.indexOf("*/", i + 2);
            return end < 0 ? sql.length() : end + 2;
        }
        return i;
    }
}
