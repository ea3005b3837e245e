package io.dualwrite.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InvalidDualWritePropertyException} in Spring Boot's start-up failure form: the description
 * names the property, its value and what it accepts; the action says how to fix it. Registered in
 * {@code META-INF/spring.factories}.
 */
final class InvalidDualWritePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidDualWritePropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidDualWritePropertyException cause) {
        String description = "Invalid dualwrite configuration:\n\n"
                + "    Property: " + cause.property() + "\n"
                + "    Value: " + InvalidDualWritePropertyException.shown(cause.value()) + "\n"
                + "    Allowed: " + cause.allowed() + "\n";
        return new FailureAnalysis(description, cause.fix(), cause);
    }
}
