package io.dualwrite.spring.endpoint;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Cuts credentials out of texts that reach endpoint output or log lines: error messages of drivers and stores may
 * quote a JDBC URL, and a URL may carry a password ({@code ;PASSWORD=…}, {@code ?password=…},
 * {@code //user:secret@host}, up to the last {@code @} before the host: a password may hold one; a quoted
 * value as a whole). Also turns line breaks into spaces, so a value cannot forge a log line.
 */
final class Redaction {

    static final String MASK = "******";

    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|secret|token|credentials?|api[-_]?key)(\\s*[=:]\\s*)"
                    + "(\"[^\"]*\"|'[^']*'|[^;&,\\s\"')\\]}]+)");
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://)[^/@\\s:]+:[^/\\s]*@");

    private Redaction() {
    }

    /** {@code text} without credentials and line breaks; {@code null} stays {@code null}. */
    static @Nullable String redact(@Nullable String text) {
        if (text == null) {
            return null;
        }
        String cut = KEY_VALUE.matcher(text).replaceAll("$1$2" + MASK);
        cut = URL_USER_INFO.matcher(cut).replaceAll("$1" + MASK + "@");
        return cut.replace('\r', ' ').replace('\n', ' ');
    }

    /** A failure as a short text for output: its type and redacted message. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + redact(message));
    }
}
