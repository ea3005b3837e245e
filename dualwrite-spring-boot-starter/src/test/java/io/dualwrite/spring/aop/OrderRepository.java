package io.dualwrite.spring.aop;

import io.dualwrite.MigrationContext;
import io.dualwrite.Store;
import io.dualwrite.annotation.DualRead;
import io.dualwrite.annotation.DualWrite;
import io.dualwrite.annotation.MerchantId;
import io.dualwrite.jdbc.ReadStoreOverride;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A repository as an application writes it: plain {@link JdbcTemplate} over the dual-write data source, the
 * migration only in annotations. It notes the context and read route of each call, so tests can see them.
 */
public class OrderRepository {

    /** A row of the orders table. */
    public record Order(long id, String merchantId, String note) {
    }

    /** What one call saw: its context, and the store its reads were routed to by an override (if any). */
    public record Call(String method, Optional<MigrationContext> context, Optional<Store> routedTo) {
    }

    private final JdbcTemplate jdbc;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    /** When set, a call whose reads are routed to the new store announces itself and waits for it to open. */
    private volatile java.util.concurrent.@org.jspecify.annotations.Nullable CountDownLatch holdNewStoreReads;
    private final java.util.concurrent.Semaphore heldOnNewStore = new java.util.concurrent.Semaphore(0);

    public OrderRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @DualWrite
    public void save(@MerchantId String merchantId, long id, String note) {
        note("save");
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)", id, merchantId, note);
    }

    @DualWrite(merchantId = "#order.merchantId", orderId = "#order.id")
    public void saveOrder(Order order) {
        note("saveOrder");
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)", order.id(), order.merchantId(),
                order.note());
    }

    /** Writes a row attributed to the merchant of {@code owner}, which may be null. */
    @DualWrite(merchantId = "#owner.merchantId")
    public void saveOwnedBy(Order owner, long id, String note) {
        note("saveOwnedBy");
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)", id,
                owner == null ? null : owner.merchantId(), note);
    }

    /** The same insert without the annotation: nothing attributes it to a merchant. */
    public void saveUnannotated(String merchantId, long id, String note) {
        note("saveUnannotated");
        jdbc.update("INSERT INTO orders (id, merchant_id, note) VALUES (?, ?, ?)", id, merchantId, note);
    }

    @DualRead
    public String findNote(@MerchantId String merchantId, long id) {
        note("findNote");
        return jdbc.queryForObject("SELECT note FROM orders WHERE id = ?", String.class, id);
    }

    @DualRead(shadowReads = false)
    public String findNoteUnshadowed(@MerchantId String merchantId, long id) {
        note("findNoteUnshadowed");
        return jdbc.queryForObject("SELECT note FROM orders WHERE id = ?", String.class, id);
    }

    @DualRead(comparator = IgnoringCase.class)
    public String findNoteIgnoringCase(@MerchantId String merchantId, long id) {
        note("findNoteIgnoringCase");
        return jdbc.queryForObject("SELECT note FROM orders WHERE id = ?", String.class, id);
    }

    @DualRead(comparator = Throwing.class)
    public String findNoteComparedBadly(@MerchantId String merchantId, long id) {
        note("findNoteComparedBadly");
        return jdbc.queryForObject("SELECT note FROM orders WHERE id = ?", String.class, id);
    }

    /** A read that also writes (it counts its reads): its shadow run must not write the other store. */
    @DualRead
    public String findNoteCounting(@MerchantId String merchantId, long id) {
        note("findNoteCounting");
        jdbc.update("UPDATE orders SET note = note || '+' WHERE id = ?", id);
        return jdbc.queryForObject("SELECT note FROM orders WHERE id = ?", String.class, id);
    }

    @DualRead(merge = true, rowKey = "id", rowMerchantId = "merchantId")
    public List<Order> findAll() {
        note("findAll");
        return jdbc.query("SELECT id, merchant_id, note FROM orders ORDER BY id",
                (row, n) -> new Order(row.getLong("id"), row.getString("merchant_id"), row.getString("note")));
    }

    @DualRead(merge = true, rowKey = "#row['id']", rowMerchantId = "['merchant_id']")
    public List<java.util.Map<String, Object>> findAllAsMaps() {
        note("findAllAsMaps");
        return jdbc.queryForList("SELECT id, merchant_id, note FROM orders ORDER BY id");
    }

    private void note(String method) {
        Optional<Store> routed = ReadStoreOverride.current("orders");
        calls.add(new Call(method, MigrationContext.current(), routed));
        java.util.concurrent.CountDownLatch hold = holdNewStoreReads;
        if (hold != null && routed.equals(Optional.of(Store.NEW))) {
            heldOnNewStore.release();
            try {
                if (!hold.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held for 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Makes calls routed to the new store wait for {@code gate} (methods, not fields: tests hold the proxy). */
    void holdNewStoreReads(java.util.concurrent.CountDownLatch gate) {
        holdNewStoreReads = gate;
    }

    /** Whether a call routed to the new store started waiting within ten seconds. */
    boolean heldOnNewStore() throws InterruptedException {
        return heldOnNewStore.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String method) {
        return calls.stream().filter(call -> call.method().equals(method)).toList();
    }

    /** A comparator that fails. */
    public static final class Throwing implements io.dualwrite.annotation.ShadowReadComparator {
        @Override
        public boolean matches(Object served, Object shadow) {
            throw new IllegalStateException("comparator bug");
        }
    }

    /** Compares notes ignoring case. */
    public static final class IgnoringCase implements io.dualwrite.annotation.ShadowReadComparator {
        @Override
        public boolean matches(Object served, Object shadow) {
            return served instanceof String a && shadow instanceof String b && a.equalsIgnoreCase(b);
        }
    }
}
