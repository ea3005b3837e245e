package io.dualwrite.spring.metrics;

import io.dualwrite.DualWriter;
import io.dualwrite.Store;
import io.dualwrite.mirror.BreakerState;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.switches.Switchboard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The health contributor {@code dualwrite}. It is always {@code UP}: the old store is authoritative, so a broken
 * new store, an open breaker or a growing backlog never stops the application from serving, and must not make its
 * health DOWN (a load balancer would take a healthy node out). What is wrong goes into the details instead:
 * {@code degraded} (true or false) and {@code problems} (one sentence each), and per migration the backlog and each
 * mirror breaker's state. A migration is degraded when a breaker is open or half-open, when its backlog exceeds the
 * threshold, or when its backlog cannot be read. The application's own DataSource health reports the old store.
 *
 * <p>The backlog comes from {@link CachedBacklog}; breakers are read from the executors the writer has started.
 */
public final class DualWriteHealthIndicator implements HealthIndicator {

    /** The backlog above which a migration is reported degraded unless configured: 1,000 entries. */
    public static final long DEFAULT_BACKLOG_THRESHOLD = 1_000;

    private final Switchboard switchboard;
    private final @Nullable DualWriter writer;
    private final CachedBacklog backlog;
    private final long backlogThreshold;

    /**
     * @param switchboard      its migrations are reported
     * @param writer           the writer whose breakers are reported, or {@code null}
     * @param backlog          the change-log counts
     * @param backlogThreshold the backlog above which a migration is degraded; zero or more
     * @throws IllegalArgumentException when {@code backlogThreshold} is negative
     */
    public DualWriteHealthIndicator(Switchboard switchboard, @Nullable DualWriter writer, CachedBacklog backlog,
                                    long backlogThreshold) {
        this.switchboard = Objects.requireNonNull(switchboard, "switchboard");
        this.writer = writer;
        this.backlog = Objects.requireNonNull(backlog, "backlog");
        if (backlogThreshold < 0) {
            throw new IllegalArgumentException("backlogThreshold must be zero or more, but was " + backlogThreshold);
        }
        this.backlogThreshold = backlogThreshold;
    }

    @Override
    public Health health() {
        List<String> problems = new ArrayList<>();
        Map<String, Object> migrations = new TreeMap<>();
        for (String migration : switchboard.migrations().keySet()) {
            Map<String, Object> details = new LinkedHashMap<>();
            CachedBacklog.Reading reading = backlog.read(migration);
            if (reading.pending() == null) {
                details.put("backlog", "unknown (" + reading.error() + ")");
                problems.add("the change-log backlog of '" + migration + "' cannot be read (" + reading.error() + ")");
            } else {
                details.put("backlog", reading.pending());
                if (reading.pending() > backlogThreshold) {
                    problems.add("the change-log backlog of '" + migration + "' is " + reading.pending()
                            + " entries, above " + backlogThreshold);
                }
            }
            Map<String, String> breakers = new LinkedHashMap<>();
            for (Store target : Store.values()) {
                Optional<MirrorExecutor> executor = writer == null ? Optional.empty()
                        : writer.existingMirrorExecutor(migration, target);
                if (executor.isEmpty()) {
                    continue;
                }
                BreakerState state = executor.get().breakerState();
                String store = target.name().toLowerCase(Locale.ROOT);
                breakers.put(store, state.name());
                if (state != BreakerState.CLOSED) {
                    problems.add("the circuit breaker of the mirrors of '" + migration + "' to the " + store
                            + " store is " + state + ": mirrors are recorded in the change log instead");
                }
            }
            details.put("breakers", breakers);
            migrations.put(migration, details);
        }
        return Health.up().withDetail("degraded", !problems.isEmpty()).withDetail("problems", problems)
                .withDetail("migrations", migrations).build();
    }
}
