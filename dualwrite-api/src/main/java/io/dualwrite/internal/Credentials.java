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

    /** A key that names a secret; it may carry a prefix (sslpassword, trustStorePassword, db.password). */
    private static final String KEY = "[\\w.-]*?(?:password|passwd|passphrase|passcode|pwd|secret[\\w-]*|token"
            + "|credentials?|api[-_]?key|private[-_]?key[\\w-]*)";
    // a parameter of a URL's query: the value runs to the next '&' (a password may hold blanks, ',' or ';')
    private static final Pattern QUERY_PARAMETER = Pattern.compile(
            "(?i)([?&]" + KEY + ")(\\s*=\\s*)(\"[^\"]*\"(?=\\s*(?:&|$))|[^&\\r\\n]*)");
    // a property of a ';'-separated URL or connection string (H2, SQL Server, DB2 after its ':', ADO.NET): the value
    // runs to the next ';', unless SQL Server's braces hold it ({a}}b;c}, where '}}' is a '}')
    private static final Pattern SEMICOLON_PROPERTY = Pattern.compile(
            "(?i)((?:;\\s*|(?<=[\\w/]):)" + KEY + ")(\\s*=\\s*)(\\{(?:[^}]|}})*}(?=\\s*(?:;|$))"
                    + "|\"[^\"]*\"(?=\\s*(?:;|$))|[^;\\r\\n]*)");
    // an entry of a printed map or Properties ({user=sa, password=a b}): the value runs to the next ", " or '}'
    private static final Pattern MAP_ENTRY = Pattern.compile(
            "(?i)((?:\\{|,\\s)" + KEY + ")(=)((?:(?!,\\s)[^}\\r\\n])*)");
    // anywhere else (free text, JSON, YAML): the value is quoted, braced, or runs to a blank or a punctuation mark;
    // the key may be quoted (JSON)
    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)(\\b" + KEY + "[\"']?)"
                    + "(\\s*[=:]\\s*)(\"[^\"]*\"|'[^']*'|\\{(?:[^}]|}})*}|[^;&,\\s\"')\\]}]+)");
    // the password ends at the last '@' before a blank: a password may itself hold an '@' or a '/' (an '@' later in
    // the URL hides the host too, which is safe); the user name may be empty or hold an '@' itself
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://)([^/\\s:]*:)\\S*@");
    // user/password@host, as Oracle's thin URLs and connect strings write it (jdbc:oracle:thin:scott/tiger@db:1521/x);
    // the password ends at the last '@'
    private static final Pattern SLASHED_USER = Pattern.compile(
            "(^|[\\s:=;,(\"'])([A-Za-z][\\w$#]*/)(?:[^\\s/\"']+|\"[^\"]*\")@(?=[\\w.\\[(/-])");

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
        String literal = Matcher.quoteReplacement(replacement);
        String cut = text;
        // each form to its own separator first; what they masked is only the replacement for the next ones
        for (Pattern form : new Pattern[] {QUERY_PARAMETER, SEMICOLON_PROPERTY, MAP_ENTRY, KEY_VALUE}) {
            cut = form.matcher(cut).replaceAll(match -> {
                String value = match.group(3);
                String quote = value.startsWith("\"") ? "\"" : value.startsWith("'") ? "'" : "";
                boolean json = match.group(1).endsWith("\"") || match.group(1).endsWith("'");
                return Matcher.quoteReplacement(match.group(1) + match.group(2)) + (json ? quote : "") + literal
                        + (json ? quote : "");
            });
        }
        cut = URL_USER_INFO.matcher(cut).replaceAll((hideUser ? "$1" : "$1$2") + literal + "@");
        return SLASHED_USER.matcher(cut).replaceAll((hideUser ? "$1" : "$1$2") + literal + "@");
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
