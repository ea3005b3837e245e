package io.dualwrite.jdbc.copy;

import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What MySQL/MariaDB's catalog declares of a column beyond what the drivers report ({@code SHOW FULL COLUMNS}): its
 * full type ({@code enum('a','b')}, {@code decimal(10,2) unsigned}, {@code year(4)}, {@code tinytext}) and the
 * character set of its collation. {@link Holdable} asks it whether the column holds a value as it is: in the copier's
 * strict session the server refuses what it cannot store without naming the row (a character outside the column's
 * set, a label the {@code ENUM} lacks, a negative number for an {@code UNSIGNED} decimal, a text past a
 * {@code TINYTEXT}'s bytes), and some values it stores as others without a word ({@code 'A'} as the {@code ENUM}'s
 * {@code 'a'}, a {@code SET}'s {@code 'b,a'} as {@code 'a,b'}, the number 5 in a {@code YEAR} as 2005).
 *
 * @param type    the declared type, lower case
 * @param charset the character set of a text column's collation ({@code utf8mb4}, {@code latin1}…), lower case;
 *                null for other columns
 * @param labels  the values an {@code ENUM} or {@code SET} lists, in their order; empty for other columns
 * @param wideTimestamps whether the server's {@code TIMESTAMP} reaches 2106 (MariaDB 11.5 and later), not 2038
 * @param padSpace whether the column's collation is a PAD SPACE one, comparing {@code 'a'} and {@code 'a '} as one
 *                 text: every collation but {@code binary}, MariaDB's {@code _nopad_} ones and MySQL's {@code _0900_}
 *                 ones (MariaDB 11.4.5's alias {@code utf8mb4_0900_bin} of the PAD SPACE {@code utf8mb4_bin} is
 *                 taken as NO PAD: the copier's read-back check still finds a key it merges)
 */
record MySqlColumn(String type, @Nullable String charset, List<String> labels, boolean wideTimestamps,
                   boolean padSpace) {

    /**
     * What {@code SHOW FULL COLUMNS} says of a column: its {@code Type} and its {@code Collation} (null: none), on a
     * server whose {@code TIMESTAMP} reaches 2106 or not ({@link #wideTimestamps(String)}).
     */
    static MySqlColumn of(String type, @Nullable String collation, boolean wideTimestamps) {
        String lower = type.toLowerCase(Locale.ROOT);
        String charset = collation == null || collation.indexOf('_') < 0 ? null
                : collation.substring(0, collation.indexOf('_')).toLowerCase(Locale.ROOT);
        List<String> labels = lower.startsWith("enum(") || lower.startsWith("set(") ? parseLabels(type) : List.of();
        String collated = collation == null ? null : collation.toLowerCase(Locale.ROOT);
        boolean padSpace = collated != null && !collated.equals("binary") && !collated.contains("_nopad_")
                && !collated.contains("_0900_");
        return new MySqlColumn(lower, charset, labels, wideTimestamps, padSpace);
    }

    /**
     * Whether a server of this version ({@code DatabaseMetaData.getDatabaseProductVersion}: {@code 11.4.2-MariaDB},
     * {@code 8.0.36}) keeps {@code TIMESTAMP}s up to 2106-02-07 06:28:15 UTC: MariaDB from 11.5; MySQL's and older
     * MariaDB's end at 2038-01-19 03:14:07.
     */
    static boolean wideTimestamps(@Nullable String version) {
        if (version == null || !version.toLowerCase(Locale.ROOT).contains("mariadb")) {
            return false;
        }
        java.util.regex.Matcher numbers = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(version);
        if (!numbers.find()) {
            return false;
        }
        int major = Integer.parseInt(numbers.group(1));
        int minor = Integer.parseInt(numbers.group(2));
        return major > 11 || major == 11 && minor >= 5;
    }

    /** The first and last instant a {@code TIMESTAMP} holds, as UTC date-times (its zero value aside). */
    private static final java.time.LocalDateTime FIRST_TIMESTAMP = java.time.LocalDateTime.of(1970, 1, 1, 0, 0, 1);
    private static final java.time.LocalDateTime LAST_TIMESTAMP = java.time.LocalDateTime.of(2038, 1, 19, 3, 14, 7, 999_999_000);
    private static final java.time.LocalDateTime LAST_WIDE_TIMESTAMP =
            java.time.LocalDateTime.of(2106, 2, 7, 6, 28, 15, 999_999_000);

    /** The quoted labels of {@code enum('a','b''c')}: {@code a}, {@code b'c} (a quote doubled or after a backslash). */
    private static List<String> parseLabels(String type) {
        List<String> labels = new ArrayList<>();
        int at = type.indexOf('(') + 1;
        while (at < type.length() && type.charAt(at) == '\'') {
            StringBuilder label = new StringBuilder();
            at++;
            while (at < type.length()) {
                char c = type.charAt(at++);
                if (c == '\'' && at < type.length() && type.charAt(at) == '\'') {
                    label.append('\'');
                    at++;
                } else if (c == '\\' && at < type.length()) {
                    label.append(type.charAt(at++)); // a label escaped the other way, \'
                } else if (c == '\'') {
                    break;
                } else {
                    label.append(c);
                }
            }
            labels.add(label.toString());
            if (at < type.length() && type.charAt(at) == ',') {
                at++;
            }
        }
        return List.copyOf(labels);
    }

    /** What the column holds, when it does not hold {@code value} as it is; null when it does or cannot tell. */
    @Nullable String refusal(Object value) {
        if (type.startsWith("timestamp") && (value instanceof java.time.LocalDateTime
                || value instanceof java.time.OffsetDateTime)) {
            // the copier writes a TIMESTAMP in a UTC session: a date-time without zone is that UTC date-time
            java.time.LocalDateTime utc = value instanceof java.time.OffsetDateTime instant
                    ? instant.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDateTime()
                    : (java.time.LocalDateTime) value;
            java.time.LocalDateTime last = wideTimestamps ? LAST_WIDE_TIMESTAMP : LAST_TIMESTAMP;
            return utc.isBefore(FIRST_TIMESTAMP) || utc.isAfter(last) ? "holds the instants "
                    + FIRST_TIMESTAMP.toString().replace('T', ' ') + " to " + last.withNano(0).toString().replace('T', ' ')
                    + " UTC" : null;
        }
        if (value instanceof Number number) {
            return number(number);
        }
        if (value instanceof String text) {
            return text(text);
        }
        return null;
    }

    private @Nullable String number(Number number) {
        if (type.startsWith("year")) {
            boolean special = (number instanceof Double || number instanceof Float)
                    && (Double.isNaN(number.doubleValue()) || Double.isInfinite(number.doubleValue()));
            BigDecimal year = special ? BigDecimal.ONE
                    : number instanceof BigDecimal big ? big : new BigDecimal(number.toString());
            boolean held = year.signum() == 0 || year.stripTrailingZeros().scale() <= 0
                    && year.compareTo(BigDecimal.valueOf(1901)) >= 0 && year.compareTo(BigDecimal.valueOf(2155)) <= 0;
            return held ? null : "holds the years 1901 to 2155 and 0 (it stores 1 to 99 as 2001 to 2069 and 1970 to"
                    + " 1999, and refuses the others)";
        }
        if (type.contains(" unsigned") && signum(number) < 0) {
            return "holds no negative number (it is UNSIGNED)";
        }
        java.util.regex.Matcher digits = FLOATING_DIGITS.matcher(type);
        if (digits.lookingAt()) {
            return floatingDigits(number, Integer.parseInt(digits.group(2)), Integer.parseInt(digits.group(3)));
        }
        return null;
    }

    /** A floating-point type declared with its digits: {@code double(10,2)}, {@code float(7,4)}, {@code real(8,3)}. */
    private static final java.util.regex.Pattern FLOATING_DIGITS =
            java.util.regex.Pattern.compile("(float|double precision|double|real)\\((\\d+),(\\d+)\\)");

    /**
     * A number into a {@code FLOAT(M,D)} or {@code DOUBLE(M,D)}: MySQL/MariaDB round it to {@code D} decimals without
     * a word (1.23456 is stored as 1.23 in a {@code DOUBLE(10,2)}, 0.125 as 0.12), and refuse one of more than {@code
     * M - D} digits before the point without naming the row. Held when its shortest decimal has at most {@code D}
     * decimals and fewer than {@code M - D} digits before the point. NaN and the infinities are {@link Holdable}'s to
     * refuse.
     */
    private static @Nullable String floatingDigits(Number number, int m, int d) {
        BigDecimal exact;
        if (number instanceof Double || number instanceof Float) {
            double value = number.doubleValue();
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                return null;
            }
            exact = Holdable.shortest(value, number instanceof Float);
        } else {
            exact = number instanceof BigDecimal big ? big : new BigDecimal(number.toString());
        }
        boolean held = Math.max(0, exact.stripTrailingZeros().scale()) <= d
                && exact.abs().compareTo(BigDecimal.TEN.pow(Math.max(0, m - d))) < 0;
        return held ? null : "holds numbers of at most " + m + " digits, " + d + " of them after the point (it rounds"
                + " a number to " + d + " decimals without a word, and refuses a larger one)";
    }

    private static int signum(Number number) {
        if (number instanceof Double || number instanceof Float) {
            double value = number.doubleValue();
            return value < 0 ? -1 : 0; // -0 is held, as 0
        }
        return (number instanceof BigDecimal big ? big : new BigDecimal(number.toString())).signum();
    }

    private @Nullable String text(String text) {
        if (type.startsWith("enum(")) {
            return labels.contains(text) ? null : "holds only " + quoted(labels) + " (a value spelt otherwise is"
                    + " stored as the label its collation matches, or refused)";
        }
        if (type.startsWith("set(")) {
            return inSetOrder(text) ? null : "holds sets of " + quoted(labels) + ", written in that order without"
                    + " repeats (another spelling is stored as another text, or refused)";
        }
        if (charset != null && !holds(charset, text)) {
            return "holds only the characters of its character set " + charset + ", and this text has others";
        }
        long bytes = TEXT_BYTES.getOrDefault(type, 0L);
        if (bytes > 0 && (long) text.length() * 4 > bytes && encodedLength(text) > bytes) {
            return "holds at most " + bytes + " bytes, and this text has " + encodedLength(text) + " in " + charset;
        }
        return null;
    }

    /**
     * The number an {@code ENUM} or {@code SET} value is ordered by: an {@code ENUM}'s index (from 1, in the labels'
     * order), a {@code SET}'s bits (its first label 1, the next 2, …); null for another column or a text that names no
     * such value.
     */
    @Nullable Long number(String text) {
        if (type.startsWith("enum(")) {
            int index = labels.indexOf(text);
            return index < 0 ? null : (long) index + 1;
        }
        if (!type.startsWith("set(") || labels.size() > 63) {
            return null;
        }
        long bits = 0;
        for (String member : text.isEmpty() ? new String[0] : text.split(",", -1)) {
            int index = labels.indexOf(member);
            if (index < 0) {
                return null;
            }
            bits |= 1L << index;
        }
        return bits;
    }

    /** Whether a {@code SET} value is its labels in their declared order, each once: the text the server keeps. */
    private boolean inSetOrder(String text) {
        if (text.isEmpty()) {
            return true;
        }
        int last = -1;
        for (String member : text.split(",", -1)) {
            int index = labels.indexOf(member);
            if (index <= last) {
                return false;
            }
            last = index;
        }
        return true;
    }

    private static String quoted(List<String> labels) {
        List<String> quoted = new ArrayList<>(labels.size());
        labels.forEach(label -> quoted.add("'" + label + "'"));
        return String.join(", ", quoted);
    }

    /** The bytes of {@code text} in this column's character set. */
    private long encodedLength(String text) {
        return switch (charset == null ? "" : charset) {
            case "latin1", "ascii" -> text.length();
            case "ucs2", "utf16", "utf16le" -> text.length() * 2L;
            case "utf32" -> text.codePointCount(0, text.length()) * 4L;
            default -> text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        };
    }

    /** The bytes a {@code TINYTEXT}, {@code TEXT} and {@code MEDIUMTEXT} hold ({@code LONGTEXT}: more than a string). */
    private static final Map<String, Long> TEXT_BYTES = Map.of("tinytext", 255L, "text", 65_535L,
            "mediumtext", 16_777_215L);

    /**
     * Whether the character set holds every character of {@code text}. The sets of every Unicode character, and sets
     * with no Java equivalent known here (several East Asian ones), are not checked: the server still refuses what
     * they lack.
     */
    static boolean holds(String charset, String text) {
        switch (charset) {
            case "utf8mb4", "utf16", "utf16le", "utf32", "binary" -> {
                return true;
            }
            case "utf8mb3", "utf8", "ucs2" -> {
                // the basic plane only: no surrogate pair
                for (int i = 0; i < text.length(); i++) {
                    if (Character.isSurrogate(text.charAt(i))) {
                        return false;
                    }
                }
                return true;
            }
            case "ascii" -> {
                return text.chars().allMatch(c -> c < 0x80);
            }
            case "latin1" -> {
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (c >= 0x80 && LATIN1.indexOf(c) < 0) {
                        return false;
                    }
                }
                return true;
            }
            default -> {
                String name = JAVA_CHARSETS.get(charset);
                if (name == null || text.chars().allMatch(c -> c < 0x80)) {
                    return true;
                }
                return Charset.forName(name).newEncoder().canEncode(text);
            }
        }
    }

    /**
     * The characters of MySQL/MariaDB's {@code latin1} above 0x7F: Windows-1252, whose five undefined bytes (0x81,
     * 0x8D, 0x8F, 0x90, 0x9D) MySQL maps to the control characters of the same number.
     */
    private static final String LATIN1 = latin1();

    private static String latin1() {
        byte[] high = new byte[128];
        for (int i = 0; i < 128; i++) {
            high[i] = (byte) (0x80 + i);
        }
        char[] decoded = new String(high, Charset.forName("windows-1252")).toCharArray();
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == '\uFFFD') {
                decoded[i] = (char) (0x80 + i);
            }
        }
        return new String(decoded);
    }

    /** MySQL/MariaDB single-byte character sets and their Java equivalents. */
    private static final Map<String, String> JAVA_CHARSETS = Map.ofEntries(Map.entry("latin2", "ISO-8859-2"),
            Map.entry("latin5", "ISO-8859-9"), Map.entry("latin7", "ISO-8859-13"), Map.entry("greek", "ISO-8859-7"),
            Map.entry("hebrew", "ISO-8859-8"), Map.entry("cp1250", "windows-1250"), Map.entry("cp1251", "windows-1251"),
            Map.entry("cp1256", "windows-1256"), Map.entry("cp1257", "windows-1257"), Map.entry("koi8r", "KOI8-R"),
            Map.entry("koi8u", "KOI8-U"), Map.entry("cp866", "IBM866"), Map.entry("cp852", "IBM852"),
            Map.entry("cp850", "IBM850"));
}
