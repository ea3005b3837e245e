package io.dualwrite.internal;

/**
 * The Levenshtein distance of two names: how many characters must be inserted, deleted or replaced to turn one
 * into the other. Start-up checks use it to suggest the name a misspelt one was meant to be (a mapped column, a
 * configuration property).
 *
 * <p>Written here rather than taken from Apache Commons Text, whose {@code LevenshteinDistance} does the same: that
 * would add two jars to every application that embeds this library, for a loop over two short names at start-up.
 */
public final class EditDistance {

    private EditDistance() {
    }

    /** The number of single-character edits from {@code a} to {@code b}, compared as given (case counts). */
    public static int between(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
