package io.dualwrite.switches;

/** Which switch decided a call's phase, highest precedence first. */
public enum SwitchScope {
    /** An explicit phase for the order. */
    ORDER_SWITCH,
    /** The phase the order was pinned to when it was first written. */
    ORDER_PIN,
    /** The merchant's phase. */
    MERCHANT_SWITCH,
    /** A rule: a percentage of merchants or an id threshold. */
    RULE,
    /** The migration's system phase (stored, or the configured default). */
    SYSTEM
}
