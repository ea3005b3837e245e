package io.dualwrite.spring.aop;

import java.util.Locale;

/** How one sampled shadow read ended: the {@code outcome} tag of the {@code dualwrite.shadow.reads} counter. */
public enum ShadowReadOutcome {
    /** The other store's result agreed with the caller's, by the method's comparator. */
    MATCH,
    /** The results differ (logged at WARN, rate-limited, without row values). */
    MISMATCH,
    /** The other store's run threw or passed its time limit, or the comparator threw; the caller never saw it. */
    ERROR,
    /** The sample was not run: the shadow-read executor was full (or closed). */
    DROPPED;

    /** The tag value: the name in lower case. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
