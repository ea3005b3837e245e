package io.dualwrite.jdbc.statement;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    AUTOCOMMIT_ON;

    private static final Pattern CONTROL = Pattern.compile(
            "(?is)\\s*(?:(start\\s+transaction|begin(?:\\s+(?:work|transaction))?)"
            + "|(commit|end)(?:\\s+(?:work|transaction))?(\\s+and\\s+(?:no\\s+)?chain)?"
            + "|(rollback|abort)(?:\\s+(?:work|transaction))?(\\s+to\\b|\\s+and\\s+(?:no\\s+)?chain)?"
            + "|(savepoint)\\b|(release)\\b"
            + "|set\\s+(?:session\\s+|@@session\\.|@@)?autocommit\\s*=\\s*(0|1|on|off|true|false))"
            + "(?:\\s*[;(]|\\s+\\S|\\s*$)(?s).*");

    /**
     * The savepoint a {@code SAVEPOINT}, {@code ROLLBACK TO} or {@code RELEASE} statement names: its last word, in
     * lower case (MySQL and MariaDB compare savepoint names without case, quoted in backquotes or not; PostgreSQL
     * folds unquoted names), except a name in double quotes, which PostgreSQL keeps as written.
     */
    public static String savepointName(String sql) {
        String text = sql.strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        int start = text.length();
        char last = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
        if (last == '"' || last == '`') {
            int open = text.lastIndexOf(last, text.length() - 2);
            String name = open < 0 ? text : text.substring(open + 1, text.length() - 1);
            return last == '"' ? name : name.toLowerCase(java.util.Locale.ROOT);
        }
        while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) {
            start--;
        }
        return text.substring(start).toLowerCase(java.util.Locale.ROOT);
    }

    /** What {@code sql} does to the transaction, if anything; leading comments are skipped. */
    public static TxControl of(String sql) {
        String text = withoutLeadingComments(sql);
        if (text.length() > 200) {
            return NONE;
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
        String value = matcher.group(8).toLowerCase(java.util.Locale.ROOT);
        return value.equals("0") || value.equals("off") || value.equals("false") ? AUTOCOMMIT_OFF : AUTOCOMMIT_ON;
    }

    /** Whether this control leaves a transaction open afterwards ({@code AND CHAIN}). */
    public boolean chains() {
        return this == COMMIT_AND_CHAIN || this == ROLLBACK_AND_CHAIN;
    }

    private static boolean chains(String clause) {
        return clause != null && !clause.toLowerCase(java.util.Locale.ROOT).contains("no");
    }

    /** The SQL after any leading whitespace and comments ({@code /* … *}{@code /}, {@code --}, MySQL's {@code #}). */
    private static String withoutLeadingComments(String sql) {
        int i = 0;
        int limit = Math.min(sql.length(), 4_096);
        while (i < limit) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return sql;
                }
                i = end + 2;
            } else if ((c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') || c == '#') {
                int end = sql.indexOf('\n', i);
                if (end < 0) {
                    return "";
                }
                i = end + 1;
            } else {
                break;
            }
        }
        return i == 0 ? sql : sql.substring(i);
    }
}
