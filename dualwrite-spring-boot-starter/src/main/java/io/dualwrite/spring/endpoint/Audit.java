package io.dualwrite.spring.endpoint;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one line per write request on {@link DualWriteEndpoint#AUDIT_LOGGER}. */
final class Audit {

    private static final Logger log = LoggerFactory.getLogger(DualWriteEndpoint.AUDIT_LOGGER);

    /** Logs the change and returns it. */
    PhaseChange record(String who, PhaseChange change) {
        boolean warn = (change.forced() && change.applied()) || PhaseChange.FORBIDDEN.equals(change.outcome());
        String line = "dualwrite {} by {}: migration={} target={} id={} from={} to={} forced={} reason={}";
        Object[] values = {change.outcome(), quoted(who), quoted(change.migration()), quoted(change.target()),
                quoted(change.id()), phase(change.from()), phase(change.to()), change.forced(), quoted(change.reason())};
        if (warn) {
            log.warn(line, values);
        } else {
            log.info(line, values);
        }
        return change;
    }

    private static String phase(io.dualwrite.@org.jspecify.annotations.Nullable MigrationPhase phase) {
        return phase == null ? "-" : phase.name();
    }

    private static String quoted(@org.jspecify.annotations.Nullable String value) {
        return value == null ? "-" : "'" + Redaction.redact(value) + "'";
    }
}
