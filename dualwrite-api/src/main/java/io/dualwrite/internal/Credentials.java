package io.dualwrite.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Cuts credentials out of a text before it is logged or stored: drivers and pools quote JDBC URLs in their
 * error messages (Hikari's "Failed to get driver instance for jdbcUrl=…"), and a URL or a connection string may
 * carry a password in several shapes, each masked here:
 *
 * <ul>
 *   <li>a parameter or property, masked whole to the separator of its form (a password may hold blanks, tabs,
 *       {@code ,} or {@code ;}): to the next {@code &} in a URL's query ({@code ?password=…}, {@code &pwd=…}), to
 *       the next {@code ;} in a {@code ;}-separated URL or connection string (H2's {@code ;PASSWORD=…}, SQL Server,
 *       DB2, ADO.NET), to the next {@code ", "} or {@code }} in a printed map ({@code {user=sa, password=…}});
 *       under any key that names a password ({@code password}, {@code passwd}, {@code pwd}, {@code passcode},
 *       {@code passphrase}, {@code sslpassword=…}),
 *       a secret or private key under any name that starts with the word ({@code SecretAccessKey=…},
 *       {@code SecretKey=…}, {@code private_key_base64=…}),
 *       SQL Server's braced {@code password={…;…}},
 *       {@code {user=sa, password=…}}, {@code pwd: …}, {@code secret=…}, {@code api-key=…};</li>
 *   <li>a JSON or YAML key: {@code "password":"…"}, {@code 'password': '…'};</li>
 *   <li>URL user information: {@code //user:secret@host} (a password may itself hold an {@code @}, a user name
 *       may be empty or hold one too: {@code //:secret@host}, {@code //us@er:secret@host});</li>
 *   <li>an Oracle-style connect string: {@code scott/tiger@host:1521/service}, also with the password quoted
 *       ({@code scott/"p@ss word"@host}).</li>
 * </ul>
 *
 * <p>{@link #masked(Throwable)} does the same for an exception, every cause chained to it and every exception
 * suppressed by one of them.
 */
public final class Credentials {

    /** What a cut-out credential is replaced with. */
    public static final String MASK = "******";

    private static final int MAX_CAUSES = 8;

    /**
     * A key that names a secret, read after its percent-escapes are decoded ({@code pass%77ord}); it may carry a
     * prefix (sslpassword, trustStorePassword, db.password). When unsure, a key is taken for a secret's.
     */
    private static final Pattern KEY = Pattern.compile("(?i)[\\w.-]*(?:pass|passwd|password|passphrase|passcode|pwd|pw"
            + "|token|credentials?|api[-_]?key)|[\\w.-]*(?:secret|private[-_]?key|passw)[\\w.-]*");
    // a word that may be a key, its closing quote (JSON, YAML) and its separator: '=' or ':' (blanks around them),
    // or blanks before a quoted value (SQL's PASSWORD 'x', OPTIONS (password 'x'))
    private static final Pattern KEY_CANDIDATE = Pattern.compile(
            "(?<![\\w.%-])([\\w.%-]+)([\"']?)([ \\t]*[=:][ \\t]*|[ \\t]+(?=['\"]))");
    // an Authorization header's credentials
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "(?i)\\b(Bearer|Basic|Digest|Token)([ \\t]+)[A-Za-z0-9._~+/=%-]+");
    // SQL that sets a password: every literal after IDENTIFIED or SET PASSWORD to the end of its statement, the
    // bare word after IDENTIFIED … BY, and the argument of PASSWORD(…) / OLD_PASSWORD(…)
    private static final Pattern SQL_PASSWORD_CLAUSE = Pattern.compile("(?i)\\bIDENTIFIED\\b|\\bSET\\s+PASSWORD\\b");
    private static final Pattern SQL_BARE_PASSWORD = Pattern.compile(
            "(?i)(\\bIDENTIFIED\\s+(?:WITH\\s+\\S+\\s+)?BY\\s+)(?!PASSWORD\\b)([^\\s;'\"]+)");
    private static final Pattern SQL_PASSWORD_FUNCTION = Pattern.compile("(?i)\\b(?:OLD_)?PASSWORD\\s*\\(");
    // the password ends at the last '@' before a blank: a password may itself hold an '@' or a '/' (an '@' later in
    // the URL hides the host too, which is safe); the user name may be empty or hold an '@' itself
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://)([^/\\s:]*:)\\S*@");
    // user:password@host without a scheme (a connect string, a pool's log line); the user is a word, the password
    // runs to the last '@' before a blank and holds no ':' (else the user would be a URL's scheme: jdbc:oracle:…)
    private static final Pattern BARE_USER_INFO = Pattern.compile(
            "(?<![\\w.%+:/@-])([\\w.%+-]+:)(?!//)[^\\s:]*@(?=[\\w\\[])");
    // a port that holds an '@': a driver that does not take user:password@ in its URL (MariaDB Connector/J 3) reads
    // the user as the host and the password as the port, and quotes it ("Incorrect port value : secret@db"); a port
    // never holds an '@', so what runs to the last '@' of the value is masked
    private static final Pattern PORT_USER_INFO = Pattern.compile("(?i)(\\bport(?:\\s+value)?\\s*[:=]?\\s*)[^\\s@]*(?:@[^\\s@]*)*@");
    // user/password@host, as Oracle's thin URLs and connect strings write it (jdbc:oracle:thin:scott/tiger@db:1521/x);
    // the password ends at the last '@'
    private static final Pattern SLASHED_USER = Pattern.compile(
            "(^|[\\s:=;,(\"'])([A-Za-z][\\w$#]*/)(?:[^\\s/\"']+|\"[^\"]*\")@(?=[\\w.\\[(/-])");

    /** How a key's value ends when it is not quoted: the separator of the form it is written in. */
    private enum Form {
        /** A URL's query ({@code ?password=…&}): to the next {@code &}. */
        QUERY,
        /** A {@code ;}-separated URL or connection string (H2, SQL Server, DB2 after its {@code :}, ADO.NET). */
        SEMICOLON,
        /** A printed map or Properties ({@code {user=sa, password=…}}): to the next {@code ", "} or {@code }}. */
        MAP,
        /** JSON's unquoted value: to a blank, {@code ,} or {@code }}. */
        JSON,
        /** Free text, YAML, SQL: to the next blank. */
        FREE
    }

    private Credentials() {
    }

    /**
     * The part of a JDBC URL that names the database: the URL without its parameters ({@code ?ssl=true},
     * {@code ;MODE=…}), which may also hold credentials; two URLs that differ only in their parameters reach the
     * same database. Whitespace around the URL is dropped.
     */
    public static String withoutParameters(String jdbcUrl) {
        String trimmed = jdbcUrl.strip();
        int end = trimmed.length();
        for (char separator : new char[] {'?', ';'}) {
            int at = trimmed.indexOf(separator);
            if (at > 0 && at < end) {
                end = at;
            }
        }
        return trimmed.substring(0, end);
    }

    /**
     * {@code text} with every credential replaced by {@link #MASK}; {@code "null"} for {@code null}, as string
     * concatenation would show it.
     */
    public static String mask(@Nullable String text) {
        return mask(text, MASK, false);
    }

    /**
     * {@code text} with every credential replaced by {@code replacement}; with {@code hideUser}, a URL's user name
     * goes too ({@code scheme://replacement@host}), else it stays ({@code scheme://user:replacement@host}). A quoted
     * value stays quoted ({@code "password":"******"}).
     */
    public static String mask(@Nullable String text, String replacement, boolean hideUser) {
        if (text == null) {
            return "null";
        }
        // keys first: a key's quoted value may hold what reads as an SQL literal's quote
        String cut = AUTHORIZATION.matcher(text).replaceAll(match -> Matcher.quoteReplacement(
                match.group(1) + match.group(2) + replacement));
        cut = maskKeyValues(cut, replacement);
        cut = maskSqlPasswords(cut, replacement);
        String literal = Matcher.quoteReplacement(replacement);
        cut = URL_USER_INFO.matcher(cut).replaceAll((hideUser ? "$1" : "$1$2") + literal + "@");
        cut = PORT_USER_INFO.matcher(cut).replaceAll("$1" + literal + "@");
        cut = BARE_USER_INFO.matcher(cut).replaceAll((hideUser ? "" : "$1") + literal + "@");
        return SLASHED_USER.matcher(cut).replaceAll((hideUser ? "$1" : "$1$2") + literal + "@");
    }

    /**
     * Every value under a key that names a secret masked, to the end of the value as the form the key is written in
     * ends it; a quoted value to its closing quote (a quote escaped by a backslash or doubled does not close it) and,
     * in a URL or connection string, on to the form's separator; a value whose quote is never closed to the end of
     * the text.
     */
    private static String maskKeyValues(String text, String replacement) {
        Matcher key = KEY_CANDIDATE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        int from = 0;
        while (from < text.length() && key.find(from)) {
            if (!KEY.matcher(percentDecoded(key.group(1))).matches()) {
                from = key.end(1);
                continue;
            }
            int valueStart = key.end();
            boolean json = !key.group(2).isEmpty();
            Form form = json ? Form.JSON : formBefore(text, key.start(1), key.group(3));
            int valueEnd = valueEnd(text, valueStart, form);
            if (valueEnd == valueStart) {
                from = valueEnd;
                continue;
            }
            char first = text.charAt(valueStart);
            String quote = json && (first == '"' || first == '\'') ? String.valueOf(first) : "";
            out.append(text, copied, valueStart).append(quote).append(replacement).append(quote);
            copied = valueEnd;
            from = valueEnd;
        }
        return copied == 0 ? text : out.append(text, copied, text.length()).toString();
    }

    /** The form of a key's value, from what comes before the key. */
    private static Form formBefore(String text, int keyStart, String separator) {
        int before = keyStart - 1;
        if (before >= 0 && (text.charAt(before) == '?' || text.charAt(before) == '&')) {
            return Form.QUERY;
        }
        if (before >= 0 && text.charAt(before) == '{' && separator.contains("=")) {
            return Form.MAP;
        }
        if (before >= 1 && text.charAt(before) == ' ' && text.charAt(before - 1) == ',' && separator.contains("=")) {
            return Form.MAP;
        }
        if (before >= 1 && text.charAt(before) == ':' && (Character.isLetterOrDigit(text.charAt(before - 1))
                || text.charAt(before - 1) == '/')) {
            return Form.SEMICOLON;
        }
        while (before >= 0 && (text.charAt(before) == ' ' || text.charAt(before) == '\t')) {
            before--;
        }
        return before >= 0 && text.charAt(before) == ';' ? Form.SEMICOLON : Form.FREE;
    }

    /** Where the value that starts at {@code start} ends: conservatively, the later of the possible ends. */
    private static int valueEnd(String text, int start, Form form) {
        if (start >= text.length()) {
            return start;
        }
        char first = text.charAt(start);
        int end;
        if (first == '"' || first == '\'') {
            end = closingQuote(text, start, first);
        } else if (first == '{') {
            end = closingBrace(text, start);
        } else {
            end = start;
        }
        if (end >= text.length() || form == Form.JSON && end > start || form == Form.FREE && end > start) {
            return end;
        }
        return switch (form) {
            case QUERY -> endAt(text, end, "&\r\n");
            case SEMICOLON -> endAt(text, end, ";\r\n");
            case MAP -> mapEnd(text, end);
            case JSON -> endAt(text, end, ",} \t\r\n");
            case FREE -> freeEnd(text, end);
        };
    }

    /** The end of a quoted value: after its closing quote, or the end of the text when it is never closed. */
    private static int closingQuote(String text, int start, char quote) {
        for (int at = start + 1; at < text.length(); at++) {
            char c = text.charAt(at);
            if (c == '\\') {
                at++;
            } else if (c == quote) {
                if (at + 1 < text.length() && text.charAt(at + 1) == quote) {
                    at++;
                } else {
                    return at + 1;
                }
            }
        }
        return text.length();
    }

    /** The end of SQL Server's braced value ({@code }}} is a {@code }}), or the end of the text. */
    private static int closingBrace(String text, int start) {
        for (int at = start + 1; at < text.length(); at++) {
            if (text.charAt(at) == '}') {
                if (at + 1 < text.length() && text.charAt(at + 1) == '}') {
                    at++;
                } else {
                    return at + 1;
                }
            }
        }
        return text.length();
    }

    private static int endAt(String text, int from, String separators) {
        int at = from;
        while (at < text.length() && separators.indexOf(text.charAt(at)) < 0) {
            at++;
        }
        return at;
    }

    private static int mapEnd(String text, int from) {
        int at = from;
        while (at < text.length() && text.charAt(at) != '}' && text.charAt(at) != '\r' && text.charAt(at) != '\n'
                && !(text.charAt(at) == ',' && at + 1 < text.length() && text.charAt(at + 1) == ' ')) {
            at++;
        }
        return at;
    }

    /** A free-text value runs to the next blank; one {@code ,} or {@code ;} before it is a list's, and kept. */
    private static int freeEnd(String text, int from) {
        int at = from;
        while (at < text.length() && !Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        if (at - from > 1 && (text.charAt(at - 1) == ',' || text.charAt(at - 1) == ';')) {
            at--;
        }
        return at;
    }

    /** {@code key} with its {@code %XX} escapes decoded (others kept as written). */
    private static String percentDecoded(String key) {
        if (key.indexOf('%') < 0) {
            return key;
        }
        StringBuilder decoded = new StringBuilder(key.length());
        for (int at = 0; at < key.length(); at++) {
            char c = key.charAt(at);
            if (c == '%' && at + 2 < key.length()
                    && Character.digit(key.charAt(at + 1), 16) >= 0 && Character.digit(key.charAt(at + 2), 16) >= 0) {
                decoded.append((char) Integer.parseInt(key.substring(at + 1, at + 3), 16));
                at += 2;
            } else {
                decoded.append(c);
            }
        }
        return decoded.toString();
    }

    /**
     * SQL that sets a password ({@code IDENTIFIED BY 'x'}, {@code SET PASSWORD = PASSWORD('x')}, as a driver's
     * error or a parser's warning quotes it) with the password masked: every literal from {@code IDENTIFIED} or
     * {@code SET PASSWORD} to the end of the statement (user names too, when unsure), the bare word after {@code BY},
     * and what {@code PASSWORD(…)} is given.
     */
    private static String maskSqlPasswords(String text, String replacement) {
        String cut = SQL_BARE_PASSWORD.matcher(text).replaceAll(match -> Matcher.quoteReplacement(
                match.group(1) + replacement));
        Matcher function = SQL_PASSWORD_FUNCTION.matcher(cut);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        while (function.find(copied)) {
            int end = argumentsEnd(cut, function.end());
            out.append(cut, copied, function.end()).append(replacement);
            copied = end;
            if (end < cut.length()) {
                out.append(')');
                copied = end + 1;
            }
        }
        cut = out.append(cut, copied, cut.length()).toString();
        Matcher clause = SQL_PASSWORD_CLAUSE.matcher(cut);
        if (!clause.find()) {
            return cut;
        }
        StringBuilder masked = new StringBuilder(cut.length());
        masked.append(cut, 0, clause.end());
        boolean inStatement = true;
        int at = clause.end();
        while (at < cut.length()) {
            char c = cut.charAt(at);
            if (inStatement && (c == '\'' || c == '"')) {
                int end = closingQuote(cut, at, c);
                masked.append(c).append(replacement).append(end <= cut.length() && end > at + 1
                        && cut.charAt(end - 1) == c ? String.valueOf(c) : "");
                at = end;
                continue;
            }
            if (c == ';') {
                inStatement = false;
            }
            if (!inStatement) {
                Matcher next = SQL_PASSWORD_CLAUSE.matcher(cut);
                if (next.find(at)) {
                    masked.append(cut, at, next.end());
                    at = next.end();
                    inStatement = true;
                    continue;
                }
                masked.append(cut, at, cut.length());
                break;
            }
            masked.append(c);
            at++;
        }
        return masked.toString();
    }

    /** Where the arguments of a call end: its closing parenthesis, past quoted text, or the end of the text. */
    private static int argumentsEnd(String text, int from) {
        int at = from;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\'' || c == '"') {
                at = closingQuote(text, at, c);
            } else if (c == ')') {
                return at;
            } else {
                at++;
            }
        }
        return text.length();
    }

    /**
     * {@code error} itself when neither its text nor that of any cause holds a credential (its type, SQLState and
     * cause chain are kept for callers that look at them); else a copy whose messages are masked, each naming the
     * original type, with the stack traces kept: for an exception that is thrown on or logged with its causes.
     */
    public static Throwable masked(Throwable error) {
        Checks.requireNonNull("error", error);
        return holdsCredential(error, 0) ? copy(error, 0) : error;
    }

    /** Whether the message of {@code error}, of a cause or of a suppressed exception holds a credential. */
    private static boolean holdsCredential(@Nullable Throwable error, int depth) {
        if (error == null || depth > MAX_CAUSES) {
            return false;
        }
        String message = error.getMessage();
        if (message != null && !mask(message).equals(message)) {
            return true;
        }
        for (Throwable suppressed : error.getSuppressed()) {
            if (holdsCredential(suppressed, depth + 1)) {
                return true;
            }
        }
        return error.getCause() != error && holdsCredential(error.getCause(), depth + 1);
    }

    /**
     * One line for a log or a stored error: {@code Type: message; caused by Type: message …}, every message
     * masked.
     */
    public static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (@Nullable Throwable cause = error; cause != null && depth <= MAX_CAUSES; cause = cause.getCause()) {
            if (depth > 0) {
                if (cause == error) {
                    break;
                }
                text.append("; caused by ");
            }
            text.append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                text.append(": ").append(mask(cause.getMessage()));
            }
            depth++;
        }
        return text.toString();
    }

    private static Throwable copy(Throwable error, int depth) {
        String message = error.getMessage();
        Throwable cause = error.getCause();
        Throwable copy = new MaskedFailure(error.getClass().getName() + (message == null ? "" : ": " + mask(message)),
                cause == null || cause == error || depth >= MAX_CAUSES ? null : copy(cause, depth + 1));
        copy.setStackTrace(error.getStackTrace());
        if (depth < MAX_CAUSES) {
            for (Throwable suppressed : error.getSuppressed()) {
                copy.addSuppressed(copy(suppressed, depth + 1));
            }
        }
        return copy;
    }

    /** A failure shown with its message masked; {@link #toString()} is the original's, masked. */
    private static final class MaskedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MaskedFailure(String text, @Nullable Throwable cause) {
            super(text, cause, true, true);
        }

        @Override
        public String toString() {
            return String.valueOf(getMessage());
        }
    }
}
