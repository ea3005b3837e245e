package io.dualwrite.spring.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.MigrationPhase;
import io.dualwrite.Store;
import io.dualwrite.changelog.ChangeLog;
import io.dualwrite.changelog.ChangeLogs;
import io.dualwrite.changelog.ChangeRecord;
import io.dualwrite.changelog.InMemoryChangeLog;
import io.dualwrite.changelog.Operation;
import io.dualwrite.switches.MigrationSwitchConfig;
import io.dualwrite.switches.OrderPinStore;
import io.dualwrite.switches.OrderPinStores;
import io.dualwrite.switches.PhaseGate;
import io.dualwrite.switches.SwitchAdmin;
import io.dualwrite.switches.SwitchRule;
import io.dualwrite.switches.SwitchStore;
import io.dualwrite.switches.SwitchStores;
import io.dualwrite.switches.Switchboard;
import io.dualwrite.switches.VerificationStatus;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The endpoint's operations called directly, on in-memory stores, with the standard gate. */
@ExtendWith(OutputCaptureExtension.class)
class DualWriteEndpointTest {

    private final SwitchStore switches = SwitchStores.inMemory();
    private final OrderPinStore pins = OrderPinStores.inMemory();
    private final InMemoryChangeLog changeLog = ChangeLogs.inMemory();
    private VerificationStatus verified = VerificationStatus.CLEAN;
    private final Switchboard switchboard = Switchboard.builder().cachedSwitchStore(switches).orderPinStore(pins)
            .migration(MigrationSwitchConfig.builder("orders").pinning(true).build()).build();

    private DualWriteEndpoint endpoint(String writeRole) {
        return endpoint(changeLog, writeRole);
    }

    private DualWriteEndpoint endpoint(ChangeLog log, String writeRole) {
        PhaseGate gate = PhaseGate.standard(log::pendingCount, migration -> verified);
        return new DualWriteEndpoint(switchboard, SwitchAdmin.of(switchboard, gate), log, migration -> verified, null,
                writeRole);
    }

    private PhaseChange change(String target, String id, String phase, boolean force) {
        return endpoint(null).change("orders", target, phase, id, force, null, SecurityContext.NONE);
    }

    private void recordBacklog(String reason) {
        changeLog.record(new ChangeRecord("orders", "orders", "k-" + reason, Operation.UPDATE, reason, Store.NEW, null,
                null, Instant.now()));
    }

    @Test
    void reportShowsEverySwitchRulePinAndTheBacklogByReason() {
        switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
        switches.setMerchantPhase("orders", "m-1", MigrationPhase.SHADOW_READ);
        switches.setOrderPhase("orders", "o-9", MigrationPhase.OLD_ONLY);
        switches.setRules("orders", List.of(SwitchRule.merchantPercentage(10, MigrationPhase.DUAL_WRITE)));
        pins.pinIfAbsent("orders", "o-1", "m-1", MigrationPhase.DUAL_WRITE);
        recordBacklog("failed");
        recordBacklog("breaker-open");

        MigrationReport report = endpoint(null).report().migrations().get("orders");

        assertThat(report.switches().system()).isEqualTo(MigrationPhase.DUAL_WRITE);
        assertThat(report.switches().merchants()).containsExactly(Map.entry("m-1", MigrationPhase.SHADOW_READ));
        assertThat(report.switches().orders()).containsExactly(Map.entry("o-9", MigrationPhase.OLD_ONLY));
        assertThat(report.switches().rules()).containsExactly(
                new MigrationReport.Rule("merchant-percentage", 10, MigrationPhase.DUAL_WRITE));
        assertThat(report.pins().byPhase()).containsExactly(Map.entry(MigrationPhase.DUAL_WRITE, 1L));
        assertThat(report.backlog().total()).isEqualTo(2);
        assertThat(report.backlog().byReason()).containsExactly(Map.entry("breaker-open", 1L), Map.entry("failed", 1L));
        assertThat(report.verification().status()).isEqualTo(VerificationStatus.CLEAN);
        assertThat(report.breakers()).as("no writer given").isEmpty();
        assertThat(endpoint(null).migration("orders")).isEqualTo(report);
        assertThat(endpoint(null).migration("unknown")).isNull();
    }

    @Test
    void aMoveThatTheGateAllowsIsAppliedAndAudited(CapturedOutput output) {
        PhaseChange change = change("merchant", "m-1", "dual-write", false);

        assertThat(change.outcome()).isEqualTo(PhaseChange.APPLIED);
        assertThat(change.from()).isEqualTo(MigrationPhase.OLD_ONLY);
        assertThat(change.to()).isEqualTo(MigrationPhase.DUAL_WRITE);
        assertThat(switchboard.merchantPhase("orders", "m-1").phase()).isEqualTo(MigrationPhase.DUAL_WRITE);
        assertThat(auditLine(output, "dualwrite applied by 'anonymous': migration='orders' target='merchant' id='m-1'"
                + " from=OLD_ONLY to=DUAL_WRITE forced=false")).contains("INFO");
    }

