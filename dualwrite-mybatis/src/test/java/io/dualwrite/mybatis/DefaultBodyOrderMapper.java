package io.dualwrite.mybatis;

import io.dualwrite.annotation.DualWrite;
import io.dualwrite.changelog.Operation;
import java.util.List;

/** {@link TwoStoreOrderMapper} with {@code default} methods whose bodies call its marked writes. */
public interface DefaultBodyOrderMapper extends TwoStoreOrderMapper {

    /** Not marked: inserts, then marks the order paid. */
    default int insertPaid(Order order) {
        insert(order);
        return updateStatus(order.getId(), order.getMerchantNo(), "PAID");
    }

    /** Not marked: one marked update per id. */
    default int closeAll(List<Long> ids, String merchantNo) {
        int changed = 0;
        for (long id : ids) {
            changed += updateStatus(id, merchantNo, "CLOSED");
        }
        return changed;
    }

    /** Marked itself, and its body calls a marked write. */
    @DualWrite(table = "orders", key = 0, operation = Operation.INSERT)
    default int insertMarked(Order order) {
        return insert(order);
    }
}
