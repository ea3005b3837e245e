package io.dualwrite.internal;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks whose messages name the property, the bad value and what is allowed, shared by the
 * builders and factories of every package so that the same mistake reads the same everywhere.
 */
public final class Checks {

    /**
     * The longest identifier (each part of a qualified table name) accepted from configuration: PostgreSQL
     * cuts longer names to 63 bytes without an error, so a longer name would address another object than the
     * one configured, and MySQL and MariaDB refuse names over 64 characters. Identifiers are ASCII, so
     * characters and bytes are the same count.
     */
    public static final int MAX_IDENTIFIER_LENGTH = 63;

    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_$]{0," + (MAX_IDENTIFIER_LENGTH - 1) + "}";
    private static final Pattern COLUMN_NAME = Pattern.compile(IDENTIFIER);
    private static final Pattern TABLE_NAME = Pattern.compile("(?:" + IDENTIFIER + "\\.)?" + IDENTIFIER);
    private static final String IDENTIFIER_RULE = "an unquoted SQL identifier ([A-Za-z_][A-Za-z0-9_$]*, at most "
            + MAX_IDENTIFIER_LENGTH + " characters)";

    private Checks() {
    }

    /**
     * {@code value} when it is a column name the library may put into SQL it generates: an unquoted SQL
     * identifier, {@code [A-Za-z_][A-Za-z0-9_$]*}, at most {@link #MAX_IDENTIFIER_LENGTH} characters. Reserved
     * words ({@code order}, {@code key}) and mixed case pass: the library quotes the identifiers it generates.
     * Anything else (spaces, quotes, backticks, semicolons, comments, a leading digit, non-ASCII letters) is
     * refused, so no configured name can carry SQL of its own.
     *
     * @param property the configuration property the name came from, named in the message
     * @throws IllegalArgumentException naming the property, the value and what is allowed
     */
    public static String requireColumnName(String property, @Nullable String value) {
        if (value == null || !COLUMN_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(property + " must be " + IDENTIFIER_RULE + ", but was " + quoted(value)
                    + "; " + identifierFix(value));
        }
        return value;
    }

    /**
     * {@code value} when it is a table name the library may put into SQL it generates: a name as
     * {@link #requireColumnName} allows, optionally qualified once by a schema, {@code schema.table}.
     *
     * @param property the configuration property the name came from, named in the message
     * @throws IllegalArgumentException naming the property, the value and what is allowed
     */
    public static String requireTableName(String property, @Nullable String value) {
        if (value == null || !TABLE_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(property + " must be " + IDENTIFIER_RULE
                    + ", optionally qualified by one schema as schema.table, but was " + quoted(value) + "; "
                    + identifierFix(value));
        }
        return value;
    }

    /**
     * {@code value} when it is an id: an order, merchant or user id, or a migration name. Every entry point
     * that takes one checks it here, so a missing or blank id is refused with one message wherever it comes
     * in, e.g. {@code merchantId must be a non-blank id, but was ' '}. A blank id is never "no id": it would
     * fall through to a lower switch unseen.
     *
     * @param property the argument's name, as the caller knows it ({@code merchantId}, {@code migration})
     * @throws IllegalArgumentException when {@code value} is null, empty or only whitespace
     */
    public static String requireId(String property, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " must be a non-blank id, but was " + quoted(value));
        }
        return value;
    }

    /**
     * {@code id} without the spaces around it that an id read back from a copied cell or a page carries: those
     * {@link String#strip} takes, and also the no-break spaces ({@code U+00A0}, {@code U+2007}, {@code U+202F}, which
     * Java does not call white space) and the invisible format characters (the zero-width space {@code U+200B}, the
     * joiners, the byte-order mark {@code U+FEFF}). Switch ids are checked by it: an id spelt with one of them names
     * no merchant or order any call names.
     */
    public static String stripSpaces(String id) {
        int start = 0;
        int end = id.length();
        while (start < end && isSpaceAround(id.codePointAt(start))) {
            start += Character.charCount(id.codePointAt(start));
        }
        while (end > start && isSpaceAround(id.codePointBefore(end))) {
            end -= Character.charCount(id.codePointBefore(end));
        }
        return id.substring(start, end);
    }

    /**
     * The characters {@link #stripSpaces} took from {@code id}, each as {@code U+XXXX} where it is no plain ASCII
     * space, for a message: an invisible character must be named to be found.
     */
    public static String spacesNamed(String id) {
        String kept = stripSpaces(id);
        int at = id.indexOf(kept);
        String around = id.substring(0, at) + id.substring(at + kept.length());
        List<String> named = new java.util.ArrayList<>();
        around.codePoints().distinct().forEach(c -> named.add(c == ' ' ? "a space" : c == '\t' ? "a tab"
                : String.format(java.util.Locale.ROOT, "U+%04X", c)));
        return String.join(", ", named);
    }

    private static boolean isSpaceAround(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || isInvisible(c);
    }

    /**
     * Whether {@code c} shows nothing: a format character (the zero-width space {@code U+200B}, the joiners, the
     * word joiner {@code U+2060}, the soft hyphen {@code U+00AD}, the byte-order mark), or another of Unicode's
     * default-ignorable code points, which are not format characters (the combining grapheme joiner {@code U+034F},
     * the Hangul fillers {@code U+115F}, {@code U+1160}, {@code U+3164}, {@code U+FFA0}, the variation selectors
     * {@code U+180B}–{@code U+180F}, {@code U+FE00}–{@code U+FE0F}, {@code U+E0100}–{@code U+E01EF}), and the braille
     * blank {@code U+2800}. Listed from Unicode's {@code DerivedCoreProperties} (Default_Ignorable_Code_Point): Java
     * has no test for that property.
     */
    private static boolean isInvisible(int c) {
        return Character.getType(c) == Character.FORMAT || c == 0x034F || c == 0x115F || c == 0x1160
                || c == 0x17B4 || c == 0x17B5 || (c >= 0x180B && c <= 0x180F) || c == 0x2800 || c == 0x3164
                || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFFA0 || (c >= 0xE0100 && c <= 0xE01EF)
                || (c >= 0x1BCA0 && c <= 0x1BCA3);
    }

    /**
     * Why {@code id} (without spaces around it: {@link #stripSpaces}) is spelt otherwise than any call would name it,
     * or null: an invisible character inside it ({@code m-1} with a zero-width space after the {@code m}: {@link
     * #isInvisible}), named as {@code U+XXXX},
     * or a spelling other than Unicode's composed form NFC ({@code e} and the combining {@code U+0301} for {@code é}),
     * which text typed, pasted from a page or sent by a form is in, while a copy from a file system or another
     * program may not be. Both look like the id they stand beside and are another text to the switch store, which
     * compares ids exactly, so a switch set for one names a merchant or order no call names. Switch ids are checked
     * by it ({@link #visibleId} says what to write instead).
     */
    public static @Nullable String unseenSpelling(String id) {
        List<String> invisible = new java.util.ArrayList<>();
        id.codePoints().filter(Checks::isInvisible).distinct()
                .forEach(c -> invisible.add(String.format(java.util.Locale.ROOT, "U+%04X", c)));
        if (!invisible.isEmpty()) {
            return "an invisible character inside it: " + String.join(", ", invisible);
        }
        if (!java.text.Normalizer.isNormalized(id, java.text.Normalizer.Form.NFC)) {
            return "spelt in another Unicode form than the composed one (NFC) that calls spell it in";
        }
        return null;
    }

    /** {@code id} without its invisible characters ({@link #unseenSpelling}), in Unicode's composed form NFC. */
    public static String visibleId(String id) {
        StringBuilder visible = new StringBuilder(id.length());
        id.codePoints().filter(c -> !isInvisible(c)).forEach(visible::appendCodePoint);
        return java.text.Normalizer.normalize(visible, java.text.Normalizer.Form.NFC);
    }

    /**
     * The longest migration name: the library's own tables hold it in a {@code VARCHAR(128)} column, which MariaDB
     * and MySQL in a non-strict {@code sql_mode} would silently cut, making two migrations one.
     */
    public static final int MAX_MIGRATION_LENGTH = 128;

    /**
     * The longest order or merchant id the library's own tables hold ({@code VARCHAR(191)}: switches, order pins,
     * change-log entries, verification runs).
     */
    public static final int MAX_STORED_ID_LENGTH = 191;

    /**
     * {@code value} when it is a migration name ({@link #requireId}) of at most {@link #MAX_MIGRATION_LENGTH}
     * characters.
     *
     * @throws IllegalArgumentException naming the property, the value's length and the limit
     */
    public static String requireMigration(String property, @Nullable String value) {
        return requireFits(property, requireId(property, value), MAX_MIGRATION_LENGTH, "its column");
    }

    /**
     * {@code value} when it is null or fits a text column of the library's own tables of {@code maxLength}
     * characters (code points, as the databases count them). A longer value is refused rather than written: MariaDB
     * and MySQL in a non-strict {@code sql_mode} cut it without an error, so two values that differ only after the
     * limit would become one row.
     *
     * @param column the column, named in the message ({@code dualwrite_switch.subject_id})
     * @throws IllegalArgumentException naming the property, the value's length, the limit and the column
     */
    public static @Nullable String requireFits(String property, @Nullable String value, int maxLength, String column) {
        if (value != null && value.length() > maxLength) {
            int length = value.codePointCount(0, value.length());
            if (length > maxLength) {
                throw new IllegalArgumentException(property + " is " + length + " characters long, but " + column
                        + " holds at most " + maxLength + " (a longer value would be cut, and two values that differ"
                        + " only after the limit would be one): " + quoted(escaped(abbreviated(value))));
            }
        }
        return value;
    }

    /**
     * {@code value} when it is an id ({@link #requireId}) that fits a {@code VARCHAR(191)} column of the library's own
     * tables ({@link #MAX_STORED_ID_LENGTH}).
     *
     * @param column the column, named in the message ({@code dualwrite_order_pin.order_id})
     * @throws IllegalArgumentException when the id is null, blank, longer than the column holds, or holds a character
     *                                  the column cannot hold exactly ({@link #requireExactText})
     */
    public static String requireStoredId(String property, @Nullable String value, String column) {
        return requireExactText(property, requireFits(property, requireId(property, value), MAX_STORED_ID_LENGTH,
                column), column);
    }

    /**
     * {@code value} when a text column of the library's own tables holds it exactly on every database: no NUL (which
     * PostgreSQL refuses in text) and no half of a surrogate pair (which MariaDB keeps as another text, so that the id
     * would become another one). Refused on every database, so that an id means the same wherever the tables live.
     *
     * @throws IllegalArgumentException naming the property, the character, its index and the column
     */
    public static @Nullable String requireExactText(String property, @Nullable String value, String column) {
        int i = inexactCharAt(value);
        if (i >= 0) {
            throw new IllegalArgumentException(property + " holds U+" + String.format("%04X", (int) value.charAt(i))
                    + " at index " + i + ", which " + column + " cannot hold exactly (PostgreSQL refuses NUL in text;"
                    + " MariaDB keeps half of a surrogate pair as another text, another id): "
                    + quoted(escaped(abbreviated(value))) + "; use an id without it");
        }
        return value;
    }

    /**
     * The index of the first character of {@code value} that a text column cannot hold exactly on every database (NUL,
     * or half of a surrogate pair), or -1 when there is none or {@code value} is null.
     */
    public static int inexactCharAt(@Nullable String value) {
        if (value == null) {
            return -1;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (c == '\u0000' || Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code value} when it is null or an id as {@link #requireStoredId} checks it.
     *
     * @throws IllegalArgumentException when the id is blank or longer than the column holds
     */
    public static @Nullable String optionalStoredId(String property, @Nullable String value, String column) {
        return requireExactText(property, requireFits(property, optionalId(property, value), MAX_STORED_ID_LENGTH,
                column), column);
    }

    /** The start and the end of a long value, for a message. */
    private static String abbreviated(String value) {
        return value.length() <= 80 ? value : value.substring(0, 40) + "…" + value.substring(value.length() - 20);
    }

    /**
     * {@code value} when it is null (an optional id that is absent) or an id as {@link #requireId} checks it.
     *
     * @throws IllegalArgumentException when {@code value} is empty or only whitespace
     */
    public static @Nullable String optionalId(String property, @Nullable String value) {
        return value == null ? null : requireId(property, value);
    }

    /**
     * {@code value} when it is a non-blank string that is not an id (a name, a reason).
     *
     * @throws IllegalArgumentException when {@code value} is null, empty or only whitespace
     */
    public static String requireText(String property, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " must be a non-blank string, but was " + quoted(value));
        }
        return value;
    }

    /**
     * {@code value} when it is a name the library stores in a table of its own (a checkpoint or job name): not
     * blank, at most {@code maxLength} characters (code points, as the databases count them), and free of control
     * characters and unpaired surrogates, which some databases cannot store (PostgreSQL refuses NUL in text) or
     * store as another character (so two names would be one).
     *
     * @throws IllegalArgumentException naming the property, the value (control characters escaped) and the fix
     */
    public static String requireStoredName(String property, @Nullable String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(property + " must be a non-blank name of at most " + maxLength
                    + " characters, but was " + quoted(value));
        }
        int length = value.codePointCount(0, value.length());
        if (length > maxLength) {
            throw new IllegalArgumentException(property + " must be a non-blank name of at most " + maxLength
                    + " characters, but was " + length + " characters long: " + quoted(escaped(value)));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                throw new IllegalArgumentException(property + " must not hold control characters or unpaired"
                        + " surrogates (PostgreSQL cannot store NUL, and a driver may store such a character as"
                        + " another), but was " + quoted(escaped(value)) + " with U+"
                        + String.format("%04X", (int) c) + " at index " + i + "; remove it");
            }
        }
        return value;
    }

    /** {@code value} with control characters and surrogates written as Java escapes (backslash, u, hex), safe in a message. */
    private static String escaped(String value) {
        StringBuilder text = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1));
            if (paired) {
                text.append(c).append(value.charAt(++i));
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                text.append(String.format("\\u%04X", (int) c));
            } else {
                text.append(c);
            }
        }
        return text.toString();
    }

    /**
     * {@code value} when it is not null.
     *
     * @throws IllegalArgumentException when it is null
     */
    public static <T> T requireNonNull(String property, @Nullable T value) {
        if (value == null) {
            throw new IllegalArgumentException(property + " must not be null");
        }
        return value;
    }

    /**
     * {@code value} when it is zero or positive.
     *
     * @throws IllegalArgumentException naming {@code property} when {@code value} is null or negative
     */
    public static Duration requireNonNegative(String property, @Nullable Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(property + " must be zero or positive, but was " + value);
        }
        return value;
    }

    /**
     * {@code value} when it is positive.
     *
     * @throws IllegalArgumentException naming {@code property} when {@code value} is null, zero or negative
     */
    public static Duration requirePositive(String property, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be positive, but was " + value);
        }
        return value;
    }

    /** How to get from a refused identifier to one that is accepted. */
    private static String identifierFix(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return "give the name of the table or column as the database knows it";
        }
        String stripped = value.strip();
        if (stripped.matches("[\"`\\[].*|.*[\"`\\]]")) {
            return "give the bare name, without quotes, backticks or brackets: the library quotes every identifier it"
                    + " generates, so mixed case and reserved words need none";
        }
        if (stripped.length() > MAX_IDENTIFIER_LENGTH) {
            return "a longer name is cut or refused by some databases, so it would not address the same object on"
                    + " both stores: rename it in the database first";
        }
        if (!stripped.equals(value)) {
            return "remove the spaces around the name";
        }
        return "give the bare name of the table or column (SQL, comments or separators are never part of it); a"
                + " name outside this form (spaces, non-ASCII letters, a leading digit) cannot be configured: rename"
                + " it in the database first";
    }

    private static String quoted(@Nullable String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
