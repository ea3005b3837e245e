package io.dualwrite.spring.endpoint;

import io.dualwrite.MigrationPhase;
import io.dualwrite.switches.VerificationStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code dualwrite} endpoint shows for one migration. A part whose store could not be read carries an
 * {@code error} (the failure's type and message, credentials removed) instead of failing the whole read.
 *
 * @param migration    the migration's name
 * @param defaultPhase the system phase that applies while none is stored
 * @param pinning      whether orders are pinned to the phase of their first write
 * @param switches     every switch: system, merchants, orders, rules
 * @param pins         how many orders are pinned to each phase
 * @param backlog      the change-log entries not yet completed, in all and by reason
 * @param verification the last verification, as the phase gate sees it, and per table and scope
 * @param breakers     the mirror executors by target store ({@code new}, {@code old})
 */
public record MigrationReport(String migration, MigrationPhase defaultPhase, boolean pinning, Switches switches,
                              Pins pins, Backlog backlog, Verification verification, Map<String, Breaker> breakers) {

    /**
     * The switches of a migration, as this node's switch cache holds them (at most the refresh interval old).
     *
     * @param system       the system phase in effect
     * @param systemStored whether it is stored ({@code false}: the configured default applies)
     * @param merchants    merchant switches by merchant id
     * @param orders       order switches by order id
     * @param rules        rules in evaluation order
     * @param error        why the switches could not be read, or {@code null}
     */
    public record Switches(@Nullable MigrationPhase system, boolean systemStored, Map<String, MigrationPhase> merchants,
                           Map<String, MigrationPhase> orders, List<Rule> rules, @Nullable String error) {
    }

    /**
     * One rule.
     *
     * @param type  {@code merchant-percentage} (value: the percentage of merchants) or {@code id-threshold}
     *              (value: the lowest numeric order id it covers)
     * @param value the percentage or the threshold
     * @param phase the phase the rule gives
     */
    public record Rule(String type, long value, MigrationPhase phase) {
    }

    /**
     * Order pins, counted by phase.
     *
     * @param configured whether the switchboard has an order-pin store
     * @param byPhase    pinned orders per phase (phases without pins absent)
     * @param error      why the pins could not be counted, or {@code null}
     */
    public record Pins(boolean configured, Map<MigrationPhase, Long> byPhase, @Nullable String error) {
    }

    /**
     * The change-log backlog.
     *
     * @param total    entries not yet completed, or {@code null} when unknown
     * @param byReason entries per reason (empty when the change log cannot count by reason)
     * @param error    why the backlog could not be read, or {@code null}
     */
    public record Backlog(@Nullable Long total, Map<String, Long> byReason, @Nullable String error) {
    }

    /**
     * The last verification.
     *
     * @param status the phase gate's view ({@code null} without a verification probe, or when it failed)
     * @param runs   the run that counts per table and scope (empty unless the probe reads dualwrite_verification)
     * @param error  why it could not be read, or {@code null}
     */
    public record Verification(@Nullable VerificationStatus status, List<Run> runs, @Nullable String error) {
    }

    /**
     * The verification run that counts for one table and scope.
     *
     * @param table      the table (old-store name)
     * @param scope      {@code *} (whole table) or {@code merchant=<id>}
     * @param status     clean or dirty
     * @param sampled    whether it compared a sample
     * @param finishedAt when it ended
     */
    public record Run(String table, String scope, VerificationStatus status, boolean sampled, Instant finishedAt) {
    }

    /**
     * A mirror executor's circuit breaker and queue.
     *
     * @param state       {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, or {@code NOT_STARTED} when no write has
     *                    mirrored to that store yet
     * @param queuedTasks mirror tasks waiting for a lane
     */
    public record Breaker(String state, int queuedTasks) {
    }
}
