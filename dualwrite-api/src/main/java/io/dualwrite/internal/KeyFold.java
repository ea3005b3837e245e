package io.dualwrite.internal;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The loose fold of a key text, shared by every per-key lock of the library: two texts that a store's collation
 * may treat as one key fold alike, so that copies of {@code 'É'} and {@code 'e'} of one row take one lock.
 */
public final class KeyFold {

    /** Marks (accents), and the controls and format characters collations ignore; white space is kept. */
    private static final Pattern IGNORED = Pattern.compile("[\\p{M}\\p{Cf}[\\p{Cc}&&[^\\s]]]+");

    private KeyFold() {
    }

    /**
     * A key text folded at least as far as the collations keys are compared with on the supported databases:
     * case (also {@code ß} and {@code ẞ} against {@code ss}), accents and other marks, compatibility forms
     * (full-width letters, ligatures such as {@code ﬁ}), the letters Unicode collation treats as a base letter
     * with a stroke or as two letters ({@code Ø}, {@code Ł}, {@code Đ}, {@code Ð}, {@code Ħ}, {@code Ŧ}, {@code ı};
     * {@code Æ}, {@code Œ}, {@code Þ}), characters collations ignore (controls such as NUL, format characters
     * such as the soft hyphen and the zero-width space) and trailing white space. MariaDB's and MySQL's UCA-based
     * collations ({@code utf8mb4_unicode_ci}, {@code utf8mb4_uca1400_ai_ci}, {@code utf8mb4_0900_ai_ci}),
     * PostgreSQL's {@code char(n)} and {@code citext} never tell apart two texts whose folds are equal; two texts
     * that fold alike but are distinct keys only share a lock. Known gap: {@code utf8mb4_general_ci} also calls
     * {@code 'ß'} equal to {@code 's'}. Text of printable ASCII folds to lower case with trailing white space
     * stripped, as every earlier version of the JDBC copier's lock ids did, so processes of two versions agree
     * on it.
     */
    public static String loose(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= 0x7f || (c < 0x20 && !isTrailingWhiteSpace(key, i))) {
                return unicode(key);
            }
        }
        return key.toLowerCase(Locale.ROOT).stripTrailing();
    }

    private static boolean isTrailingWhiteSpace(String key, int from) {
        for (int i = from; i < key.length(); i++) {
            if (!Character.isWhitespace(key.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String unicode(String key) {
        // NFKD splits accented letters into base and marks and maps compatibility forms to plain ones;
        // upper then lower case folds ß to ss and final sigma to sigma
        String plain = IGNORED.matcher(Normalizer.normalize(key, Normalizer.Form.NFKD)).replaceAll("");
        String lower = plain.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        StringBuilder folded = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            String expansion = switch (c) {
                case 'ø' -> "o";
                case 'ł' -> "l";
                case 'đ', 'ð' -> "d";
                case 'ħ' -> "h";
                case 'ŧ' -> "t";
                case 'ı' -> "i";
                case 'æ' -> "ae";
                case 'œ' -> "oe";
                case 'þ' -> "th";
                case 'ß' -> "ss";
                default -> null;
            };
            if (expansion != null) {
                folded.append(expansion);
            } else {
                folded.append(c);
            }
        }
        return folded.toString().stripTrailing();
    }
}
