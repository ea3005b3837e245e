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
    /** {@code ROLLBACK}, {@code ABORT}, {@code ROLLBACK WORK}. */
    ROLLBACK,
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
            + "|(commit|end)(?:\\s+(?:work|transaction))?"
            + "|(rollback|abort)(?:\\s+(?:work|transaction))?(\\s+to\\b)?"
            + "|(savepoint)\\b|(release)\\b"
            + "|set\\s+(?:session\\s+|@@session\\.|@@)?autocommit\\s*=\\s*(0|1|on|off|true|false))"
            + "(?:\\s*[;(]|\\s+\\S|\\s*$)(?s).*");

    /** What {@code sql} does to the transaction, if anything. */
    public static TxControl of(String sql) {
        if (sql.length() > 200) {
            return NONE;
        }
        Matcher matcher = CONTROL.matcher(sql);
        if (!matcher.matches()) {
            return NONE;
        }
        if (matcher.group(1) != null) {
            return sql.strip().toLowerCase(java.util.Locale.ROOT).startsWith("begin")
                    && sql.toLowerCase(java.util.Locale.ROOT).contains("end") ? NONE : BEGIN; // a PL block is not BEGIN
        }
        if (matcher.group(2) != null) {
            return COMMIT;
        }
        if (matcher.group(3) != null) {
            return matcher.group(4) != null ? ROLLBACK_TO_SAVEPOINT : ROLLBACK;
        }
        if (matcher.group(5) != null) {
            return SAVEPOINT;
        }
        if (matcher.group(6) != null) {
            return RELEASE_SAVEPOINT;
        }
        String value = matcher.group(7).toLowerCase(java.util.Locale.ROOT);
        return value.equals("0") || value.equals("off") || value.equals("false") ? AUTOCOMMIT_OFF : AUTOCOMMIT_ON;
    }
}
