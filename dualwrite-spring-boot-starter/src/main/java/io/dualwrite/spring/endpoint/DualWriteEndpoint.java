package io.dualwrite.spring.endpoint;

import io.dualwrite.DualWriter;
import io.dualwrite.MigrationContext;
import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.jdbc.verify.JdbcVerificationProbe;
import io.dualwrite.mirror.MirrorExecutor;
import io.dualwrite.switches.GateVerdict;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.PhaseMoveRefusedException;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchSettings;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationProbe;
import io.dualwrite.switches.VerificationStatus;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The actuator endpoint {@code dualwrite}: the state of every migration, and operator moves of its switches and pins.
 *
 * <ul>
 *   <li><b>Read</b> ({@code GET /actuator/dualwrite}, and {@code GET /actuator/dualwrite/{migration}} for one): per
 *       migration a {@link MigrationReport} — system, merchant and order switches and rules (from this node's switch
 *       cache), order pins counted by phase, the change-log backlog in all and by reason, the last verification
 *       (the phase gate's view, and with {@link JdbcVerificationProbe} the run that counts per table and scope), and
 *       the circuit breaker and queue of each mirror executor the {@link DualWriter} has started. Each read runs a
 *       few queries on the stores (pins, backlog, verification); nothing is cached.</li>
 *   <li><b>Write</b> ({@code POST /actuator/dualwrite/{migration}} with a JSON body {@code target}, {@code phase},
 *       and {@code id}, {@code force}, {@code merchantId} where they apply): moves the {@code system} phase, a
 *       {@code merchant}'s or an {@code order}'s switch, or re-pins one order ({@code pin}), a merchant's pinned orders
 *       ({@code merchant-pins}) or every pinned order ({@code all-pins}), through {@link SwitchAdmin} and so through
 *       its phase gate: a forward move past {@code DUAL_WRITE} that the gate refuses changes nothing and answers
 *       {@link PhaseChange#REFUSED} with the gate's reason, unless {@code force} is true (then it is logged at
 *       WARN). Changes apply on this node at once and on the others within the switch cache's refresh interval.</li>
 * </ul>
 *
 * <p><b>Security.</b> Exposure is the application's: {@code management.endpoints.web.exposure.include}. When a write
 * role is given (the auto-configuration gives one when Spring Security is on the class path), a write by a caller
 * not in that role — as the servlet request, or the Spring Security authorities ({@code ROLE} or
 * {@code ROLE_ROLE}), say — answers {@link PhaseChange#FORBIDDEN} and changes nothing; reads are left to the
 * application's security configuration. A call without a caller (JMX) is anonymous and holds no role.
 *
 * <p><b>Audit.</b> Every write request leaves one line on the logger {@value #AUDIT_LOGGER}: who (the caller's
 * principal name, else {@code anonymous}), the target, migration, id, {@code from → to}, forced, the outcome and
 * the reason; at INFO, at WARN when a forced move was applied or a caller was forbidden. No output or line carries a password:
 * texts from stores are cut by a redaction of credential-looking values and URL user information.
 */
@Endpoint(id = "dualwrite")
public class DualWriteEndpoint {

    /** The logger of the audit lines. */
    public static final String AUDIT_LOGGER = "io.dualwrite.audit";

    private static final String NOT_STARTED = "NOT_STARTED";

    private final Switchboard switchboard;
    private final SwitchAdmin admin;
    private final ChangeLog changeLog;
    private final @Nullable VerificationProbe verification;
    private final @Nullable DualWriter writer;
    private final @Nullable String writeRole;
    private final Audit audit = new Audit();

    /**
     * @param switchboard  the application's switchboard: its migrations, switch store and pin store
     * @param admin        the operator actions, with the phase gate every move goes through
     * @param changeLog    the change log whose backlog is shown
     * @param verification the probe of the last verification, or {@code null} to show none
     * @param writer       the writer whose mirror executors are shown, or {@code null} to show none
     * @param writeRole    the role a caller must hold to write, or {@code null} to let anyone who reaches the
     *                     endpoint write (the auto-configuration passes {@code null} only without Spring Security)
     */
    public DualWriteEndpoint(Switchboard switchboard, SwitchAdmin admin, ChangeLog changeLog,
                             @Nullable VerificationProbe verification, @Nullable DualWriter writer,
                             @Nullable String writeRole) {
        this.switchboard = Objects.requireNonNull(switchboard, "switchboard");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.changeLog = Objects.requireNonNull(changeLog, "changeLog");
        this.verification = verification;
        this.writer = writer;
        this.writeRole = writeRole == null || writeRole.isBlank() ? null : writeRole.trim();
    }

    /** Every migration's report, by migration name. */
    @ReadOperation
    public DualWriteReport report() {
        Map<String, MigrationReport> reports = new TreeMap<>();
        for (String migration : switchboard.migrations().keySet()) {
            reports.put(migration, reportOf(migration));
        }
        return new DualWriteReport(reports);
    }

    /** One migration's report; {@code null} (404 over HTTP) for a migration that is not configured. */
    @ReadOperation
    public @org.springframework.lang.Nullable MigrationReport migration(@Selector String migration) {
        return switchboard.migrations().containsKey(migration) ? reportOf(migration) : null;
    }

    /**
     * Moves a switch or re-pins orders of {@code migration}; see the class description.
     *
     * @param migration  the migration (from the path)
     * @param target     {@code system}, {@code merchant}, {@code order}, {@code pin}, {@code merchant-pins} or
     *                   {@code all-pins}
     * @param phase      the phase to move to, by name ({@code DUAL_WRITE}, {@code dual-write}, …)
     * @param id         the merchant id ({@code merchant}, {@code merchant-pins}) or order id ({@code order},
     *                   {@code pin}); absent for {@code system} and {@code all-pins}
     * @param force      whether to override a refusal of the phase gate; default false
     * @param merchantId for {@code order}: the order's merchant, so that "from" accounts for its switch
     * @param security   the caller (injected by the actuator)
     */
    @WriteOperation
    public PhaseChange change(@Selector String migration, String target, String phase,
                              @org.springframework.lang.Nullable String id,
                              @org.springframework.lang.Nullable Boolean force,
                              @org.springframework.lang.Nullable String merchantId, SecurityContext security) {
        boolean forced = Boolean.TRUE.equals(force);
        String who = who(security);
        String action = target == null ? "" : target.trim().toLowerCase(Locale.ROOT);
        // the answer echoes the request; like the audit line, it never shows a credential-looking value
        String shownMigration = Objects.requireNonNull(Redaction.redact(migration));
        String shownAction = Objects.requireNonNull(Redaction.redact(action));
        String shownId = Redaction.redact(id);
        if (writeRole != null && !inRole(security, writeRole)) {
            return audit.record(who, new PhaseChange(PhaseChange.FORBIDDEN, shownMigration, shownAction, shownId, null, null, forced,
                    "writing to the dualwrite endpoint requires the role " + writeRole, null));
        }
        if (!plain(id) || !plain(merchantId)) {
            // refused before SwitchAdmin, whose log lines and switch store would keep the id as given
            return audit.record(who, new PhaseChange(PhaseChange.INVALID, shownMigration, shownAction, shownId, null,
                    null, forced, "an id holding a line break or a credential-looking value (password=…, //user:secret@)"
                    + " is refused; merchant and order ids never do", null));
        }
        MigrationPhase to = null;
        MigrationPhase from = null;
        try {
            to = MigrationPhase.parse("phase", phase);
            switchboard.config(migration);
            from = currentPhase(migration, action, id, merchantId);
            Moved moved = move(migration, action, id, merchantId, to, forced);
            return audit.record(who, new PhaseChange(PhaseChange.APPLIED, shownMigration, shownAction, shownId, from, to, forced,
                    Objects.requireNonNull(Redaction.redact(moved.verdict.reason())), moved.repinned));
        } catch (PhaseMoveRefusedException refused) {
            return audit.record(who, new PhaseChange(PhaseChange.REFUSED, shownMigration, shownAction, shownId, from, to, false,
                    Objects.requireNonNull(Redaction.redact(refused.verdict().reason())), null));
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException bad) {
            return audit.record(who, new PhaseChange(PhaseChange.INVALID, shownMigration, shownAction, shownId, from, to, forced,
                    Objects.requireNonNullElse(Redaction.redact(bad.getMessage()), bad.getClass().getSimpleName()),
                    null));
        }
    }

    private record Moved(GateVerdict verdict, @Nullable Integer repinned) {
    }

    private Moved move(String migration, String action, @Nullable String id, @Nullable String merchantId,
                       MigrationPhase to, boolean force) {
        return switch (action) {
            case "system" -> {
                noId(action, id);
                yield new Moved(admin.moveSystem(migration, to, force), null);
            }
            case "merchant" -> new Moved(admin.moveMerchant(migration, required(id), to, force), null);
            case "order" -> new Moved(admin.moveOrder(migration, required(id), merchantId, to, force), null);
            case "pin" -> new Moved(admin.repinOrder(migration, required(id), to, force), null);
            case "merchant-pins" -> {
                int count = admin.repinMerchant(migration, required(id), to, force);
                yield new Moved(GateVerdict.allow("re-pinned " + count + " orders"), count);
            }
            case "all-pins" -> {
                noId(action, id);
                int count = admin.repinAll(migration, to, force);
                yield new Moved(GateVerdict.allow("re-pinned " + count + " orders"), count);
            }
            default -> throw new IllegalArgumentException("target must be one of [system, merchant, order, pin,"
                    + " merchant-pins, all-pins], but was '" + action + "'");
        };
    }

    /** The phase in effect before the move, as this node's cache holds it; {@code null} for re-pins of many orders. */
    private @Nullable MigrationPhase currentPhase(String migration, String action, @Nullable String id,
                                                 @Nullable String merchantId) {
        return switch (action) {
            case "system" -> switchboard.systemPhase(migration);
            case "merchant" -> switchboard.merchantPhase(migration, required(id)).phase();
            case "order" -> switchboard.resolveRead(MigrationContext.forMigration(migration).orderId(required(id))
                    .merchantId(merchantId).build()).phase();
            case "pin" -> switchboard.orderPinStore().flatMap(pins -> pins.find(migration, required(id))).orElse(null);
            default -> null;
        };
    }

    /** Whether an id shows the same redacted: no credential-looking value, no line break. */
    private static boolean plain(@Nullable String id) {
        return id == null || id.equals(Redaction.redact(id));
    }

    private static String required(@Nullable String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id must be a non-blank merchant or order id for this target, but was "
                    + (id == null ? "absent" : "'" + id + "'"));
        }
        return id;
    }

    private static void noId(String action, @Nullable String id) {
        if (id != null) {
            throw new IllegalArgumentException("id must be absent for target " + action + ", but was '" + id + "'");
        }
    }

    private static String who(SecurityContext security) {
        Principal principal = security.getPrincipal();
        String name = principal == null ? null : principal.getName();
        return name == null || name.isBlank() ? "anonymous" : name;
    }

    private static boolean inRole(SecurityContext security, String role) {
        return security.getPrincipal() != null
                && (security.isUserInRole(role) || SpringSecurityRoles.hasAuthority(security.getPrincipal(), role));
    }

    private MigrationReport reportOf(String migration) {
        MigrationSwitchConfig config = switchboard.config(migration);
        return new MigrationReport(migration, config.defaultPhase(), config.pinning(), switches(migration),
                pins(migration), backlog(migration), verification(migration), breakers(migration));
    }

    private MigrationReport.Switches switches(String migration) {
        try {
            SwitchSettings settings = switchboard.switchStore().load(migration);
            List<MigrationReport.Rule> rules = settings.rules().stream().map(DualWriteEndpoint::rule).toList();
            return new MigrationReport.Switches(switchboard.systemPhase(migration), settings.systemPhase() != null,
                    new TreeMap<>(settings.merchantPhases()), new TreeMap<>(settings.orderPhases()), rules, null);
        } catch (RuntimeException failure) {
            return new MigrationReport.Switches(null, false, Map.of(), Map.of(), List.of(), Redaction.describe(failure));
        }
    }

    private static MigrationReport.Rule rule(SwitchRule rule) {
        if (rule instanceof SwitchRule.MerchantPercentage share) {
            return new MigrationReport.Rule("merchant-percentage", share.percent(), share.phase());
        }
        SwitchRule.IdThreshold threshold = (SwitchRule.IdThreshold) rule;
        return new MigrationReport.Rule("id-threshold", threshold.threshold(), threshold.phase());
    }

    private MigrationReport.Pins pins(String migration) {
        Optional<OrderPinStore> store = switchboard.orderPinStore();
        if (store.isEmpty()) {
            return new MigrationReport.Pins(false, Map.of(), null);
        }
        try {
            return new MigrationReport.Pins(true, store.get().pinCounts(migration), null);
        } catch (RuntimeException failure) {
            return new MigrationReport.Pins(true, Map.of(), Redaction.describe(failure));
        }
    }

    private MigrationReport.Backlog backlog(String migration) {
        try {
            Map<String, Long> byReason;
            try {
                byReason = changeLog.pendingCountByReason(migration);
            } catch (UnsupportedOperationException cannot) {
                return new MigrationReport.Backlog(changeLog.pendingCount(migration), Map.of(), null);
            }
            long total = byReason.values().stream().mapToLong(Long::longValue).sum();
            return new MigrationReport.Backlog(total, new TreeMap<>(byReason), null);
        } catch (RuntimeException failure) {
            return new MigrationReport.Backlog(null, Map.of(), Redaction.describe(failure));
        }
    }

    private MigrationReport.Verification verification(String migration) {
        if (verification == null) {
            return new MigrationReport.Verification(null, List.of(), null);
        }
        try {
            VerificationStatus status = verification.lastVerification(migration);
            List<MigrationReport.Run> runs = verification instanceof JdbcVerificationProbe jdbc
                    ? jdbc.latestRuns(migration).stream().map(run -> new MigrationReport.Run(run.table(), run.scope(),
                            run.status(), run.sampled(), run.finishedAt())).toList()
                    : List.of();
            return new MigrationReport.Verification(status, runs, null);
        } catch (RuntimeException failure) {
            return new MigrationReport.Verification(null, List.of(), Redaction.describe(failure));
        }
    }

    private Map<String, MigrationReport.Breaker> breakers(String migration) {
        Map<String, MigrationReport.Breaker> breakers = new LinkedHashMap<>();
        if (writer == null) {
            return breakers;
        }
        for (Store target : List.of(Store.NEW, Store.OLD)) {
            Optional<MirrorExecutor> executor = writer.existingMirrorExecutor(migration, target);
            breakers.put(target.name().toLowerCase(Locale.ROOT), executor
                    .map(started -> new MigrationReport.Breaker(started.breakerState().name(), started.queuedTasks()))
                    .orElse(new MigrationReport.Breaker(NOT_STARTED, 0)));
        }
        return breakers;
    }

    /**
     * The whole read.
     *
     * @param migrations every configured migration's report, by name
     */
    public record DualWriteReport(Map<String, MigrationReport> migrations) {
    }
}
