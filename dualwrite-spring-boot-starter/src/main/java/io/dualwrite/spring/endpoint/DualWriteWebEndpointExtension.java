package io.dualwrite.spring.endpoint;

import java.util.Objects;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP face of {@link DualWriteEndpoint}'s write operation: the same {@link PhaseChange}, with the status that
 * says how it ended — 200 applied, 409 refused by the phase gate, 403 the caller lacks the write role, 400 bad input.
 */
@EndpointWebExtension(endpoint = DualWriteEndpoint.class)
public class DualWriteWebEndpointExtension {

    private final DualWriteEndpoint endpoint;

    /** The extension of {@code endpoint}. */
    public DualWriteWebEndpointExtension(DualWriteEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** See {@link DualWriteEndpoint#change}. */
    @WriteOperation
    public WebEndpointResponse<PhaseChange> change(@Selector String migration, String target, String phase,
                                                   @org.springframework.lang.Nullable String id,
                                                   @org.springframework.lang.Nullable Boolean force,
                                                   @org.springframework.lang.Nullable String merchantId,
                                                   SecurityContext security) {
        PhaseChange change = endpoint.change(migration, target, phase, id, force, merchantId, security);
        int status = switch (change.outcome()) {
            case PhaseChange.APPLIED -> WebEndpointResponse.STATUS_OK;
            case PhaseChange.REFUSED -> 409;
            case PhaseChange.FORBIDDEN -> 403;
            default -> WebEndpointResponse.STATUS_BAD_REQUEST;
        };
        return new WebEndpointResponse<>(change, status);
    }
}
