package io.dualwrite.internal;

import java.util.regex.Pattern;

/**
 * Cuts credentials out of a text before it is logged or stored: drivers and pools quote JDBC URLs in their
 * error messages (Hikari's "Failed to get driver instance for jdbcUrl=…"), and a URL may carry a password as a
 * parameter ({@code ;PASSWORD=…}, {@code ?password=…}) or as user information ({@code //user:secret@host}).
 */
public final class Credentials {

    /** What a cut-out credential is replaced with. */
    public static final String MASK = "******";

    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b(password|passwd|pwd|secret|token|credentials?|api[-_]?key)(\\s*[=:]\\s*)"
                    + "(\"[^\"]*\"|'[^']*'|[^;&,\\s\"')\\]}]+)");
    // the password ends at the last '@' before the host: a password may itself hold an '@'
    private static final Pattern URL_USER_INFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://)([^/@\\s:]+:)[^/\\s]*@");

    private Credentials() {
    }

    /** {@code text} with every password parameter and URL password replaced by {@link #MASK}. */
    public static String mask(String text) {
        return mask(text, MASK, false);
    }

    /**
     * {@code text} with every password parameter and URL password replaced by {@code replacement}; with
     * {@code hideUser}, a URL's user name goes too ({@code scheme://replacement@host}), else it stays
     * ({@code scheme://user:replacement@host}).
     */
    public static String mask(String text, String replacement, boolean hideUser) {
        String literal = java.util.regex.Matcher.quoteReplacement(replacement);
        String cut = KEY_VALUE.matcher(text).replaceAll("$1$2" + literal);
        return URL_USER_INFO.matcher(cut).replaceAll((hideUser ? "$1" : "$1$2") + literal + "@");
    }
}
