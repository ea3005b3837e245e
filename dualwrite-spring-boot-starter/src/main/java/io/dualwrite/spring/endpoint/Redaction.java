package io.dualwrite.spring.endpoint;

import io.dualwrite.internal.Credentials;
import org.jspecify.annotations.Nullable;

/**
 * Cuts credentials out of texts that reach endpoint output or log lines ({@link Credentials}, the user name of a
 * URL included: {@code scheme://******@host}), and turns line breaks into spaces, so a value cannot forge a log
 * line.
 */
final class Redaction {

    static final String MASK = "******";

    private Redaction() {
    }

    /** {@code text} without credentials and line breaks; {@code null} stays {@code null}. */
    static @Nullable String redact(@Nullable String text) {
        if (text == null) {
            return null;
        }
        return Credentials.mask(text, MASK, true).replace('\r', ' ').replace('\n', ' ');
    }

    /** A failure as a short text for output: its type and redacted message. */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + redact(message));
    }
}
