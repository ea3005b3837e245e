package io.dualwrite.jdbc.switches;

import io.dualwrite.MigrationPhase;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Collects the rows of {@code dualwrite_switch} for one migration into {@link SwitchSettings}. A row it
 * cannot read (an unknown phase or scope, a merchant or order switch without an id, a malformed rule) is
 * set aside as a {@link BadRow} and the others are kept, so one hand-edited row cannot take every switch
 * of the migration out of force. Not thread-safe: one instance per load.
 */
final class SwitchRows {

    static final String SYSTEM = "SYSTEM";
    static final String MERCHANT = "MERCHANT";
    static final String ORDER = "ORDER";
    static final String RULE = "RULE";
    static final String MERCHANT_PERCENTAGE = "MERCHANT_PERCENTAGE";
    static final String ID_THRESHOLD = "ID_THRESHOLD";
    /** A row that keeps the time a merchant switch (its id in {@code subject_id}) was cleared; no switch. */
    static final String MERCHANT_CLEARED = "MERCHANT_CLEARED";
    /** A row that keeps the time an order switch (its id in {@code subject_id}) was cleared; no switch. */
    static final String ORDER_CLEARED = "ORDER_CLEARED";
    /** A row that keeps the time the rules were last replaced (none may be left); no switch. */
    static final String RULES_SET = "RULES_SET";
    /**
     * A row that keeps the time an operator moved the pins of a merchant (its id in {@code subject_id}), or of every
     * order ({@code ''}); no switch.
     */
    static final String PINS_MOVED = "PINS_MOVED";
    /** A row that keeps the time an operator moved or removed one order's pin (its id in {@code subject_id}); no switch. */
    static final String PIN_MOVED = "PIN_MOVED";
    /** The phase column of those rows, which hold no phase. */
    static final String NO_PHASE = "-";

    private final String migration;
    private @Nullable MigrationPhase system;
    private final Map<String, MigrationPhase> merchants = new HashMap<>();
    private final Map<String, MigrationPhase> orders = new HashMap<>();
    private final TreeMap<Integer, SwitchRule> rules = new TreeMap<>();
    private final List<BadRow> badRows = new ArrayList<>();
    /** The count of authority moves of each switch, set or cleared ({@link SwitchSettings#authorityMoves()}). */
    private final Map<String, Long> moves = new HashMap<>();

    SwitchRows(String migration) {
        this.migration = migration;
    }

    /** Adds one row; a row that cannot be read is kept aside as a bad row instead. */
    void add(@Nullable String scope, @Nullable String subject, @Nullable String phaseName, @Nullable String ruleKind,
             @Nullable Number ruleValue, @Nullable Number rulePosition, @Nullable LocalDateTime updatedAt) {
        countMoves(scope, subject, phaseName, ruleValue, rulePosition, updatedAt);
        if (MERCHANT_CLEARED.equals(scope) || ORDER_CLEARED.equals(scope) || RULES_SET.equals(scope)
                || PINS_MOVED.equals(scope) || PIN_MOVED.equals(scope)) {
            return; // the time of a change that left no switch behind (JdbcSwitchStore.lastChange), not a switch
        }
        MigrationPhase phase = phase(phaseName);
        if (phase == null) {
            bad(scope, subject, "phase '" + phaseName + "'", "not a phase; allowed are "
                    + List.of(MigrationPhase.values()));
            return;
        }
        if (scope == null) {
            bad(null, subject, "scope_kind null", "the scope is missing");
            return;
        }
        switch (scope) {
            case SYSTEM -> {
                if (subject == null || !subject.isEmpty()) {
                    bad(scope, subject, "subject_id " + quoted(subject), "a SYSTEM switch has subject_id ''");
                } else {
                    system = phase;
                }
            }
            case MERCHANT -> putById(merchants, scope, subject, phase);
            case ORDER -> putById(orders, scope, subject, phase);
            case RULE -> addRule(subject, phase, ruleKind, ruleValue, rulePosition);
            default -> bad(scope, subject, "scope_kind '" + scope + "'",
                    "not a scope; allowed are " + List.of(SYSTEM, MERCHANT, ORDER, RULE));
        }
    }

    /** The switches of every row that could be read. */
    SwitchSettings settings() {
        return new SwitchSettings(system, merchants, orders, new ArrayList<>(rules.values()), moves);
    }

