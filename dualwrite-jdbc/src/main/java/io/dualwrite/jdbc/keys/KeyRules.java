package io.dualwrite.jdbc.keys;

import io.dualwrite.jdbc.keys.KeyGenerators.Generator;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of {@link KeyGeneratorGate} for one table, and the moves of {@link KeyGeneratorGate#split()}
 * that satisfy them where a statement can. Both read the table's state through {@link TableKeys}.
 *
 * <ul>
 *   <li>Only the new store generates: its generator sits past the highest key of both stores.</li>
 *   <li>Both generate, no split: refused; they would hand out the same keys.</li>
 *   <li>Disjoint ranges: the old store is not MySQL/MariaDB; the new generator sits past the highest key; the
 *       new range (the lowest key at or above the old generator's next, or the new generator's next) starts at
 *       least {@code headroom} keys above the old generator's next.</li>
 *   <li>Interleaved: each generator steps by {@code step} in its own series, and no key it would hand out among
 *       the next {@value TableKeys#LOOK_AHEAD} keys of either store is taken already.</li>
 *   <li>Every generator: it does not cycle (past its maximum a {@code CYCLE} sequence starts over among keys handed
 *       out already), and the keys it is to hand out fit its maximum and its key column's type; {@link #apply}
 *       never moves a generator past them.</li>
 * </ul>
 */
final class KeyRules {

    private static final Logger log = LoggerFactory.getLogger(KeyRules.class);
    private static final String DOC = " (see docs/key-generators.md)";

    private KeyRules() {
    }

    /** What keeps the table's generators from being apart; empty when they are. */
    static List<String> problems(TableKeys keys, @Nullable KeySplit split) throws SQLException {
        List<String> problems = new ArrayList<>();
        if (keys.newGenerator.isEmpty()) {
            return problems;
        }
        Generator newer = keys.newGenerator.get();
        bounds(keys.newStore, keys.newName, newer, problems);
        countsDown(keys, keys.newStore, keys.newName, newer, keys.oldGenerator.orElse(null), problems);
        if (keys.oldGenerator.isEmpty()) {
            lag(keys, newer, problems);
            return problems;
        }
        Generator older = keys.oldGenerator.get();
        bounds(keys.oldStore, keys.oldName, older, problems);
        countsDown(keys, keys.oldStore, keys.oldName, older, newer, problems);
        if (split == null) {
            problems.add("both stores generate keys for this table: " + describe(keys.oldStore, keys.oldName, older)
                    + "; " + describe(keys.newStore, keys.newName, newer) + "; once the new store is authoritative for"
                    + " some merchants (or after a rollback) they hand out the same keys; set them apart with"
                    + " KeyGeneratorGate.of(..., KeySplit.disjointRanges(headroom)) or KeySplit.interleaved(step,"
                    + " oldOffset, newOffset), then call split()" + DOC);
        } else if (split instanceof KeySplit.DisjointRanges disjoint) {
            disjoint(keys, older, newer, disjoint, problems);
        } else if (split instanceof KeySplit.Interleaved interleaved) {
            interleaved(keys, keys.oldStore, keys.oldName, older, interleaved, interleaved.oldOffset(), problems);
            interleaved(keys, keys.newStore, keys.newName, newer, interleaved, interleaved.newOffset(), problems);
        }
        return problems;
    }

    /**
     * Moves the generators of the table that a statement can move, so that {@link #problems} has less to say.
     *
     * @return how many generators were moved
     */
    static int apply(TableKeys keys, @Nullable KeySplit split) throws SQLException {
        if (keys.newGenerator.isEmpty()) {
            return 0;
        }
        Generator newer = keys.newGenerator.get();
        if (keys.oldGenerator.isEmpty() || split == null) {
            long floor = split instanceof KeySplit.DisjointRanges disjoint ? disjoint.newRangeStart() : 1;
            return keys.oldGenerator.isEmpty() ? moveNew(keys, newer, Math.max(keys.highest + 1, floor), newer.step()) : 0;
        }
        Generator older = keys.oldGenerator.get();
        if (split instanceof KeySplit.DisjointRanges disjoint) {
            return applyDisjoint(keys, older, newer, disjoint);
        }
        KeySplit.Interleaved interleaved = (KeySplit.Interleaved) split;
        return moveInterleaved(keys, true, older, interleaved, interleaved.oldOffset())
                + moveInterleaved(keys, false, newer, interleaved, interleaved.newOffset());
    }

    /**
     * Moves one generator into its series past the highest key. A MySQL/MariaDB generator's series is the
     * server's: it is only moved past the highest key once the server's step and offset are right.
     */
    private static int moveInterleaved(TableKeys keys, boolean old, Generator generator, KeySplit.Interleaved split,
                                       int offset) throws SQLException {
        if (inSeries(generator, split, offset) && keys.takenAhead(generator.next(), split, offset).isEmpty()) {
            return 0;
        }
        if (generator.variable()) {
            return inSeries(generator, split, offset) ? move(keys, old, generator, keys.highest + 1, split.step()) : 0;
        }
        long next = split.firstAbove(Math.max(keys.highest, generator.next() - 1), offset);
        return move(keys, old, generator, next, split.step());
    }

    /** A generator that cycles, or whose next key is past the largest it can hand out. */
    private static void bounds(String store, String name, Generator generator, List<String> problems) {
        if (generator.cycles()) {
            problems.add(store + ": " + name + " (" + generator.kind() + ") cycles: past " + generator.max() + " it"
                    + " starts over at its minimum value, among keys it handed out already and keys the other store's"
                    + " generator handed out and the mirror copied; fix: ALTER SEQUENCE … NO CYCLE" + DOC);
        }
        if (generator.next() > generator.max()) {
            problems.add(store + ": " + name + " (" + generator.kind() + ") would generate " + generator.next()
                    + " next, but the largest key it can hand out is " + generator.max() + " (" + generator.maxBy()
                    + "), so every insert that takes a generated key fails; fix: " + widen(generator) + DOC);
        }
    }

    /**
     * A generator that counts down (a sequence or identity with a negative {@code INCREMENT}) from a key at or above
     * a key either store holds, the other generator's next key, or 1: every check here reads a generator's series
     * upwards from its next key, so the gate approved one that walks down into the keys the other store hands out
     * and the mirror copies (a sequence {@code INCREMENT BY -1 START WITH 20} beside an identity at 4 under
     * {@code KeySplit.disjointRangesFrom(20, 5)}: both handed out 12). One counting down below every such key (the
     * new store's keys negative) is not refused here; the other rules, which read keys upwards, still refuse it.
     */
    private static void countsDown(TableKeys keys, String store, String name, Generator generator,
                                   @Nullable Generator other, List<String> problems) throws SQLException {
        if (generator.step() >= 0) {
            return;
        }
        long floor = 1;
        OptionalLong lowest = keys.minAtOrAbove(Long.MIN_VALUE);
        if (lowest.isPresent()) {
            floor = Math.min(floor, lowest.getAsLong());
        }
        if (other != null) {
            floor = Math.min(floor, other.next());
        }
        if (generator.next() >= floor) {
            problems.add(store + ": " + name + " (" + generator.kind() + ") counts down (step " + generator.step()
                    + ") from " + generator.next() + " toward keys at or below it ("
                    + floor + " is taken or handed out next by the other store), so it hands out the other store's"
                    + " keys; fix: ALTER SEQUENCE … INCREMENT BY 1 (a positive step), then call split()" + DOC);
        }
    }

    /** A key a move would set a generator to, past the largest it can hand out. */
    private static String beyond(String name, Generator generator, long next) {
        return name + " cannot be moved to " + next + ": the largest key it can hand out is " + generator.max() + " ("
                + generator.maxBy() + "); fix: " + widen(generator);
    }

    private static String widen(Generator generator) {
        return generator.maxBy().startsWith("the column's type")
                ? "widen the key column to BIGINT (in both stores), or choose a KeySplit whose keys stay below it"
                : "raise the MAXVALUE (ALTER SEQUENCE … NO MAXVALUE), or choose a KeySplit whose keys stay below it";
    }

    private static void lag(TableKeys keys, Generator newer, List<String> problems) {
        if (newer.next() <= keys.highest) {
            problems.add(keys.newStore + ": " + keys.newName + " would generate " + newer.next() + " but the highest key"
                    + " is " + keys.highest + " (of both stores); fix: " + (keys.highest + 1 > newer.max()
                    ? beyond(keys.newName, newer, keys.highest + 1)
                    : "KeyGeneratorGate.split() or align() moves it to " + (keys.highest + 1)));
        }
    }

    private static void disjoint(TableKeys keys, Generator older, Generator newer, KeySplit.DisjointRanges split,
                                 List<String> problems) throws SQLException {
        if (older.variable()) {
            problems.add(keys.oldStore + " generates " + keys.oldName + " with AUTO_INCREMENT, and a row mirrored into"
                    + " it with a key from the new range moves AUTO_INCREMENT into that range, so disjoint ranges"
                    + " cannot keep the stores apart; use KeySplit.interleaved(2, 1, 2) with auto_increment_increment = 2"
                    + " and auto_increment_offset = 1 on the old server" + DOC);
            return;
        }
        lag(keys, newer, problems);
        long oldNext = older.next();
        OptionalLong taken = keys.minAtOrAbove(oldNext);
        long rangeStart = taken.isPresent() ? Math.min(taken.getAsLong(), newer.next()) : newer.next();
        if (rangeStart - oldNext < split.headroom()) {
            long start = disjointStart(keys, older, split);
            String fix = taken.isPresent() && taken.getAsLong() < newer.next()
                    ? "keys from " + taken.getAsLong() + " on are taken already, so moving the new generator cannot"
                    + " widen the gap: use KeySplit.interleaved, or a smaller headroom"
                    : start > newer.max() ? beyond(keys.newName, newer, start)
                    : "KeyGeneratorGate.split() restarts " + keys.newName + " at " + start;
            problems.add(keys.oldStore + ": " + keys.oldName + " generates " + oldNext + " next and the new range ("
                    + keys.newStore + ", " + keys.newName + ") starts at " + rangeStart + ": " + (rangeStart - oldNext)
                    + " keys apart, less than the headroom of " + split.headroom() + "; fix: " + fix + DOC);
        }
    }

    private static void interleaved(TableKeys keys, String store, String name, Generator generator,
                                    KeySplit.Interleaved split, int offset, List<String> problems) throws SQLException {
        if (!inSeries(generator, split, offset)) {
            long restart = split.firstAbove(Math.max(keys.highest, generator.next() - 1), offset);
            String now = generator.variable()
                    ? "steps " + generator.step() + " from offset " + generator.offset() + " (auto_increment_increment = "
                    + generator.step() + ", auto_increment_offset = " + generator.offset() + ")"
                    : "steps " + generator.step() + " and generates " + generator.next() + " next";
            String fix = generator.variable()
                    ? "SET GLOBAL auto_increment_increment = " + split.step() + ", auto_increment_offset = " + offset
                    + " on that server (and in its option file), then reconnect the application's pools, or set both"
                    + " per session in the pools' connection-init SQL"
                    : restart > generator.max() ? beyond(name, generator, restart)
                    : "KeyGeneratorGate.split() restarts it at " + restart + " with INCREMENT BY " + split.step();
            problems.add(store + ": " + name + " (" + generator.kind() + ") " + now + ", but the split needs step "
                    + split.step() + " and the keys " + offset + ", " + (offset + split.step()) + ", "
                    + (offset + 2L * split.step()) + ", …; fix: " + fix + DOC);
            return;
        }
        OptionalLong taken = keys.takenAhead(generator.next(), split, offset);
        if (taken.isPresent()) {
            problems.add(store + ": " + name + " would generate " + taken.getAsLong() + ", which a store holds already"
                    + "; fix: KeyGeneratorGate.split() moves it past the highest key " + keys.highest + DOC);
        }
    }

    /** Whether a generator steps through the series of {@code offset}. */
    private static boolean inSeries(Generator generator, KeySplit.Interleaved split, int offset) {
        return generator.variable()
                ? generator.step() == split.step() && generator.offset() == offset
                : generator.step() == split.step() && split.inSeries(generator.next(), offset);
    }

    private static int applyDisjoint(TableKeys keys, Generator older, Generator newer, KeySplit.DisjointRanges split)
            throws SQLException {
        if (older.variable()) {
            return 0; // refused by the rules: nothing to move
        }
        OptionalLong taken = keys.minAtOrAbove(older.next());
        if (taken.isPresent() && taken.getAsLong() < newer.next()) {
            // the new range is in use: only a lagging new generator can still be helped
            return newer.next() <= keys.highest ? moveNew(keys, newer, keys.highest + 1, newer.step()) : 0;
        }
        long start = disjointStart(keys, older, split);
        return newer.next() < start ? moveNew(keys, newer, start, newer.step()) : 0;
    }

    /** Where a disjoint new range starts: headroom past the highest key and the old generator, at or above the start given. */
    private static long disjointStart(TableKeys keys, Generator older, KeySplit.DisjointRanges split) {
        return Math.max(split.newRangeStart(), Math.max(keys.highest + 1, older.next()) + split.headroom());
    }

    private static int moveNew(TableKeys keys, Generator newer, long next, long step) throws SQLException {
        return newer.next() < next ? move(keys, false, newer, next, step) : 0;
    }

    private static int move(TableKeys keys, boolean old, Generator generator, long next, long step) throws SQLException {
        if (next > generator.max()) {
            return 0; // the rules name it (the generator would hand out keys its column or sequence cannot hold)
        }
        if (old) {
            keys.restartOld(next, step);
        } else {
            keys.restartNew(next, step);
        }
        log.info("Moved the key generator of {} in the {} from {} (step {}) to {} (step {})", old ? keys.oldName
                : keys.newName, old ? keys.oldStore : keys.newStore, generator.next(), generator.step(), next,
                generator.variable() ? generator.step() : step);
        return 1;
    }

    private static String describe(String store, String name, Generator generator) {
        return store + " " + name + " (" + generator.kind() + ", next " + generator.next() + ", step "
                + generator.step() + ")";
    }
}
