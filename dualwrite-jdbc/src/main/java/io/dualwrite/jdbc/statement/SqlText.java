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
            "\\b(?:insert|update|delete|replace|merge|upsert|truncate)\\b", Pattern.CASE_INSENSITIVE);

    private SqlText() {
    }

    /** The SQL with every {@code ?} outside quotes and comments replaced by {@code ?n} (n from 1). */
    static String numberParameters(String sql) {
        return replacePlaceholders(sql, n -> "?" + n);
    }

    /** The SQL with its {@code ?} placeholders replaced, in order, by {@code replacements}. */
    static String replaceParameters(String sql, List<String> replacements) {
        return replacePlaceholders(sql, n -> replacements.get(n - 1));
    }

    /** The SQL with the n-th {@code ?} outside quotes and comments (n from 1) replaced by {@code replacement(n)}. */
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
                out.append(replacement.apply(next++));
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /** A value as an SQL literal. */
    static String literal(@org.jspecify.annotations.Nullable Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString().toUpperCase(Locale.ROOT);
        }
        return "'" + value.toString().replace("'", "''") + "'";
    }

    /** The number of {@code ?} placeholders outside quotes and comments. */
    static int countParameters(String sql) {
        int count = 0;
        int i = 0;
        while (i < sql.length()) {
            int skip = skipQuotedOrComment(sql, i);
            if (skip > i) {
                i = skip;
                continue;
            }
            if (sql.charAt(i) == '?') {
                count++;
            }
            i++;
        }
        return count;
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

    private static final Pattern BLOCK = Pattern.compile("(?i)do\\s*(?:'|\\$|language\\b|e')");
    private static final Pattern INNER_STATEMENT = Pattern.compile(
            "(?i)(?:explain\\b.*\\banalyze\\b|copy\\s.*\\bfrom\\b)");

    /** Whether {@code sql} (without comments) is an anonymous block: PostgreSQL's {@code DO '…'} or {@code DO $$…$$}. */
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

    /**
     * Whether the parser may read {@code sql} otherwise than MySQL or MariaDB run it: a version comment ({@code
     * /*!50000 …*}{@code /}, {@code /*M!…*}{@code /}) whose text runs there, or {@code --} followed by no white
     * space, which is no comment there ({@code id = 1 --1} is {@code id = 1 - -1}). Outside quotes.
     */
    static boolean parserMayMisread(String sql) {
        char quote = 0;
        for (int i = 0; i + 1 < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
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
            } else if (c == '-' && sql.charAt(i + 1) == '-') {
                if (i + 2 < sql.length() && !Character.isWhitespace(sql.charAt(i + 2))) {
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

    /** Whether a backslash stands inside a single-quoted string of {@code sql} (read without backslash escapes). */
    static boolean backslashInQuotes(String sql) {
        if (sql.indexOf('\\') < 0) {
            return false;
        }
        boolean quoted = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
            } else if (c == '\\' && quoted) {
                return true;
            }
        }
        return false;
    }

    /** Whether SQL (that could not be parsed) contains a data-changing keyword outside quotes. */
    static boolean looksLikeWrite(String sql) {
        return WRITE_WORD.matcher(stripQuoted(sql)).find();
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

    private static String stripQuoted(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            int skip = skipQuotedOrComment(sql, i);
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
        char ch = sql.charAt(i);
        if (ch == '\'' || ch == '"' || ch == '`') {
            int j = i + 1;
            while (j < sql.length()) {
                char c = sql.charAt(j);
                if (c == '\\' && ch == '\'' && j + 1 < sql.length()) {
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