    @Test
    void aForwardMovePastDualWriteWithABacklogIsRefusedWithTheGatesReasonAndChangesNothing(CapturedOutput output) {
        switches.setMerchantPhase("orders", "m-1", MigrationPhase.DUAL_WRITE);
        recordBacklog("failed");

        PhaseChange change = change("merchant", "m-1", "SHADOW_READ", false);

        assertThat(change.outcome()).isEqualTo(PhaseChange.REFUSED);
        assertThat(change.reason()).isEqualTo("change-log backlog for 'orders' is 1 entry; it must be empty");
        assertThat(switchboard.merchantPhase("orders", "m-1").phase()).isEqualTo(MigrationPhase.DUAL_WRITE);
        assertThat(auditLine(output, "dualwrite refused by 'anonymous': migration='orders' target='merchant' id='m-1'"
                + " from=DUAL_WRITE to=SHADOW_READ forced=false")).contains("INFO");
    }

    @Test
    void aDirtyVerificationRefusesTooAndForceOverridesAtWarn(CapturedOutput output) {
        switches.setSystemPhase("orders", MigrationPhase.DUAL_WRITE);
        verified = VerificationStatus.DIRTY;
        assertThat(change("system", null, "NEW_PRIMARY", false).reason()).contains("found differences");

        PhaseChange forced = change("system", null, "NEW_PRIMARY", true);

        assertThat(forced.outcome()).isEqualTo(PhaseChange.APPLIED);
        assertThat(forced.forced()).isTrue();
        assertThat(forced.reason()).as("the refusal it overrode").contains("found differences");
        assertThat(switchboard.systemPhase("orders")).isEqualTo(MigrationPhase.NEW_PRIMARY);
        assertThat(auditLine(output, "dualwrite applied by 'anonymous': migration='orders' target='system' id=-"
                + " from=DUAL_WRITE to=NEW_PRIMARY forced=true")).contains("WARN");
    }

    @Test
    void ordersAndPinsAreMovedOneByOneOrManyAtOnce() {
        pins.pinIfAbsent("orders", "o-1", "m-1", MigrationPhase.DUAL_WRITE);
        pins.pinIfAbsent("orders", "o-2", "m-1", MigrationPhase.DUAL_WRITE);
        pins.pinIfAbsent("orders", "o-3", "m-2", MigrationPhase.DUAL_WRITE);

        assertThat(change("order", "o-7", "DUAL_WRITE", false).outcome()).isEqualTo(PhaseChange.APPLIED);
        PhaseChange onePin = change("pin", "o-3", "OLD_ONLY", false);
        PhaseChange merchantPins = change("merchant-pins", "m-1", "SHADOW_READ", false);
        PhaseChange allPins = change("all-pins", null, "OLD_ONLY", false);

        assertThat(switchboard.switchStore().load("orders").orderPhases()).containsEntry("o-7", MigrationPhase.DUAL_WRITE);
        assertThat(onePin.from()).isEqualTo(MigrationPhase.DUAL_WRITE);
        assertThat(merchantPins.repinned()).isEqualTo(2);
        assertThat(allPins.repinned()).isEqualTo(3);
        assertThat(pins.pinCounts("orders")).containsExactly(Map.entry(MigrationPhase.OLD_ONLY, 3L));
    }

    @Test
    void badInputIsInvalidAndChangesNothing() {
        assertThat(change("galaxy", null, "DUAL_WRITE", false).reason()).contains("target must be one of");
        assertThat(change("system", null, "HALF_WAY", false).reason()).contains("phase must be one of");
        assertThat(change("merchant", " ", "DUAL_WRITE", false).reason()).contains("id must be a non-blank");
        assertThat(change("system", "m-1", "DUAL_WRITE", false).reason()).contains("id must be absent");
        assertThat(endpoint(null).change("payments", "system", "DUAL_WRITE", null, null, null, SecurityContext.NONE)
                .outcome()).isEqualTo(PhaseChange.INVALID);
        assertThat(change("galaxy", null, "DUAL_WRITE", false).outcome()).isEqualTo(PhaseChange.INVALID);
        assertThat(switches.load("orders")).isEqualTo(io.dualwrite.switches.SwitchSettings.empty());
    }

