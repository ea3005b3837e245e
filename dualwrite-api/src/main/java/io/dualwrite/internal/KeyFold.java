package io.dualwrite.internal;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The loose fold of a key text, shared by every per-key lock of the library: two texts that a store's collation
 * may treat as one key fold alike, so that copies of {@code 'É'} and {@code 'e'} of one row take one lock.
 */
public final class KeyFold {

    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    private KeyFold() {
    }

    /**
     * A key text folded at least as far as any collation a supported database compares keys with: case (also
     * {@code ß} against {@code SS}), accents and other marks, compatibility forms (full-width letters,
     * ligatures) and trailing white space. MySQL's and MariaDB's {@code _ci}/{@code _ai} collations, PostgreSQL's
     * {@code char(n)}, {@code citext} and nondeterministic ICU collations never tell apart two texts whose folds
     * are equal; two texts that fold alike but are distinct keys only share a lock. Pure ASCII folds to lower
     * case with trailing white space stripped, as every earlier version of the JDBC copier's lock ids did, so
     * processes of two versions agree on it.
     */
    public static String loose(String key) {
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) >= 0x80) {
                // NFKD splits accented letters into base and marks and maps compatibility forms to plain ones;
                // upper then lower case folds ß to ss and final sigma to sigma
                String plain = MARKS.matcher(Normalizer.normalize(key, Normalizer.Form.NFKD)).replaceAll("");
                return plain.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT).stripTrailing();
            }
        }
        return key.toLowerCase(Locale.ROOT).stripTrailing();
    }
}