    /**
     * Keeps the count of authority moves a switch row carries in {@code rule_value} (a system, merchant or order
     * switch, set or cleared, and the rules' replacement row; {@link JdbcSwitchStore} counts them): a rule's own
     * {@code rule_value} is its percentage or threshold, and a row written before the counts were kept holds none (0).
     *
     * <p>The count is taken as it stands only when the row carries its {@link #witness} (in {@code rule_position}):
     * proof that the last writer of the row was one that counts. A row changed since by a writer that keeps no count —
     * an instance of an older version of the library during a rolling upgrade, or an operator's statement that stamps
     * {@code updated_at} — no longer matches its witness, and its count is taken with the row's time added, so that
     * every such change moves it: without that, such a writer's move across the authority and back while a sync ran
     * left the count and the phase as they were, and the sync's check committed over a write made between them
     * (round 27b, {@code docs/decisions.md}).
     */
    private void countMoves(@Nullable String scope, @Nullable String subject, @Nullable String phaseName,
                            @Nullable Number ruleValue, @Nullable Number rulePosition,
                            @Nullable LocalDateTime updatedAt) {
        if (scope == null || subject == null) {
            return;
        }
        String key = switch (scope) {
            case SYSTEM -> SwitchSettings.SYSTEM_MOVES;
            case RULES_SET -> SwitchSettings.RULES_MOVES;
            case MERCHANT, MERCHANT_CLEARED -> "MERCHANT:" + subject;
            case ORDER, ORDER_CLEARED -> "ORDER:" + subject;
            default -> null;
        };
        if (key != null) {
            long counted = ruleValue == null ? 0 : ruleValue.longValue();
            boolean witnessed = ruleValue != null && rulePosition != null
                    && rulePosition.intValue() == witness(updatedAt, phaseName, counted);
            moves.merge(key, witnessed ? counted : counted + micros(updatedAt), Math::max);
        }
    }

    /**
     * What a writer that counts authority moves ({@link JdbcSwitchStore}) keeps in {@code rule_position} of a counted
     * row: a digest of the row's time, phase and count as read back after its change. A writer that keeps no count
     * changes the time or the phase and leaves {@code rule_position}, so the digest no longer matches
     * ({@link #countMoves}).
     */
    static int witness(@Nullable LocalDateTime updatedAt, @Nullable String phase, long moves) {
        long digest = micros(updatedAt) * 0x9E3779B97F4A7C15L;
        digest = (digest ^ (digest >>> 29)) * 31 + (phase == null ? 0 : phase.hashCode());
        digest = digest * 0xBF58476D1CE4E5B9L + moves;
        return (int) (digest ^ (digest >>> 32));
    }

    private static long micros(@Nullable LocalDateTime time) {
        return time == null ? 0 : time.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + time.getNano() / 1_000;
    }

    /** The rows that could not be read, in the order they were added. */
    List<BadRow> badRows() {
        return badRows;
    }

    private void putById(Map<String, MigrationPhase> switches, String scope, @Nullable String subject,
                         MigrationPhase phase) {
        if (subject == null || subject.isBlank()) {
            // a blank id is no merchant or order: every entry point refuses it, so such a switch would never apply
            bad(scope, subject, "subject_id " + quoted(subject), "a " + scope + " switch needs the id in subject_id");
        } else {
            switches.put(subject, phase);
        }
    }

    private void addRule(@Nullable String subject, MigrationPhase phase, @Nullable String kind,
                         @Nullable Number value, @Nullable Number position) {
        String shown = "rule_kind " + quoted(kind) + ", rule_value " + value + ", rule_position " + position;
        if (position == null) {
            bad(RULE, subject, shown, "a rule needs its rule_position");
            return;
        }
        if (value == null) {
            bad(RULE, subject, shown, "a rule needs its rule_value");
            return;
        }
        SwitchRule rule;
        if (MERCHANT_PERCENTAGE.equals(kind)) {
            long percent = value.longValue();
            if (percent < 0 || percent > 100) {
                bad(RULE, subject, shown, "a merchant percentage is between 0 and 100");
                return;
            }
            rule = SwitchRule.merchantPercentage((int) percent, phase);
        } else if (ID_THRESHOLD.equals(kind)) {
            rule = SwitchRule.idThreshold(value.longValue(), phase);
        } else {
            bad(RULE, subject, shown, "not a rule kind; allowed are " + List.of(MERCHANT_PERCENTAGE, ID_THRESHOLD));
            return;
        }
        SwitchRule taken = rules.putIfAbsent(position.intValue(), rule);
        if (taken != null) {
            bad(RULE, subject, shown, "rule_position " + position + " is already held by " + taken);
        }
    }

    private static @Nullable MigrationPhase phase(@Nullable String name) {
        if (name == null) {
            return null;
        }
        try {
            return MigrationPhase.parse("phase", name);
        } catch (IllegalArgumentException notAPhase) {
            return null;
        }
    }

    private void bad(@Nullable String scope, @Nullable String subject, String value, String problem) {
        badRows.add(new BadRow(migration, scope, subject, value, problem));
    }

    private static String quoted(@Nullable String text) {
        return text == null ? "null" : "'" + text + "'";
    }

    /**
     * A row of {@code dualwrite_switch} that was skipped.
     *
     * @param migration the row's migration
     * @param scope     its {@code scope_kind}, as stored
     * @param subject   its {@code subject_id}, as stored
     * @param value     the value that could not be read, with its column name
     * @param problem   what is wrong with it
     */
    record BadRow(String migration, @Nullable String scope, @Nullable String subject, String value, String problem) {

        /** Identifies the row and its fault, so that one bad row is throttled apart from another. */
        String key() {
            return migration + '\u0000' + scope + '\u0000' + subject + '\u0000' + value;
        }
    }
}