    @Test
    void anIdHoldingACredentialOrALineBreakIsInvalidAndReachesNoLogLine(CapturedOutput output) {
        PhaseChange url = change("merchant", "jdbc:postgresql://app:Pw-4711@db/shop", "DUAL_WRITE", false);
        PhaseChange key = change("order", "o-1 password=Pw-4711", "DUAL_WRITE", false);
        PhaseChange lines = change("merchant", "m-1\nINFO forged line", "DUAL_WRITE", false);
        PhaseChange merchant = endpoint(null).change("orders", "order", "DUAL_WRITE", "o-2", null,
                "secret=Pw-4711", SecurityContext.NONE);

        assertThat(List.of(url, key, lines, merchant)).allSatisfy(change -> {
            assertThat(change.outcome()).isEqualTo(PhaseChange.INVALID);
            assertThat(change.reason()).contains("is refused");
            assertThat(change.toString()).doesNotContain("Pw-4711").doesNotContain("\n");
        });
        assertThat(url.id()).isEqualTo("jdbc:postgresql://******@db/shop");
        assertThat(switches.load("orders")).isEqualTo(io.dualwrite.switches.SwitchSettings.empty());
        assertThat(output.getAll()).contains("dualwrite invalid by").doesNotContain("Pw-4711")
                .doesNotContain("\nINFO forged line");
    }

    @Test
    void aCallerWithoutTheWriteRoleIsForbiddenAndNothingChanges(CapturedOutput output) {
        PhaseChange change = endpoint("DUALWRITE_ADMIN").change("orders", "system", "DUAL_WRITE", null, null, null,
                caller("viewer", false));

        assertThat(change.outcome()).isEqualTo(PhaseChange.FORBIDDEN);
        assertThat(switchboard.systemPhase("orders")).isEqualTo(MigrationPhase.OLD_ONLY);
        assertThat(auditLine(output, "dualwrite forbidden by 'viewer': migration='orders' target='system' id=- from=-"
                + " to=- forced=false")).contains("WARN");
    }

    @Test
    void aCallerInTheWriteRoleMayWrite() {
        assertThat(endpoint("DUALWRITE_ADMIN").change("orders", "system", "DUAL_WRITE", null, null, null,
                caller("operator", true)).outcome()).isEqualTo(PhaseChange.APPLIED);
    }

    @Test
    void aSpringSecurityCallerWithTheRoleAuthorityMayWrite() {
        UsernamePasswordAuthenticationToken operator = UsernamePasswordAuthenticationToken.authenticated("operator",
                null, List.of(new SimpleGrantedAuthority("ROLE_DUALWRITE_ADMIN")));

        assertThat(endpoint("DUALWRITE_ADMIN").change("orders", "system", "DUAL_WRITE", null, null, null,
                new Caller(operator, false)).outcome()).isEqualTo(PhaseChange.APPLIED);
    }

    @Test
    void storeFailuresAreShownWithoutCredentials() {
        ChangeLog broken = failingChangeLog();

        MigrationReport report = endpoint(broken, null).report().migrations().get("orders");

        assertThat(report.backlog().total()).isNull();
        assertThat(report.backlog().error()).contains("IllegalStateException").contains("jdbc:postgresql://")
                .doesNotContain("s3cret");
    }

    private static ChangeLog failingChangeLog() {
        return new ChangeLog() {
            @Override
            public long record(ChangeRecord record) {
                throw new UnsupportedOperationException();
            }

            @Override
            public List<io.dualwrite.changelog.ChangeEntry> claim(int limit, Instant now, java.time.Duration lease) {
                return List.of();
            }

            @Override
            public void complete(long id) {
            }

            @Override
            public void retryLater(long id, Instant dueAt, String error) {
            }

            @Override
            public long pendingCount(String migration) {
                throw new IllegalStateException("could not connect to jdbc:postgresql://dw:s3cret@db:5432/app"
                        + "?password=s3cret");
            }
        };
    }

    /** The one line of the audit logger holding {@code text}. */
    static String auditLine(CapturedOutput output, String text) {
        List<String> lines = output.getAll().lines().filter(line -> line.contains(text)).toList();
        assertThat(lines).as("audit lines with: " + text).hasSize(1);
        assertThat(lines.get(0)).contains(DualWriteEndpoint.AUDIT_LOGGER);
        return lines.get(0);
    }

    private static SecurityContext caller(String name, boolean inRole) {
        return new Caller(() -> name, inRole);
    }

    private record Caller(Principal principal, boolean inRole) implements SecurityContext {
        @Override
        public Principal getPrincipal() {
            return principal;
        }

        @Override
        public boolean isUserInRole(String role) {
            return inRole;
        }
    }
}
