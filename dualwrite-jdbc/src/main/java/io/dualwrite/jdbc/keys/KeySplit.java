package io.dualwrite.jdbc.keys;

/**
 * How the key generators of the two stores are kept apart while both hand out keys for one table (some
 * merchants {@code NEW_PRIMARY}, others still old-authoritative; or a rollback after a cutover). Rows are
 * mirrored with their keys, so a key one store generates must never be one the other store generates.
 *
 * <ul>
 *   <li>{@link #disjointRanges(long)}: the new store generates from a start far above the old one; the old
 *       generator must stay at least {@code headroom} keys below the new range. Not for a MySQL/MariaDB old
 *       store: there a row mirrored with a key from the new range moves {@code AUTO_INCREMENT} into it.</li>
 *   <li>{@link #interleaved(int, int, int)}: both generators step by {@code step} from distinct offsets
 *       (old 1, 3, 5, …; new 2, 4, 6, …), so they can never meet, whatever is mirrored.</li>
 * </ul>
 *
 * <p>{@link KeyGeneratorGate#split()} sets the generators up; {@link KeyGeneratorGate#check} refuses a move
 * that makes the new store authoritative while they are not apart. Immutable.
 */
public sealed interface KeySplit permits KeySplit.DisjointRanges, KeySplit.Interleaved {

    /** The largest step MySQL and MariaDB accept for {@code auto_increment_increment}. */
    int MAX_STEP = 65_535;

    /**
     * Disjoint ranges whose start follows the data: the new store's generator restarts at {@code headroom}
     * past the highest key of both stores (or past the old generator's next key, if that is higher).
     *
     * @param headroom how many keys the old generator may still hand out before it would reach the new range
     * @throws IllegalArgumentException when {@code headroom} is not positive
     */
    static KeySplit disjointRanges(long headroom) {
        return new DisjointRanges(1, headroom);
    }

    /**
     * Disjoint ranges from a fixed start: the new store's generator restarts at {@code newRangeStart} (e.g.
     * 10,000,000,000, the threshold of an id rule), or higher when the old keys already come within
     * {@code headroom} of it.
     *
     * @throws IllegalArgumentException when {@code newRangeStart} or {@code headroom} is not positive
     */
    static KeySplit disjointRangesFrom(long newRangeStart, long headroom) {
        return new DisjointRanges(newRangeStart, headroom);
    }

    /**
     * Interleaved generators: each store's generator steps by {@code step}, the old one handing out keys
     * {@code ≡ oldOffset}, the new one keys {@code ≡ newOffset} (mod {@code step}). With step 2, offsets 1 and
     * 2: old 1, 3, 5, …, new 2, 4, 6, … On MySQL/MariaDB these are the server variables
     * {@code auto_increment_increment} and {@code auto_increment_offset}.
     *
     * @throws IllegalArgumentException when {@code step} is not between 2 and {@value KeySplit#MAX_STEP}, an offset is
     *                                  not between 1 and {@code step}, or the offsets are equal
     */
    static KeySplit interleaved(int step, int oldOffset, int newOffset) {
        return new Interleaved(step, oldOffset, newOffset);
    }

    /**
     * See {@link #disjointRangesFrom(long, long)}.
     *
     * @param newRangeStart the lowest key the new range starts at (1: wherever the headroom puts it)
     * @param headroom      the least distance, in keys, between the old generator's next key and the new range
     */
    record DisjointRanges(long newRangeStart, long headroom) implements KeySplit {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException when {@code newRangeStart} or {@code headroom} is below 1
         */
        public DisjointRanges {
            if (newRangeStart < 1) {
                throw new IllegalArgumentException("newRangeStart must be positive, but was " + newRangeStart);
            }
            if (headroom < 1) {
                throw new IllegalArgumentException("headroom must be positive, but was " + headroom);
            }
        }
    }

    /**
     * See {@link #interleaved(int, int, int)}.
     *
     * @param step      how far apart consecutive keys of one store are (2 to {@value KeySplit#MAX_STEP})
     * @param oldOffset the old store's keys are {@code ≡ oldOffset (mod step)}; 1 to {@code step}
     * @param newOffset the new store's keys are {@code ≡ newOffset (mod step)}; 1 to {@code step}, not {@code oldOffset}
     */
    record Interleaved(int step, int oldOffset, int newOffset) implements KeySplit {
        /**
         * Checks the components.
         *
         * @throws IllegalArgumentException when {@code step} is not between 2 and {@value KeySplit#MAX_STEP}, an offset is not
         *                                  between 1 and {@code step}, or the two offsets are equal
         */
        public Interleaved {
            if (step < 2 || step > MAX_STEP) {
                throw new IllegalArgumentException("step must be between 2 and " + MAX_STEP + ", but was " + step);
            }
            if (oldOffset < 1 || oldOffset > step) {
                throw new IllegalArgumentException("oldOffset must be between 1 and the step " + step + ", but was "
                        + oldOffset);
            }
            if (newOffset < 1 || newOffset > step) {
                throw new IllegalArgumentException("newOffset must be between 1 and the step " + step + ", but was "
                        + newOffset);
            }
            if (oldOffset == newOffset) {
                throw new IllegalArgumentException("newOffset must differ from oldOffset " + oldOffset + ", but was "
                        + newOffset);
            }
        }

        /** Whether {@code key} is in the series of {@code offset}. */
        boolean inSeries(long key, int offset) {
            return Math.floorMod(key - offset, (long) step) == 0;
        }

        /** The least key of the series of {@code offset} that is greater than {@code above}. */
        long firstAbove(long above, int offset) {
            long candidate = above + 1;
            return candidate + Math.floorMod(offset - candidate, (long) step);
        }
    }
}
